"""Support pages: caseload, calendar, tasks, the provider registry, and a case's support work."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Party
from igor.lib.web import add_action_errors, page_number, role_of, staff
from igor.people.models import Person
from igor.risk import access as risk_access
from igor.sharing import policy
from igor.support import access as support_access
from igor.support import actions
from igor.support.forms import (
    ClosureForm,
    EndInterventionForm,
    InterventionEditForm,
    InterventionForm,
    LegalEventForm,
    LegalProcessForm,
    MoveOutForm,
    OutreachEditForm,
    OutreachPlanForm,
    OutreachRecordForm,
    PlacementForm,
    ProviderForm,
    ReferralEditForm,
    ReferralForm,
    ReferralStepForm,
    RevealForm,
    SnapshotForm,
    TaskForm,
    TransportEditForm,
    TransportForm,
    TransportStatusForm,
)
from igor.support.models import (
    Intervention,
    LegalProcess,
    OutreachContact,
    Referral,
    ShelterPlacement,
    Transport,
)
from igor.support.rules import next_referral_statuses

CALENDAR_DAYS = 14
PROTECTED_TRANSPORT_FIELDS = ("from_place", "to_place", "escort_risk")

# --- Daily work ------------------------------------------------------------------------------------


def _audit_list(request: HttpRequest, object_type: str, ids: list[int]) -> None:
    """A list of personal data is a read too (A4): one event naming the cases shown."""
    record(
        actor=staff(request),
        verb="read",
        object_type=object_type,
        purpose=f"view {object_type}",
        acting_role=role_of(request),
        data={"cases": ids},
    )


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    cases = support_access.caseload(staff(request))
    _audit_list(request, "caseload", [case.pk for case in cases])
    context = {"cases": cases, "today": timezone.localdate()}
    return TemplateResponse(request, "support/caseload.html", context)


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    weeks = page_number(request.GET.get("vecka")) - 1
    first = today + datetime.timedelta(days=CALENDAR_DAYS * weeks)
    entries = support_access.calendar(staff(request), first, CALENDAR_DAYS)
    _audit_list(
        request, "calendar", sorted({e.case.pk for e in entries if e.case and not e.shared})
    )
    _disclose_shared(request, entries)
    days: dict[datetime.date, list[support_access.CalendarEntry]] = {}
    for entry in entries:
        days.setdefault(entry.day, []).append(entry)
    context = {
        "days": days,
        "first": first,
        "last": first + datetime.timedelta(days=CALENDAR_DAYS - 1),
        "page": weeks + 1,
        "today": today,
    }
    return TemplateResponse(request, "support/calendar.html", context)


def _disclose_shared(request: HttpRequest, entries: list[support_access.CalendarEntry]) -> None:
    """The other organisation's rows on the calendar were read across the wall (A4): one
    disclosure per case and basis, naming the rows shown."""
    shown: dict[tuple[int, int | None], tuple[policy.Access[Case], list[str]]] = {}
    for entry in entries:
        if entry.shared is not None:
            basis = entry.shared.basis.pk if entry.shared.basis else None
            row = shown.setdefault((entry.shared.obj.pk, basis), (entry.shared, []))
            row[1].append(f"{entry.kind}:{entry.item.pk}")
    for access, rows in shown.values():
        policy.audit_read(
            access,
            object_type="calendar",
            object_id=access.obj.pk,
            purpose="view calendar",
            acting_role=role_of(request),
            case_id=access.obj.pk,
            data={"rows": rows},
        )


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def tasks(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    visible = support_access.tasks_visible_to(user).filter(done_at__isnull=True)
    rows = list(visible.select_related("case", "assignee").order_by("due_on", "pk")[:200])
    late = support_access.overdue(user)
    _audit_list(request, "tasks", sorted({t.case_id for t in rows if t.case_id}))
    context = {
        "mine": [t for t in rows if t.assignee_id == user.pk],
        "unit": [t for t in rows if t.assignee_id is None],
        "overdue": late,
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "support/tasks.html", context)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_task(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    units = list(user.units.all())
    if not units or user.organisation_id is None:
        raise Http404
    form = TaskForm(request.POST or None, units=units, organisation_id=user.organisation_id)
    if request.method == "POST" and form.is_valid():
        unit = next((u for u in units if str(u.pk) == str(form.cleaned_data["unit"])), units[0])
        try:
            actions.create_task(
                actor=user,
                unit=unit,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                assignee=form.cleaned_data["assignee"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("support:tasks")
    return _form_page(request, form, _("New task"), None, back="support:tasks")


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = support_access.task_for_edit(staff(request), pk)
    try:
        actions.complete_task(actor=staff(request), task=task, acting_role=role_of(request))
    except ValidationError:
        pass  # already done: the list shows it so
    return redirect("support:tasks")


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit_task(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    task = support_access.task_for_edit(user, pk)
    if task.done_at is not None:
        raise Http404
    initial = {"title": task.title, "due_on": task.due_on, "assignee": task.assignee_id}
    form = TaskForm(
        request.POST or None,
        units=[task.unit],
        organisation_id=task.organisation_id,
        initial={**initial, "unit": task.unit_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_task(
                actor=user,
                task=task,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                assignee=form.cleaned_data["assignee"],
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("support:tasks")
    return _form_page(request, form, _("Change the task"), None, back="support:tasks")


# --- Providers -------------------------------------------------------------------------------------


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def providers(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    rows = support_access.with_capacity(
        support_access.providers_for(user).order_by("name", "pk"), timezone.localdate()
    )
    return TemplateResponse(request, "support/providers.html", {"rows": rows})


@requires(Cap.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def add_provider(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    units = list(user.units.all())
    if not units:
        raise Http404
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_provider(
                actor=user, unit=units[0], details=form.cleaned_data, acting_role=role_of(request)
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("support:providers")
    return _form_page(request, form, _("New provider"), None, back="support:providers")


@requires(Cap.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def edit_provider(request: HttpRequest, pk: int) -> HttpResponse:
    provider = support_access.provider_for_edit(staff(request), pk)
    initial = {name: getattr(provider, name) for name in actions.PROVIDER_FIELDS}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_provider(
                actor=staff(request),
                provider=provider,
                details=form.cleaned_data,
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("support:providers")
    return _form_page(request, form, provider.name, None, back="support:providers")


# --- A case's support work ---------------------------------------------------------------------


@requires(Cap.VIEW_CASE_DATA)
@require_http_methods(["GET"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    access = support_access.case_for(staff(request), pk)
    policy.audit_read(
        access,
        object_type="case_support",
        purpose="view support",
        acting_role=role_of(request),
        case_id=pk,
        data={"part": "support"},
    )
    return _render_case(request, access, RevealForm())


def _render_case(
    request: HttpRequest,
    access: policy.Access[Case],
    reveal_form: RevealForm,
    revealed: bool = False,
) -> TemplateResponse:
    view = support_access.support_view(access)
    context = {
        "view": view,
        "case": access.obj,
        "access": access,
        "reveal_form": reveal_form,
        "revealed": revealed and view.may_reveal,
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "support/case.html", context)


@requires(Cap.REVEAL_PROTECTED)
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the case's shelter addresses and protected transport places in this response only."""
    access = support_access.case_for(staff(request), pk)
    if not support_access.may_see_protected_place(access):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _render_case(request, access, form)
    actions.reveal_protected_places(
        actor=staff(request),
        case=access.obj,
        reason=form.cleaned_data["reason"],
        acting_role=role_of(request),
    )
    return _render_case(request, access, RevealForm(), revealed=True)


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    case: Case | None,
    back: str = "support:case",
    intro: str = "",
    contact_person: Person | None = None,
) -> TemplateResponse:
    context = {
        "form": form,
        "title": title,
        "case": case,
        "back": back,
        "intro": intro,
        "contact_person": contact_person,
    }
    return TemplateResponse(request, "support/form.html", context)


