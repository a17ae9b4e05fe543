"""Case pages: list, open, view (with timeline), edit, parties, relations, incidents, journal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.cases import actions
from igor.cases.access import case_view, list_cases, visible_incident
from igor.cases.forms import (
    CaseFilterForm,
    CaseForm,
    IncidentForm,
    JournalForm,
    NewCaseForm,
    PartyForm,
    PartySearchForm,
    RelationForm,
)
from igor.cases.models import Case, JournalEntry, Party
from igor.lib.web import add_action_errors, is_htmx, page_number, role_of, staff
from igor.people import suggest
from igor.people.access import persons_for_case
from igor.people.forms import CandidateForm
from igor.people.matching import Candidates
from igor.people.review import alerts_for_case
from igor.sharing import access as sharing_reading
from igor.sharing import policy


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = list_cases(staff(request), filters, page_number(filters.get("page")))
    context = {"form": form, "page": page, "own_organisation": staff(request).organisation_id}
    template = "cases/list.html#table" if is_htmx(request) else "cases/list.html"
    return TemplateResponse(request, template, context)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    units = list(user.units.all())
    if not units or user.organisation_id is None:
        raise Http404
    chosen = next((u for u in units if str(u.pk) == request.POST.get("unit")), units[0])
    form = NewCaseForm(
        request.POST or None,
        units=units,
        organisation_id=user.organisation_id,
        unit_id=chosen.pk,
        initial={"owner": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.open_case(
                actor=user, unit=chosen, details=form.cleaned_data, acting_role=role_of(request)
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(request, "cases/form.html", {"form": form, "case": None})


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = policy.get_case_for(staff(request), pk)
    policy.audit_read(
        access, object_type="case", purpose="view case", acting_role=role_of(request), case_id=pk
    )
    context = {
        "view": case_view(access),
        "case": access.obj,
        "sharing": sharing_reading.case_sharing(access),
        "concern_prompt": sharing_reading.concern_prompt(access),
        "repeat_alerts": alerts_for_case(access),
    }
    return TemplateResponse(request, "cases/detail.html", context)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = policy.get_case_for(staff(request), pk, for_edit=True).obj
    initial = {
        "title": case.title,
        "summary": case.summary,
        "owner": case.owner_id,
        "status": case.status,
    }
    form = CaseForm(
        request.POST or None,
        initial=initial,
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        with_status=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_case(
                actor=staff(request),
                case=case,
                details=form.cleaned_data,
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(request, "cases/form.html", {"form": form, "case": case})


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_party(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a person of the unit (search by POST), then add them with a role."""
    user = staff(request)
    case = policy.get_case_for(user, pk, for_edit=True).obj
    search = PartySearchForm(request.POST if "q" in request.POST else None)
    form = PartyForm(request.POST if "person" in request.POST else None)
    candidates = (
        persons_for_case(user, case.unit_id, search.cleaned_data["q"])
        if search.is_bound and search.is_valid()
        else []
    )
    finder = CandidateForm(request.POST if "find" in request.POST else None)
    matches = _party_candidates(request, case, finder) if finder.is_bound else None
    if form.is_bound and form.is_valid():
        person = policy.get_person_for(user, form.cleaned_data["person"], for_edit=True).obj
        try:
            actions.add_party(
                actor=user,
                case=case,
                person=person,
                role=form.cleaned_data["role"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(
        request,
        "cases/add_party.html",
        {
            "case": case,
            "search": search,
            "form": form,
            "candidates": candidates,
            "finder": finder,
            "matches": matches,
        },
        status=422 if search.errors or finder.errors else 200,
    )


def _party_candidates(request: HttpRequest, case: Case, finder: CandidateForm) -> Candidates | None:
    """The persons of the case's unit and the user's organisation (those that can be parties)
    who may be the one described, with score, class and reasons; audited like a search. A likely
    match among the other organisation's persons only prompts to ask for a basis."""
    if not finder.is_valid():
        return None
    user = staff(request)
    scope = policy.scope_for(user)
    found = suggest.candidates_for(user, [finder.record])
    addable = [
        candidate
        for candidate in found.found
        if scope.is_own(candidate.person.organisation_id, candidate.person.unit_id)
        and candidate.person.unit_id == case.unit_id
    ]
    return suggest.audited(
        user,
        Candidates(addable, found.other_side),
        verb="match",
        purpose="find known person before adding a party",
        acting_role=role_of(request),
        data={"case": case.pk},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def relate(request: HttpRequest, pk: int) -> HttpResponse:
    case = policy.get_case_for(staff(request), pk, for_edit=True).obj
    parties = Party.objects.filter(case=case).select_related("person")
    form = RelationForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        try:
            actions.relate_parties(
                actor=staff(request), case=case, acting_role=role_of(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(request, "cases/relate.html", {"case": case, "form": form})


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_incident(request: HttpRequest, pk: int) -> HttpResponse:
    case = policy.get_case_for(staff(request), pk, for_edit=True).obj
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.record_incident(
                actor=staff(request),
                case=case,
                details=form.details(),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:incident", pk=case.pk, incident_pk=incident.pk)
    return TemplateResponse(request, "cases/incident_form.html", {"case": case, "form": form})


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def incident(request: HttpRequest, pk: int, incident_pk: int) -> HttpResponse:
    access, item = visible_incident(staff(request), pk, incident_pk)
    policy.audit_read(
        access,
        object_type="incident",
        purpose="view incident",
        acting_role=role_of(request),
        case_id=pk,
        object_id=item.pk,
    )
    return TemplateResponse(
        request, "cases/incident.html", {"case": access.obj, "incident": item, "access": access}
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_journal_entry(request: HttpRequest, pk: int) -> HttpResponse:
    case = policy.get_case_for(staff(request), pk, for_edit=True).obj
    form = JournalForm(request.POST or None, initial={"corrects": request.GET.get("rattar")})
    corrected_id = request.POST.get("corrects") or request.GET.get("rattar")
    corrected = None
    if corrected_id:
        corrected = JournalEntry.objects.filter(case=case, pk=page_number(corrected_id)).first()
        if corrected is None:
            raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_journal_entry(
                actor=staff(request),
                case=case,
                text=form.cleaned_data["text"],
                corrects=corrected,
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return TemplateResponse(
        request, "cases/journal_form.html", {"case": case, "form": form, "corrected": corrected}
    )
