"""Person pages: search, register, view, edit, and the logged reveal of protected details."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Party
from igor.lib.web import add_action_errors, is_htmx, page_number, role_of, staff
from igor.people import actions
from igor.people.access import search_persons
from igor.people.forms import PersonForm, PersonSearchForm, RevealForm
from igor.people.models import Person
from igor.sharing import policy


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Search by POST, so that names and identity numbers never appear in URLs or logs."""
    form = PersonSearchForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["q"]
        results = search_persons(staff(request), text, page_number(form.cleaned_data["page"]))
        record(
            actor=staff(request),
            verb="search",
            object_type="person",
            purpose="person search",
            acting_role=role_of(request),
            data={"results": [p.pk for p in results.items]},
        )
        context.update(results=results, query=text)
    template = "people/search.html#results" if is_htmx(request) else "people/search.html"
    return TemplateResponse(request, template, context)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = PersonForm(request.POST or None, units=list(user.units.all()))
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.register_person(
                actor=user,
                unit=form.cleaned_data["unit"],
                details=form.details(),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("people:detail", pk=person.pk)
    return TemplateResponse(request, "people/form.html", {"form": form, "person": None})


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = policy.get_person_for(staff(request), pk)
    policy.audit_read(
        access,
        object_type="person",
        purpose="view person",
        acting_role=role_of(request),
        person_id=pk,
    )
    return _render_detail(request, access, RevealForm(), revealed=False)


def _render_detail(
    request: HttpRequest, access: policy.Access[Person], reveal_form: RevealForm, *, revealed: bool
) -> TemplateResponse:
    person = access.obj
    case_ids = policy.cases_visible_to(staff(request), access.scope).values("pk")
    parties = (
        Party.objects.filter(person=person, case__in=case_ids)
        .select_related("case")
        .order_by("-case__opened_at")
    )
    return TemplateResponse(
        request,
        "people/detail.html",
        {
            "person": person,
            "access": access,
            "parties": parties,
            "show_contact": policy.shows_contact_details(access) or revealed,
            "may_reveal": person.is_protected and policy.may_reveal_protected(access),
            "revealed": revealed,
            "reveal_form": reveal_form,
        },
    )


@requires(Cap.REVEAL_PROTECTED)
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a protected person's contact details in this response only, and log it (A5)."""
    access = policy.get_person_for(staff(request), pk)
    if not access.obj.is_protected or not policy.may_reveal_protected(access):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, access, form, revealed=False)
    actions.reveal_protected_details(
        actor=staff(request),
        person=access.obj,
        reason=form.cleaned_data["reason"],
        acting_role=role_of(request),
    )
    return _render_detail(request, access, RevealForm(), revealed=True)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    person = policy.get_person_for(user, pk, for_edit=True).obj
    initial = {name: getattr(person, name) for name in actions.PERSON_FIELDS}
    if person.is_protected:  # the edit form would show the protected details
        for name in ("phone", "email", "street_address", "postal_code", "city"):
            initial.pop(name)
    initial["unit"] = person.unit_id
    form = PersonForm(request.POST or None, initial=initial, units=[person.unit])
    if person.is_protected:
        for name in ("phone", "email", "street_address", "postal_code", "city"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(
                actor=user, person=person, details=form.details(), acting_role=role_of(request)
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("people:detail", pk=person.pk)
    return TemplateResponse(request, "people/form.html", {"form": form, "person": person})
