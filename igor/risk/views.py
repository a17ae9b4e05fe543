"""Risk pages: overview, a case's risk picture, assessments, safety plans, safe contact,
protective measures and case conferences. Every row is loaded through igor.risk.access."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.cases.models import Case, Party, PartyRole
from igor.lib.pdf import pdf_response, render_pdf
from igor.lib.web import add_action_errors, role_of, staff
from igor.people.models import Person
from igor.risk import access as risk_access
from igor.risk import actions, instruments, rules
from igor.risk.forms import (
    ActionDoneForm,
    AgendaForm,
    BreachForm,
    ConferenceActionForm,
    ConferenceForm,
    DecisionForm,
    ExternalForm,
    InstrumentForm,
    MeasureForm,
    MeasureUpdateForm,
    MinutesForm,
    SafeContactForm,
    SafetyPlanForm,
    VictimForm,
)
from igor.risk.models import PLAN_SECTIONS, Conference, ConferenceItem, SafetyPlanVersion
from igor.sharing import policy

GET = require_http_methods(["GET"])
FORM = require_http_methods(["GET", "POST"])


def _read(
    request: HttpRequest,
    access: policy.Access[Case],
    object_type: str,
    object_id: int | None = None,
    *,
    person_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    policy.audit_read(
        access,
        object_type=object_type,
        purpose=f"view {object_type.replace('_', ' ')}",
        acting_role=role_of(request),
        case_id=access.obj.pk,
        person_id=person_id,
        object_id=object_id,
        data=data,
    )


def _assessed_persons(case: Case) -> list[Person]:
    parties = (
        Party.objects.filter(case=case)
        .exclude(role=PartyRole.PERPETRATOR)
        .select_related("person")
        .order_by("role", "id")
    )
    return [p.person for p in parties if not risk_access.uses_violence(p.person)]


@requires(Cap.VIEW_CASE_DATA)
@GET
def overview(request: HttpRequest) -> HttpResponse:
    view = risk_access.overview(staff(request))
    return TemplateResponse(request, "risk/overview.html", {"view": view})


@requires(Cap.VIEW_CASE_DATA)
@GET
def case_risk(request: HttpRequest, pk: int) -> HttpResponse:
    access = risk_access.case_for(staff(request), pk)
    _read(request, access, "case_risk", pk)
    picture = risk_access.picture(access)
    return TemplateResponse(
        request,
        "risk/case.html",
        {
            "case": access.obj,
            "view": picture,
            "access": access,
            "may_edit": access.editable,
            "instrument": instruments.current(instruments.DEFAULT),
        },
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment with IGOR's own instrument: answer, see the suggestion, then judge."""
    access = risk_access.case_for(staff(request), pk, for_edit=True)
    case = access.obj
    instrument = instruments.current(request.GET.get("instrument") or instruments.DEFAULT)
    if instrument is None:
        raise Http404
    persons = _assessed_persons(case)
    if not persons:
        messages.error(request, _("Add the person at risk to the case first."))
        return redirect("risk:case", pk=case.pk)
    form = InstrumentForm(request.POST or None, instrument=instrument, persons=persons)
    suggestion = None
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        if not rules.answer_problems(instrument, answers):
            suggestion = rules.suggest(instrument, answers)
        if "save" in request.POST:
            try:
                assessment = actions.assess_with_instrument(
                    actor=staff(request),
                    case=case,
                    person=form.person(),
                    instrument_key=instrument.key,
                    answers=answers,
                    level=form.cleaned_data.get("level") or "",
                    rationale=form.cleaned_data.get("rationale") or "",
                    assessed_on=form.cleaned_data.get("assessed_on"),
                    request_approval=form.cleaned_data.get("request_approval", False),
                    acting_role=role_of(request),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return redirect("risk:assessment", pk=case.pk, assessment_pk=assessment.pk)
        elif suggestion and not form.cleaned_data.get("level"):
            # Preselect the suggested level; the assessor still judges and explains.
            data = request.POST.copy()
            data["level"] = suggestion.level or ""
            form = InstrumentForm(data, instrument=instrument, persons=persons)
            form.is_valid()
    return TemplateResponse(
        request,
        "risk/assess.html",
        {"case": case, "form": form, "instrument": instrument, "suggestion": suggestion},
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def record_external(request: HttpRequest, pk: int) -> HttpResponse:
    access = risk_access.case_for(staff(request), pk, for_edit=True)
    case = access.obj
    form = ExternalForm(
        request.POST or None, request.FILES or None, persons=_assessed_persons(case)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = actions.record_external_result(
                actor=staff(request),
                case=case,
                person=form.person(),
                instrument_name=data["instrument_name"],
                instrument_version=data["instrument_version"],
                assessed_on=data["assessed_on"],
                assessor_name=data["assessor_name"],
                level=data["level"],
                rationale=data["rationale"],
                factors=data["factors"],
                scan=form.scan_tuple(),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:assessment", pk=case.pk, assessment_pk=assessment.pk)
    return TemplateResponse(
        request,
        "risk/form.html",
        {
            "case": case,
            "form": form,
            "title": _("Record the result of another instrument"),
            "multipart": True,
            "intro": _(
                "IGOR keeps the instrument's name, the result and your summary; never its "
                "questions. Attach the signed form as a scan."
            ),
        },
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def record_victim(request: HttpRequest, pk: int) -> HttpResponse:
    access = risk_access.case_for(staff(request), pk, for_edit=True)
    case = access.obj
    form = VictimForm(request.POST or None, persons=_assessed_persons(case))
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_victim_estimate(
                actor=staff(request),
                case=case,
                person=form.person(),
                level=form.cleaned_data["level"],
                in_her_words=form.cleaned_data["in_her_words"],
                assessed_on=form.cleaned_data["assessed_on"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:case", pk=case.pk)
    return TemplateResponse(
        request,
        "risk/form.html",
        {
            "case": case,
            "form": form,
            "title": _("Record the person's own estimate of the danger"),
            "intro": _(
                "Her own sense of the danger predicts about as well as the instruments do. "
                "A gap between her estimate and yours is a reason to talk."
            ),
        },
    )


@requires(Cap.VIEW_CASE_DATA)
@GET
def assessment(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    user = staff(request)
    access, item = risk_access.assessment_for(user, pk, assessment_pk)
    _read(request, access, "risk_assessment", item.pk, person_id=item.person_id)
    instrument = instruments.by_key(f"{item.instrument_id}@{item.instrument_version}")
    answered = []
    if instrument is not None:
        for question in instrument.items:
            chosen = item.answers.get(question.id)
            label = next(
                (a.text for a in instrument.answers_for(question) if a.id == chosen), chosen
            )
            answered.append((question, label))
    return TemplateResponse(
        request,
        "risk/assessment.html",
        {
            "case": access.obj,
            "assessment": item,
            "instrument": instrument,
            "answered": answered,
            "may_decide": item.awaiting_approval and risk_access.may_approve(user, access),
            "person_named": policy.sees_person(access.scope, item.person),
            "decision_form": DecisionForm(),
        },
    )


@requires(Cap.VIEW_CASE_DATA)
@GET
def scan(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    access, item = risk_access.assessment_for(staff(request), pk, assessment_pk)
    if not item.scan:
        raise Http404
    _read(request, access, "risk_assessment", item.pk, person_id=item.person_id, data={"scan": 1})
    response = HttpResponse(bytes(item.scan), content_type=item.scan_type)
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(item.scan_type, "jpg")
    response["Content-Disposition"] = f'attachment; filename="bedomning-{item.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Cap.APPROVE_RISK)
@require_POST
def decide(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    user = staff(request)
    access = risk_access.case_for(user, pk, for_edit=True)
    item = access.obj.assessments.filter(pk=assessment_pk).first()
    if item is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve the lower level."))
        return redirect("risk:assessment", pk=pk, assessment_pk=assessment_pk)
    try:
        actions.decide_lowering(
            actor=user,
            assessment=item,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            acting_role=role_of(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect("risk:assessment", pk=pk, assessment_pk=assessment_pk)


def _plan_sections(version: SafetyPlanVersion | None) -> list[tuple[str, Any, dict[str, Any]]]:
    content = json.loads(version.sections_json) if version else {}
    return [
        (key, label, content.get(key, {"text": "", "print": True})) for key, label in PLAN_SECTIONS
    ]


@requires(Cap.VIEW_CASE_DATA)
@GET
def plan(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    access, person, safety_plan = risk_access.plan_for(staff(request), pk, person_pk)
    _read(
        request,
        access,
        "safety_plan",
        safety_plan.pk if safety_plan else None,
        person_id=person.pk,
    )
    versions = list(safety_plan.versions.select_related("written_by")) if safety_plan else []
    return TemplateResponse(
        request,
        "risk/plan.html",
        {
            "case": access.obj,
            "access": access,
            "person": person,
            "person_named": policy.sees_person(access.scope, person),
            "plan": safety_plan,
            "versions": versions,
            "sections": _plan_sections(versions[0] if versions else None),
        },
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def plan_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    access, person, safety_plan = risk_access.plan_for(staff(request), pk, person_pk, for_edit=True)
    latest = safety_plan.versions.order_by("-number").first() if safety_plan else None
    initial: dict[str, Any] = {"language": latest.language if latest else "sv"}
    for key, _label, section in _plan_sections(latest):
        initial[f"section_{key}"] = section["text"]
        initial[f"print_{key}"] = section["print"]
    form = SafetyPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_safety_plan(
                actor=staff(request),
                case=access.obj,
                person=person,
                sections=form.sections(),
                language=form.cleaned_data["language"],
                made_with_person=form.cleaned_data["made_with_person"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:plan", pk=pk, person_pk=person.pk)
    return TemplateResponse(
        request, "risk/plan_form.html", {"case": access.obj, "person": person, "form": form}
    )


@requires(Cap.VIEW_CASE_DATA)
@GET
def plan_pdf(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """Her printed copy: only the sections she wants printed, in Swedish or her language."""
    access, person, safety_plan = risk_access.plan_for(staff(request), pk, person_pk)
    version = safety_plan.versions.order_by("-number").first() if safety_plan else None
    if safety_plan is None or version is None:
        raise Http404
    language = request.GET.get("sprak") or "sv"
    if language not in actions.PLAN_LANGUAGES:
        language = "sv"
    _read(
        request,
        access,
        "safety_plan",
        safety_plan.pk,
        person_id=person.pk,
        data={"print": language, "version": version.number},
    )
    sections = [
        (key, label, section)
        for key, label, section in _plan_sections(version)
        if section["print"] and section["text"]
    ]
    pdf = render_pdf(
        "risk/pdf/safety_plan.html",
        {"sections": sections, "version": version, "first_name": person.first_name},
        language=language,
    )
    return pdf_response(pdf, filename=f"plan-{language}.pdf")


@requires(Cap.EDIT_CASE_DATA)
@FORM
def safe_contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    person = policy.get_person_for(user, pk, for_edit=True).obj
    if risk_access.uses_violence(person):
        raise Http404
    current = risk_access.safe_contact_visible(user, person)
    initial = (
        {name: getattr(current, name) for name in actions.SAFE_CONTACT_FIELDS} if current else {}
    )
    form = SafeContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_safe_contact(
                actor=user, person=person, details=form.cleaned_data, acting_role=role_of(request)
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The safe-contact rules are saved."))
            return redirect("people:detail", pk=person.pk)
    return TemplateResponse(
        request, "risk/safe_contact_form.html", {"person": person, "form": form}
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def add_measure(request: HttpRequest, pk: int) -> HttpResponse:
    access = risk_access.case_for(staff(request), pk, for_edit=True)
    case = access.obj
    form = MeasureForm(request.POST or None, persons=_assessed_persons(case))
    if request.method == "POST" and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "person"}
        try:
            measure = actions.add_measure(
                actor=staff(request),
                case=case,
                person=form.person(),
                details=details,
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:measure", pk=case.pk, measure_pk=measure.pk)
    return TemplateResponse(
        request,
        "risk/form.html",
        {"case": case, "form": form, "title": _("Record a protective measure")},
    )


@requires(Cap.VIEW_CASE_DATA)
@FORM
def measure(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """A measure with its breaches; its owner may record a decision or new dates here."""
    user = staff(request)
    if request.method == "POST":
        access, item = risk_access.measure_for(user, pk, measure_pk, for_edit=True)
    else:
        access, item = risk_access.measure_for(user, pk, measure_pk)
        _read(request, access, "protective_measure", item.pk, person_id=item.person_id)
    fields = ("status", "decided_on", "starts_on", "expires_on", "note")
    form = MeasureUpdateForm(
        request.POST or None, initial={name: getattr(item, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_measure(
                actor=user, measure=item, details=form.cleaned_data, acting_role=role_of(request)
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:measure", pk=pk, measure_pk=item.pk)
    return TemplateResponse(
        request,
        "risk/measure.html",
        {
            "case": access.obj,
            "access": access,
            "measure": item,
            "person_named": policy.sees_person(access.scope, item.person),
            "breaches": list(item.breaches.select_related("recorded_by")),
            "form": form,
        },
    )


@requires(Cap.EDIT_CASE_DATA)
@FORM
def breach(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    access, item = risk_access.measure_for(staff(request), pk, measure_pk, for_edit=True)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_breach(
                actor=staff(request),
                measure=item,
                occurred_at=form.occurred_at(),
                description=form.cleaned_data["description"],
                police_report_number=(form.cleaned_data["police_report_number"] or "").upper(),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:measure", pk=pk, measure_pk=item.pk)
    return TemplateResponse(
        request,
        "risk/form.html",
        {"case": access.obj, "form": form, "title": _("Record a breach of the contact ban")},
    )


# --- Conferences ---------------------------------------------------------------------------------


@requires(Cap.VIEW_CASE_DATA)
@GET
def conferences(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    rows = risk_access.conferences_visible_to(user).select_related("unit")[:100]
    cases = risk_access.cases_with_risk_visible_to(user).exclude(status="closed")
    flagged = risk_access.flagged_cases(user, cases)
    context = {
        "conferences": rows,
        "flagged": flagged,
        "overdue_actions": risk_access.overdue_actions(user),
    }
    return TemplateResponse(request, "risk/conferences.html", context)


@requires(Cap.EDIT_CASE_DATA)
@FORM
def create_conference(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    units = list(user.units.all())
    if not units:
        raise Http404
    form = ConferenceForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        try:
            conference = actions.create_conference(
                actor=user,
                unit=unit,
                kind=form.cleaned_data["kind"],
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                participants=form.cleaned_data["participants"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:conference", pk=conference.pk)
    return TemplateResponse(
        request, "risk/form.html", {"form": form, "title": _("Plan a case conference")}
    )


@requires(Cap.VIEW_CASE_DATA)
@GET
def conference(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    meeting = risk_access.conference_for(user, pk)
    rows = risk_access.agenda(user, meeting)
    for row in rows:
        if row.access is not None:
            _read(request, row.access, "conference_item", row.item.pk)
    return TemplateResponse(
        request,
        "risk/conference.html",
        {
            "conference": meeting,
            "rows": rows,
            "agenda_form": AgendaForm(),
            "carried_over": risk_access.carried_over(user, meeting),
            "today": timezone.localdate(),
        },
    )


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def fill_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one case of the user's own by reference, or every flagged case of theirs."""
    user = staff(request)
    meeting = risk_access.conference_for(user, pk)
    form = AgendaForm(request.POST)
    reference = form.cleaned_data["reference"].strip() if form.is_valid() else ""
    if user.organisation_id is None:
        raise Http404
    own = risk_access.cases_with_risk_visible_to(user).filter(
        organisation_id=user.organisation_id, unit_id=meeting.unit_id
    )
    candidates: list[tuple[Case, list[str]]]
    if reference:
        case = own.filter(reference=reference).first()
        candidates = [(case, [])] if case else []
        if case is None:
            messages.error(request, _("No case of yours in this unit has that reference."))
    else:
        candidates = [
            (case, [flag.code for flag in flags])
            for case, flags in risk_access.flagged_cases(user, own.exclude(status="closed"))
        ]
    added = 0
    for case, reasons in candidates:
        try:
            actions.add_to_agenda(
                actor=user,
                conference=meeting,
                case=case,
                reasons=reasons,
                acting_role=role_of(request),
            )
            added += 1
        except ValidationError as error:
            if reference:
                messages.error(request, " ".join(error.messages))
    if added or not reference:
        messages.success(request, _("Cases added to the agenda: %(count)s") % {"count": added})
    return redirect("risk:conference", pk=meeting.pk)


@requires(Cap.VIEW_CASE_DATA)
@FORM
def conference_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = staff(request)
    editing = request.method == "POST"
    meeting, item, access = risk_access.item_for(user, pk, item_pk, for_edit=editing)
    if not editing:
        _read(request, access, "conference_item", item.pk)
    form = MinutesForm(
        request.POST or None, initial={"summary": item.summary, "minutes": item.minutes}
    )
    if editing and form.is_valid():
        try:
            actions.write_minutes(
                actor=user,
                item=item,
                summary=form.cleaned_data["summary"],
                minutes=form.cleaned_data["minutes"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:conference_item", pk=pk, item_pk=item.pk)
    return _conference_item_page(
        request, meeting, item, access, minutes_form=form, action_form=None
    )


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def conference_action(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = staff(request)
    meeting, item, access = risk_access.item_for(user, pk, item_pk, for_edit=True)
    form = ConferenceActionForm(request.POST, unit_id=meeting.unit_id)
    if form.is_valid():
        try:
            actions.add_conference_action(
                actor=user,
                item=item,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("risk:conference_item", pk=pk, item_pk=item.pk)
    return _conference_item_page(
        request, meeting, item, access, minutes_form=None, action_form=form
    )


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def conference_action_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Mark an action done or open it again; only its owning organisation's staff may."""
    user = staff(request)
    form = ActionDoneForm(request.POST)
    if not form.is_valid():
        raise Http404
    action = risk_access.action_for_edit(user, pk, item_pk, form.cleaned_data["action"])
    try:
        actions.set_conference_action_done(
            actor=user, action=action, done=form.cleaned_data["done"], acting_role=role_of(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = form.cleaned_data["done"]
        messages.success(
            request, _("The action is marked done.") if done else _("The action is open again.")
        )
    if form.cleaned_data["back"] == "item" and action.item.organisation_id == user.organisation_id:
        return redirect("risk:conference_item", pk=pk, item_pk=item_pk)
    return redirect("risk:conference", pk=pk)


def _conference_item_page(
    request: HttpRequest,
    meeting: Conference,
    item: ConferenceItem,
    access: policy.Access[Case],
    *,
    minutes_form: MinutesForm | None,
    action_form: ConferenceActionForm | None,
) -> HttpResponse:
    """The item's page; either form may come back with errors, the other starts fresh."""
    flags, _open = risk_access.case_flags(access)
    initial = {"summary": item.summary, "minutes": item.minutes}
    return TemplateResponse(
        request,
        "risk/conference_item.html",
        {
            "conference": meeting,
            "item": item,
            "case": access.obj,
            "access": access,
            "form": minutes_form or MinutesForm(initial=initial),
            "flags": flags,
            "actions": list(item.actions.select_related("owner", "organisation", "done_by")),
            "today": timezone.localdate(),
            "action_form": action_form or ConferenceActionForm(unit_id=meeting.unit_id),
        },
    )
