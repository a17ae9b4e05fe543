"""Person pages: search, register, view, edit, and the logged reveal of protected details."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Party
from igor.lib.web import add_action_errors, is_htmx, page_number, role_of, staff
from igor.people import actions, review, suggest
from igor.people.access import search_persons
from igor.people.forms import PersonForm, PersonSearchForm, RevealForm
from igor.people.matching import Candidates, find_candidates
from igor.people.models import Person
from igor.people.scoring import make_record
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


def _candidates_for_form(request: HttpRequest, details: dict[str, object]) -> Candidates:
    """Persons the user may see who may be the one being registered. Showing them is a read of
    personal data, audited like a search (a person shown on a basis also as a disclosure); a
    lookup that shows nothing writes no event."""
    record_ = make_record(
        given=str(details.get("first_name") or ""),
        surname=str(details.get("last_name") or ""),
        identity=str(details.get("identity_number") or ""),
        birth=str(details.get("birth_date") or ""),
        street=str(details.get("street_address") or ""),
        postcode=str(details.get("postal_code") or ""),
        phone=str(details.get("phone") or ""),
    )
    return suggest.audited(
        staff(request),
        find_candidates(staff(request), record_),
        verb="match",
        purpose="find known person before registering",
        acting_role=role_of(request),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Register a person; first shows the persons the unit may already know, and registers only
    when the user confirms that none of them is the one (or there is none)."""
    user = staff(request)
    form = PersonForm(request.POST or None, units=list(user.units.all()))
    candidates: Candidates | None = None
    if request.method == "POST" and form.is_valid() and not request.POST.get("confirmed"):
        candidates = _candidates_for_form(request, form.details())
        if candidates.found or candidates.other_side:
            return TemplateResponse(
                request,
                "people/form.html",
                {"form": form, "person": None, "candidates": candidates},
            )
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


# --- Duplicate review and repeat-perpetrator alerts ------------------------------------------------


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET"])
def duplicates(request: HttpRequest) -> HttpResponse:
    """Open pairs in the user's own organisation and units, best first; recent merges to undo."""
    user = staff(request)
    pairs = review.open_pairs(user)
    merges = review.recent_merges(user)
    record(
        actor=user,
        verb="read",
        object_type="duplicate_pair",
        purpose="duplicate review",
        acting_role=role_of(request),
        data={"pairs": [pair.pk for pair in pairs]},
    )
    return TemplateResponse(request, "people/duplicates.html", {"pairs": pairs, "merges": merges})


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def merge(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    pk = _posted_id(request, "pair")
    if pk is None:
        return _bad_decision(request, _("Choose a pair to decide on."))
    pair = review.get_pair_for(user, pk)
    survivor_id = request.POST.get("survivor", "")
    by_id = {str(pair.first_id): pair.first, str(pair.second_id): pair.second}
    survivor = by_id.get(survivor_id)
    if survivor is None:
        return _bad_decision(request, _("Choose which record to keep."))
    try:
        actions.merge_persons(
            actor=user, pair=pair, survivor=survivor, acting_role=role_of(request)
        )
    except ValidationError as error:
        return _bad_decision(request, " ".join(error.messages))
    messages.success(request, _("The records were merged. You can undo it below."))
    return redirect("people:duplicates")


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def distinct(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    pk = _posted_id(request, "pair")
    if pk is None:
        return _bad_decision(request, _("Choose a pair to decide on."))
    pair = review.get_pair_for(user, pk)
    try:
        actions.mark_distinct(actor=user, pair=pair, acting_role=role_of(request))
    except ValidationError as error:
        return _bad_decision(request, " ".join(error.messages))
    messages.success(request, _("Marked as two different people."))
    return redirect("people:duplicates")


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    pk = _posted_id(request, "merge")
    if pk is None:
        return _bad_decision(request, _("Choose a merge to undo."))
    merge_row = review.get_merge_for(user, pk)
    try:
        actions.undo_merge(actor=user, merge=merge_row, acting_role=role_of(request))
    except ValidationError as error:
        return _bad_decision(request, " ".join(error.messages))
    messages.success(request, _("The merge was undone."))
    return redirect("people:duplicates")


def _posted_id(request: HttpRequest, name: str) -> int | None:
    """Ids travel in the form body, so that the decision pages have plain URLs."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _bad_decision(request: HttpRequest, message: str) -> HttpResponse:
    user = staff(request)
    context = {
        "pairs": review.open_pairs(user),
        "merges": review.recent_merges(user),
        "decision_error": message,
    }
    return TemplateResponse(request, "people/duplicates.html", context, status=422)


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def alerts(request: HttpRequest) -> HttpResponse:
    """Repeat-perpetrator alerts on the cases the user may see."""
    user = staff(request)
    found = review.alerts_for(user)
    record(
        actor=user,
        verb="read",
        object_type="repeat_alert",
        purpose="repeat perpetrator alerts",
        acting_role=role_of(request),
        data={"alerts": [item.alert.pk for item in found]},
    )
    return TemplateResponse(request, "people/alerts.html", {"alerts": found})