def _contact_person(request: HttpRequest, case: Case, default: int | None = None) -> Person | None:
    """The party a contact form is about: the one posted, the one its link names (?person=) or
    the planned contact's. Its safe-contact rules are shown above the form."""
    raw = request.POST.get("person") if request.method == "POST" else request.GET.get("person")
    pk = page_number(raw) if raw else default
    if pk is None:
        return None
    party = Party.objects.filter(case=case, person_id=pk).select_related("person").first()
    return party.person if party else None


def _safe_contact_unseen(request: HttpRequest, person: Person | None) -> bool:
    """Whether the person has safe-contact rules this user may see that were not on the page
    the form was sent from: then the form comes back with them before anything is saved."""
    if person is None or request.POST.get("safe_contact_seen") == str(person.pk):
        return False
    return risk_access.safe_contact_visible(staff(request), person) is not None


def _case_form(
    request: HttpRequest,
    pk: int,
    make_form: Callable[[Case, dict[str, Any] | None], forms.Form],
    save: Callable[[Case, dict[str, Any]], Any],
    title: str,
    intro: str = "",
    contact: int | None | bool = False,
) -> HttpResponse:
    """GET shows the form; a valid POST saves through the action and goes back to the case.

    A contact form (`contact` not False; an int names the default person) shows the contacted
    person's safe-contact rules first, and will not save a contact before they were shown."""
    case = support_access.case_for_edit(staff(request), pk)
    form = make_form(case, request.POST if request.method == "POST" else None)
    person = None
    if contact is not False:
        person = _contact_person(request, case, contact if isinstance(contact, int) else None)
    if request.method == "POST" and form.is_valid():
        if _safe_contact_unseen(request, person):
            form.add_error(
                None, _("Read how this person may be contacted safely, then save again.")
            )
            return _form_page(request, form, title, case, intro=intro, contact_person=person)
        try:
            save(case, form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("support:case", pk=case.pk)
    return _form_page(request, form, title, case, intro=intro, contact_person=person)


def _item(model: type[Any], case: Case, item_pk: int) -> Any:
    item = model.objects.filter(case=case, pk=item_pk).first()
    if item is None:
        raise Http404
    return item


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def plan_outreach(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    return _case_form(
        request,
        pk,
        lambda case, data: OutreachPlanForm(data, case=case),
        lambda case, d: actions.plan_outreach(actor=user, case=case, acting_role=role, **d),
        _("Plan an outreach contact"),
        contact=None,
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def record_outreach(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact attempt; `?planerad=<id>` records the outcome of a planned one."""
    user, role = staff(request), role_of(request)
    case = support_access.case_for_edit(user, pk)
    planned_id = request.POST.get("planned") or request.GET.get("planerad")
    planned = None
    if planned_id:
        planned = OutreachContact.objects.filter(
            case=case, pk=page_number(planned_id), done_at__isnull=True, cancelled_at__isnull=True
        ).first()
        if planned is None:
            raise Http404
    initial: dict[str, Any] = {"done_at": timezone.localtime().replace(second=0, microsecond=0)}
    if planned is not None:
        initial.update(
            person=planned.person_id,
            method=planned.method,
            planned=planned.pk,
            staff=list(planned.staff.values_list("pk", flat=True)),
        )

    def save(case: Case, data: dict[str, Any]) -> Any:
        data = {k: v for k, v in data.items() if k != "planned"}
        return actions.record_outreach(
            actor=user, case=case, planned=planned, acting_role=role, **data
        )

    return _case_form(
        request,
        pk,
        lambda case, data: OutreachRecordForm(data, case=case, initial=initial),
        save,
        _("Record an outreach contact"),
        contact=planned.person_id if planned is not None else None,
    )


def _planned_contact(user: Any, pk: int, item_pk: int) -> OutreachContact:
    contact = _item(OutreachContact, support_access.case_for_edit(user, pk), item_pk)
    if not contact.is_planned:
        raise Http404
    return contact


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit_outreach(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change a planned contact before it happens (its person's safe-contact rules first)."""
    user, role = staff(request), role_of(request)
    contact = _planned_contact(user, pk, item_pk)
    initial = {
        "method": contact.method,
        "planned_for": timezone.localtime(contact.planned_for) if contact.planned_for else None,
        "staff": list(contact.staff.values_list("pk", flat=True)),
        "notes": contact.notes,
    }
    response = _case_form(
        request,
        pk,
        lambda case, data: OutreachEditForm(data, case=case, initial=initial),
        lambda case, d: actions.edit_planned_outreach(
            actor=user, contact=contact, acting_role=role, **d
        ),
        _("Change the planned contact with %(name)s") % {"name": contact.person.full_name},
        contact=contact.person_id,
    )
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data["cancel_url"] = reverse(
            "support:cancel_outreach", args=[pk, contact.pk]
        )
        response.context_data["cancel_label"] = _("Cancel the planned contact")
    return response


@requires(Cap.EDIT_CASE_DATA)
@require_POST
def cancel_outreach(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = staff(request)
    contact = _planned_contact(user, pk, item_pk)
    actions.cancel_planned_outreach(actor=user, contact=contact, acting_role=role_of(request))
    messages.success(request, _("The planned contact is cancelled."))
    return redirect("support:case", pk=pk)


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_referral(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    return _case_form(
        request,
        pk,
        lambda case, data: ReferralForm(data, case=case, initial={"sent_on": timezone.localdate()}),
        lambda case, d: actions.send_referral(actor=user, case=case, acting_role=role, **d),
        _("Refer to a provider"),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def referral_step(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    case = support_access.case_for_edit(user, pk)
    referral = _item(Referral, case, item_pk)
    steps = next_referral_statuses(referral.status)
    if not steps:
        raise Http404
    return _case_form(
        request,
        pk,
        lambda case, data: ReferralStepForm(
            data, next_statuses=steps, initial={"on": timezone.localdate()}
        ),
        lambda case, d: actions.update_referral(
            actor=user, referral=referral, acting_role=role, **d
        ),
        _("Referral to %(provider)s") % {"provider": referral.provider.name},
        intro=_("Now: %(status)s, sent %(sent)s.")
        % {"status": referral.get_status_display(), "sent": referral.sent_on.isoformat()},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit_referral(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Correct a sent referral before the provider answers."""
    user, role = staff(request), role_of(request)
    referral = _item(Referral, support_access.case_for_edit(user, pk), item_pk)
    if referral.status != "sent":
        raise Http404
    initial = {
        "provider": referral.provider_id,
        "purpose": referral.purpose,
        "sent_on": referral.sent_on,
    }
    return _case_form(
        request,
        pk,
        lambda case, data: ReferralEditForm(data, case=case, initial=initial),
        lambda case, d: actions.edit_referral(actor=user, referral=referral, acting_role=role, **d),
        _("Change the referral of %(name)s") % {"name": referral.person.full_name},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit_intervention(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    item = _item(Intervention, support_access.case_for_edit(user, pk), item_pk)
    names = ("kind", "started_on", "ended_on", "outcome", "without_police_report", "notes")
    initial = {name: getattr(item, name) for name in names}
    return _case_form(
        request,
        pk,
        lambda case, data: InterventionEditForm(data, case=case, initial=initial),
        lambda case, d: actions.edit_intervention(
            actor=user, intervention=item, acting_role=role, **d
        ),
        _("Change: %(kind)s") % {"kind": item.get_kind_display()},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_intervention(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    return _case_form(
        request,
        pk,
        lambda case, data: InterventionForm(
            data, case=case, initial={"started_on": timezone.localdate()}
        ),
        lambda case, d: actions.record_intervention(actor=user, case=case, acting_role=role, **d),
        _("Record support"),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def end_intervention(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    item = _item(Intervention, support_access.case_for_edit(user, pk), item_pk)
    if item.ended_on is not None:
        raise Http404
    return _case_form(
        request,
        pk,
        lambda case, data: EndInterventionForm(data, initial={"ended_on": timezone.localdate()}),
        lambda case, d: actions.end_intervention(
            actor=user, intervention=item, acting_role=role, **d
        ),
        _("End: %(kind)s") % {"kind": item.get_kind_display()},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_transport(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    return _case_form(
        request,
        pk,
        lambda case, data: TransportForm(data, case=case),
        lambda case, d: actions.book_transport(actor=user, case=case, acting_role=role, **d),
        _("Book a transport"),
        contact=None,
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def transport_status(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    item = _item(Transport, support_access.case_for_edit(user, pk), item_pk)
    if item.status != "booked":
        raise Http404
    return _case_form(
        request,
        pk,
        lambda case, data: TransportStatusForm(data),
        lambda case, d: actions.set_transport_status(
            actor=user, transport=item, acting_role=role, **d
        ),
        str(item),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def edit_transport(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change a booked transport (her safe-contact rules first)."""
    user, role = staff(request), role_of(request)
    item = _item(Transport, support_access.case_for_edit(user, pk), item_pk)
    if item.status != "booked":
        raise Http404
    # A protected person's places are shown only on a logged reveal (A5): not in this form,
    # where an empty field keeps what is recorded.
    hidden = PROTECTED_TRANSPORT_FIELDS if item.person.is_protected else ()
    names = ("purpose", "from_place", "to_place", "driver", "escort_risk")
    initial: dict[str, Any] = {name: getattr(item, name) for name in names if name not in hidden}
    initial["departs_at"] = timezone.localtime(item.departs_at)

    def make(case: Case, data: dict[str, Any] | None) -> forms.Form:
        form = TransportEditForm(data, case=case, initial=initial)
        for name in hidden:
            form.fields[name].required = False
            form.fields[name].help_text = _("Protected: leave empty to keep what is recorded.")
        return form

    def save(case: Case, data: dict[str, Any]) -> Any:
        kept = {name: data[name] or getattr(item, name) for name in hidden}
        return actions.edit_transport(
            actor=user, transport=item, acting_role=role, **{**data, **kept}
        )

    return _case_form(
        request,
        pk,
        make,
        save,
        _("Change the transport: %(ride)s") % {"ride": str(item)},
        contact=item.person_id,
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_placement(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    return _case_form(
        request,
        pk,
        lambda case, data: PlacementForm(
            data,
            case=case,
            providers=support_access.housing_providers(case.unit_id),
            initial={"moved_in_on": timezone.localdate()},
        ),
        lambda case, d: actions.place_in_shelter(actor=user, case=case, acting_role=role, **d),
        _("Place in sheltered housing"),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def end_placement(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    item = _item(ShelterPlacement, support_access.case_for_edit(user, pk), item_pk)
    if item.moved_out_on is not None:
        raise Http404
    return _case_form(
        request,
        pk,
        lambda case, data: MoveOutForm(data, initial={"moved_out_on": timezone.localdate()}),
        lambda case, d: actions.end_placement(actor=user, placement=item, acting_role=role, **d),
        _("Moving out of %(provider)s") % {"provider": item.provider.name},
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def legal(request: HttpRequest, pk: int) -> HttpResponse:
    """Record where the legal process behind a police report stands (police cases only)."""
    user, role = staff(request), role_of(request)
    case = support_access.case_for_edit(user, pk)
    if case.organisation.kind != "police":
        raise Http404
    chosen = LegalProcess.objects.filter(
        case=case, pk=page_number(request.GET.get("anmalan"))
    ).first()
    initial: dict[str, Any] = {}
    if chosen is not None:
        initial = {"report_number": chosen.report_number}
        initial.update({name: getattr(chosen, name) for name in actions.LEGAL_FIELDS})

    def save(case: Case, data: dict[str, Any]) -> Any:
        number = data.pop("report_number")
        return actions.record_legal_process(
            actor=user, case=case, report_number=number, details=data, acting_role=role
        )

    return _case_form(
        request,
        pk,
        lambda case, data: LegalProcessForm(data, initial=initial),
        save,
        _("Legal process"),
        intro=_("Recording a report number that exists updates it."),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def add_legal_event(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    case = support_access.case_for_edit(user, pk)
    if not LegalProcess.objects.filter(case=case).exists():
        raise Http404

    def save(case: Case, data: dict[str, Any]) -> Any:
        return actions.add_legal_event(actor=user, acting_role=role, **data)

    return _case_form(
        request,
        pk,
        lambda case, data: LegalEventForm(data, case=case),
        save,
        _("Interview or court date"),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)

    def save(case: Case, data: dict[str, Any]) -> Any:
        person, stage = data.pop("person"), data.pop("stage")
        return actions.record_snapshot(
            actor=user, case=case, person=person, stage=stage, details=data, acting_role=role
        )

    return _case_form(
        request,
        pk,
        lambda case, data: SnapshotForm(data, case=case),
        save,
        _("Intake or exit snapshot"),
        intro=_(
            "Where the person stands, for measuring outcomes. Recording a stage again corrects it."
        ),
    )


@requires(Cap.EDIT_CASE_DATA)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user, role = staff(request), role_of(request)
    case = support_access.case_for_edit(user, pk)
    if case.is_closed:
        raise Http404
    check = actions.closure_check(case)

    def save(case: Case, data: dict[str, Any]) -> Any:
        return actions.close_case(
            actor=user,
            case=case,
            reason=data["reason"],
            note=data["note"],
            checklist=form_holder["form"].checklist(),
            override_reason=data["override_reason"],
            acting_role=role,
        )

    form_holder: dict[str, ClosureForm] = {}

    def make(case: Case, data: dict[str, Any] | None) -> ClosureForm:
        form_holder["form"] = ClosureForm(data)
        return form_holder["form"]

    warnings = []
    if check.open_tasks:
        warnings.append(_("%(n)d open tasks.") % {"n": check.open_tasks})
    if check.missing_snapshots:
        warnings.append(
            _("%(n)d people without an exit snapshot.") % {"n": check.missing_snapshots}
        )
    if check.open_referrals:
        warnings.append(_("%(n)d referrals not concluded.") % {"n": check.open_referrals})
    if check.current_placements:
        warnings.append(
            _("%(n)d current sheltered-housing placements.") % {"n": check.current_placements}
        )
    intro = " ".join(warnings) if warnings else _("Nothing is left open.")
    return _case_form(request, pk, make, save, _("Close the case"), intro=intro)
