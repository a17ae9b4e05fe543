"""Break-the-glass (rule A7): emergency access to one case or person, with a stated reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.cases.models import Case
from igor.lib.web import add_action_errors, role_of, staff
from igor.people.access import identity_query
from igor.people.models import Person
from igor.sharing import actions
from igor.sharing.forms import BreakGlassForm


def _find(target: str, identifier: str, unit_ids: list[int]) -> tuple[str, int] | None:
    """The row an emergency request names, within the user's units (either organisation)."""
    if target == "case":
        case = Case.objects.filter(reference=identifier.strip(), unit_id__in=unit_ids).first()
        return ("case", case.pk) if case else None
    number = identity_query(identifier)
    person = (
        Person.objects.filter(identity_number=number, unit_id__in=unit_ids).order_by("pk").first()
        if number
        else None
    )
    return ("person", person.pk) if person else None


@requires(Cap.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _find(form.cleaned_data["target"], form.cleaned_data["identifier"], user.unit_ids())
        if found is None:
            form.add_error("identifier", _("Nothing in your units matches this."))
        else:
            try:
                actions.break_the_glass(
                    actor=user,
                    object_type=found[0],
                    object_id=found[1],
                    reason=form.cleaned_data["reason"],
                    acting_role=role_of(request),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                view = "cases:detail" if found[0] == "case" else "people:detail"
                return redirect(view, pk=found[1])
    return TemplateResponse(request, "sharing/break_glass.html", {"form": form})
