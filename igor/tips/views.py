"""Staff pages of the tip line: the triage queue, one tip, the triage steps, and the lead's
settings (public texts, help directory, posters)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.cases.models import Case
from igor.lib.web import add_action_errors, role_of, staff
from igor.people import suggest
from igor.people.access import search_persons
from igor.people.free_text import records_from_text
from igor.people.matching import Candidates
from igor.sharing import policy
from igor.tips import access, actions
from igor.tips.forms import (
    LinkCaseForm,
    MessageForm,
    OpenCaseForm,
    OutcomeForm,
    PersonSearchForm,
    QueueFilterForm,
    SummaryForm,
    TriageForm,
)
from igor.tips.models import ContactDetails, Message, Tip


@requires(Cap.VIEW_TIPS)
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    show = form.cleaned_data.get("status") or "open" if form.is_valid() else "open"
    rows = list(access.queue(staff(request), show)[:200])
    return TemplateResponse(request, "tips/queue.html", {"form": form, "rows": rows, "show": show})


def _detail_context(request: HttpRequest, tip: Tip, **forms: Any) -> dict[str, Any]:
    user = staff(request)
    raw = access.may_read_raw(user, tip)
    context: dict[str, Any] = {
        "tip": tip,
        "raw": raw,
        "links": tip.person_links.select_related("person"),
    }
    visible_links = [
        link for link in context["links"] if policy.sees_person(policy.scope_for(user), link.person)
    ]
    context["links"] = visible_links
    if raw:
        context.update(
            candidates=_tip_candidates(request, tip, [link.person_id for link in context["links"]])
        )
        context.update(
            contact=ContactDetails.objects.filter(tip=tip).first(),
            dialogue=list(Message.objects.filter(tip=tip).select_related("author")),
            triage_form=forms.get("triage_form")
            or TriageForm(
                unit=tip.unit,
                initial={"urgency": tip.urgency, "assigned_to": tip.assigned_to_id},
            ),
            summary_form=forms.get("summary_form")
            or SummaryForm(
                initial={"summary": tip.summary, "protect_tipster": tip.protect_tipster}
            ),
            outcome_form=forms.get("outcome_form") or OutcomeForm(),
            case_form=forms.get("case_form") or LinkCaseForm(),
            open_case_form=forms.get("open_case_form") or OpenCaseForm(),
            message_form=forms.get("message_form") or MessageForm(),
        )
    return context


def _tip_candidates(request: HttpRequest, tip: Tip, linked: list[int]) -> Candidates | None:
    """Persons the triage user may see whom the raw tip may name (read by igor/people/free_text.py
    from "who is involved" and "where"), not yet linked; None when the tip names nobody readable.
    Showing them is a read of personal data, audited like the known-person check on registration;
    across the wall the page says only that the other organisation may know the person."""
    if tip.is_closed:
        return None
    records = records_from_text(tip.people_involved, tip.place)
    if not records:
        return None
    found = suggest.candidates_for(staff(request), records, exclude=linked, limit=5)
    return suggest.audited(
        staff(request),
        found,
        verb="match",
        purpose="find known person while triaging a tip",
        acting_role=role_of(request),
        data={"tip": tip.pk},
    )


def _detail(request: HttpRequest, tip: Tip, status: int = 200, **forms: Any) -> TemplateResponse:
    return TemplateResponse(
        request, "tips/detail.html", _detail_context(request, tip, **forms), status=status
    )


@requires(Cap.VIEW_TIPS)
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    tip = access.get_tip_for(user, pk)
    access.audit_tip_read(user, tip, raw=access.may_read_raw(user, tip))
    return _detail(request, tip)


def _triage_tip(request: HttpRequest, pk: int) -> Tip:
    tip = access.get_tip_for(staff(request), pk)
    if not access.may_read_raw(staff(request), tip):
        raise Http404
    return tip


def _done(request: HttpRequest, tip: Tip, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("tips:detail", pk=tip.pk)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    form = TriageForm(request.POST, unit=tip.unit)
    if form.is_valid():
        try:
            actions.update_triage(
                actor=staff(request),
                tip=tip,
                urgency=form.cleaned_data["urgency"],
                assigned_to=form.cleaned_data["assigned_to"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _done(request, tip, _("Triage saved."))
    return _detail(request, tip, status=422, triage_form=form)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            actions.write_summary(
                actor=staff(request),
                tip=tip,
                summary=form.cleaned_data["summary"],
                protect_tipster=form.cleaned_data["protect_tipster"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _done(request, tip, _("Summary saved."))
    return _detail(request, tip, status=422, summary_form=form)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["GET", "POST"])
def link_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a person (POST, so names never travel in the address) and link the tip to them."""
    user = staff(request)
    tip = _triage_tip(request, pk)
    form = PersonSearchForm(request.POST if "q" in request.POST else None)
    results: list[Any] = []
    if request.method == "POST" and "person" in request.POST:
        person = _visible_person(user, request.POST.get("person"))
        try:
            actions.link_person(actor=user, tip=tip, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("tips:detail", pk=tip.pk)
        return _done(request, tip, _("The tip is linked to %(name)s.") % {"name": person})
    if form.is_bound and form.is_valid():
        results = list(search_persons(user, form.cleaned_data["q"]).items)
        policy_record_search(user, tip, len(results))
    status = 422 if form.errors else 200
    return TemplateResponse(
        request,
        "tips/link_person.html",
        {"tip": tip, "form": form, "results": results},
        status=status,
    )


def policy_record_search(user: Any, tip: Tip, found: int) -> None:
    from igor.audit.record import record

    record(
        actor=user,
        verb="search",
        object_type="person",
        purpose="link tip to person",
        data={"tip": tip.pk, "found": found},
    )


def _visible_person(user: Any, raw: Any) -> Any:
    try:
        pk = int(raw)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return policy.get_person_for(user, pk).obj


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def unlink_person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    try:
        actions.unlink_person(actor=staff(request), tip=tip, person_id=person_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tips:detail", pk=tip.pk)
    return _done(request, tip, _("The link is removed."))


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def link_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    tip = _triage_tip(request, pk)
    form = LinkCaseForm(request.POST)
    if form.is_valid():
        case = (
            policy.cases_visible_to(user)
            .filter(reference=form.cleaned_data["reference"].strip())
            .first()
        )
        if case is None or not policy.scope_for(user).is_own(case.organisation_id, case.unit_id):
            form.add_error("reference", _("There is no case with that reference in your unit."))
        else:
            actions.link_case(actor=user, tip=tip, case=case)
            return _done(
                request, tip, _("The tip is added to case %(ref)s.") % {"ref": case.reference}
            )
    return _detail(request, tip, status=422, case_form=form)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case: Case = actions.open_case_from_tip(
                actor=staff(request),
                tip=tip,
                title=form.cleaned_data["title"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _done(request, tip, _("Case %(ref)s is opened.") % {"ref": case.reference})
    return _detail(request, tip, status=422, open_case_form=form)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            actions.close_with_outcome(
                actor=staff(request),
                tip=tip,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                planned_for=form.cleaned_data["planned_for"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _done(request, tip, _("The tip is closed."))
    return _detail(request, tip, status=422, outcome_form=form)


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    try:
        actions.reopen(actor=staff(request), tip=tip)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tips:detail", pk=tip.pk)
    return _done(request, tip, _("The tip is open again."))


@requires(Cap.TRIAGE_TIPS)
@require_http_methods(["POST"])
def message(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _triage_tip(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.reply_to_tipster(actor=staff(request), tip=tip, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return _done(
                request, tip, _("The message is sent. The tipster reads it with their code.")
            )
    return _detail(request, tip, status=422, message_form=form)
