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
from igor.lib.web import add_action_errors, role_of, staff
from igor.sharing import actions, policy
from igor.sharing.forms import BreakGlassForm


@requires(Cap.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = policy.find_for_break_glass(
            user, form.cleaned_data["target"], form.cleaned_data["identifier"]
        )
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
