"""Every write of the support work. Keyword-only, `actor=`, atomic, audited in the same transaction.

The caller has loaded the case with `for_edit=True`; the actions check again that the actor works
with cases in the case's own organisation and unit, so nothing here writes across the wall.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases import actions as case_actions
from igor.cases.models import Case, CaseStatus, Party, PartyRole
from igor.people import actions as people_actions
from igor.people.models import Person, Protection
from igor.risk import actions as risk_actions
from igor.support import rules
from igor.support.models import (
    HOUSING_KINDS,
    Answer,
    CaseClosure,
    ContactResult,
    Intervention,
    LegalEvent,
    LegalEventKind,
    LegalProcess,
    Offer,
    OutcomeSnapshot,
    OutreachContact,
    Provider,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShelterPlacement,
    SnapshotStage,
    Task,
    TaskSource,
    Transport,
)

SUPPORTED_ROLES = (PartyRole.VICTIM, PartyRole.CHILD)
COUNTED_ROLES = (PartyRole.VICTIM, PartyRole.PERPETRATOR)


def _require_own(actor: User, case: Case) -> None:
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != case.organisation_id
        or case.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied


def _audit(
    actor: User,
    verb: str,
    object_type: str,
    obj: Any,
    case: Case,
    acting_role: str,
    purpose: str,
    person_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=obj.pk,
        case_id=case.pk,
        person_id=person_id,
        purpose=purpose,
        acting_role=acting_role,
        data=data or {},
    )


def _party(case: Case, person: Person, roles: Iterable[str] | None = None) -> Party:
    party = Party.objects.filter(case=case, person=person).first()
    if party is None or (roles is not None and party.role not in roles):
        message = (
            _("Choose a victim or child of this case.")
            if roles is not None
            else _("Choose a party of this case.")
        )
        raise ValidationError({"person": [message]})
    return party


def _not_future(field: str, day: datetime.date | datetime.datetime | None) -> None:
    if day is None:
        return
    now = timezone.now()
    late = day > now if isinstance(day, datetime.datetime) else day > timezone.localdate()
    if late:
        raise ValidationError({field: [_("The date cannot be in the future.")]})


def _case_worker(case: Case, user: User | None, field: str) -> None:
    if user is None:
        return
    if (
        user.organisation_id != case.organisation_id
        or case.unit_id not in user.unit_ids()
        or not user.can(Cap.EDIT_CASE_DATA)
    ):
        raise ValidationError({field: [_("Choose a colleague who works with cases in this unit.")]})


def _task(
    *,
    actor: User,
    case: Case,
    title: str,
    due_on: datetime.date,
    source: str,
    source_id: int,
    assignee: User | None,
    acting_role: str,
) -> Task:
    assert actor.organisation_id is not None
    task = Task.objects.create(
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        assignee=assignee,
        case=case,
        title=title[:200],
        due_on=due_on,
        source=source,
        source_id=source_id,
        created_by=actor,
    )
    _audit(actor, "create", "task", task, case, acting_role, "create task", data={"source": source})
    return task


def _close_tasks(actor: User, source: str, source_id: int) -> None:
    Task.objects.filter(source=source, source_id=source_id, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor
    )


# --- Providers ---------------------------------------------------------------------------------------

PROVIDER_FIELDS = ("name", "kind", "contact", "capacity", "active")


def _require_registry(actor: User, unit: Unit) -> None:
    if not actor.can(Cap.MANAGE_PROVIDERS) or unit.pk not in actor.unit_ids():
        raise PermissionDenied


def _check_provider(provider: Provider) -> None:
    provider.full_clean(exclude=["unit"], validate_unique=False)
    clash = Provider.objects.filter(unit_id=provider.unit_id, name__iexact=provider.name)
    if clash.exclude(pk=provider.pk).exists():
        raise ValidationError({"name": [_("The registry already has a provider by this name.")]})


@transaction.atomic
def add_provider(
    *, actor: User, unit: Unit, details: Mapping[str, Any], acting_role: str = ""
) -> Provider:
    """Add a provider to the unit's registry (the unit lead keeps it)."""
    _require_registry(actor, unit)
    provider = Provider(unit=unit, **{n: details[n] for n in PROVIDER_FIELDS if n in details})
    _check_provider(provider)
    provider.save()
    record(
        actor=actor,
        verb="create",
        object_type="provider",
        object_id=provider.pk,
        purpose="keep the provider registry",
        acting_role=acting_role,
    )
    return provider


@transaction.atomic
def update_provider(
    *, actor: User, provider: Provider, details: Mapping[str, Any], acting_role: str = ""
) -> Provider:
    _require_registry(actor, provider.unit)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    changed = [n for n in PROVIDER_FIELDS if n in details and getattr(provider, n) != details[n]]
    for name in changed:
        setattr(provider, name, details[name])
    _check_provider(provider)
    provider.updated_at = timezone.now()
    provider.save()
    record(
        actor=actor,
        verb="update",
        object_type="provider",
        object_id=provider.pk,
        purpose="keep the provider registry",
        acting_role=acting_role,
        data={"fields": changed},
    )
    return provider


# --- Outreach ----------------------------------------------------------------------------------------


@transaction.atomic
def plan_outreach(
    *,
    actor: User,
    case: Case,
    person: Person,
    method: str,
    planned_for: datetime.datetime,
    staff: Iterable[User] = (),
    notes: str = "",
    acting_role: str = "",
) -> OutreachContact:
    """Plan a contact (e.g. a home visit) with a party; its outcome is recorded later."""
    _require_own(actor, case)
    party = _party(case, person)
    people = list(staff) or [actor]
    for colleague in people:
        _case_worker(case, colleague, "staff")
    contact = OutreachContact(
        case=case,
        person=person,
        party_role=party.role,
        method=method,
        planned_for=planned_for,
        notes=notes,
        recorded_by=actor,
    )
    contact.full_clean(exclude=["case", "person", "recorded_by"])
    contact.save()
    contact.staff.set(people)
    _audit(
        actor, "create", "outreach_contact", contact, case, acting_role, "plan outreach", person.pk
    )
    return contact


def _planned_for_edit(actor: User, contact: OutreachContact) -> OutreachContact:
    _require_own(actor, contact.case)
    contact = OutreachContact.objects.select_for_update().get(pk=contact.pk)
    if not contact.is_planned:
        raise ValidationError(_("Only a planned contact can be changed or cancelled."))
    return contact


@transaction.atomic
def edit_planned_outreach(
    *,
    actor: User,
    contact: OutreachContact,
    method: str,
    planned_for: datetime.datetime | None,
    staff: Iterable[User] = (),
    notes: str = "",
    acting_role: str = "",
) -> OutreachContact:
    """Change a planned contact's method, time, people or notes, before it happens."""
    contact = _planned_for_edit(actor, contact)
    if planned_for is None:
        raise ValidationError({"planned_for": [_("Say when the contact is planned.")]})
    people = list(staff) or [actor]
    for colleague in people:
        _case_worker(contact.case, colleague, "staff")
    before = {"method": contact.method, "planned_for": contact.planned_for, "notes": contact.notes}
    contact.method, contact.planned_for, contact.notes = method, planned_for, notes.strip()
    contact.full_clean(exclude=["case", "person", "recorded_by"])
    contact.save(update_fields=["method", "planned_for", "notes"])
    contact.staff.set(people)
    changed = sorted(name for name, value in before.items() if getattr(contact, name) != value)
    _audit(
        actor,
        "update",
        "outreach_contact",
        contact,
        contact.case,
        acting_role,
        "edit planned outreach",
        contact.person_id,
        {"fields": changed},
    )
    return contact


@transaction.atomic
def cancel_planned_outreach(
    *, actor: User, contact: OutreachContact, acting_role: str = ""
) -> OutreachContact:
    """Call off a planned contact. It stays on record, and counts as no attempt."""
    contact = _planned_for_edit(actor, contact)
    contact.cancelled_at = timezone.now()
    contact.save(update_fields=["cancelled_at"])
    _audit(  # an update of the contact (the audit log's verbs are a closed list)
        actor,
        "update",
        "outreach_contact",
        contact,
        contact.case,
        acting_role,
        "cancel planned outreach",
        contact.person_id,
        {"changed": ["cancelled_at"], "cancelled": True},
    )
    return contact


def _check_outcome(result: str, offer: str, answer: str) -> None:
    if result not in ContactResult.values:
        raise ValidationError({"result": [_("Say whether the person was reached.")]})
    if offer and result != ContactResult.REACHED:
        raise ValidationError({"offer": [_("An offer can only be made to someone reached.")]})
    if answer and not offer:
        raise ValidationError({"answer": [_("An answer needs an offer.")]})
    if offer and not answer:
        raise ValidationError({"answer": [_("Record the answer to the offer.")]})


@transaction.atomic
def record_outreach(
    *,
    actor: User,
    case: Case,
    person: Person,
    method: str,
    done_at: datetime.datetime,
    result: str,
    offer: str = Offer.NONE,
    answer: str = Answer.NONE,
    follow_up_on: datetime.date | None = None,
    staff: Iterable[User] = (),
    notes: str = "",
    planned: OutreachContact | None = None,
    acting_role: str = "",
) -> OutreachContact:
    """Record a contact attempt that was made: a new one, or the outcome of a planned one.

    The attempt number and the offer number are counted per person and case, so the offers made
    before an acceptance can be counted later without reading any text.
    """
    _require_own(actor, case)
    party = _party(case, person)
    _not_future("done_at", done_at)
    _check_outcome(result, offer, answer)
    if follow_up_on is not None and follow_up_on < timezone.localtime(done_at).date():
        raise ValidationError({"follow_up_on": [_("The follow-up cannot be before the contact.")]})
    people = list(staff) or [actor]
    for colleague in people:
        _case_worker(case, colleague, "staff")
    earlier = OutreachContact.objects.select_for_update().filter(case=case, person=person)
    if planned is not None:
        planned = earlier.filter(
            pk=planned.pk, done_at__isnull=True, cancelled_at__isnull=True
        ).first()
        if planned is None:
            raise ValidationError(_("That planned contact has already been recorded."))
    done = earlier.filter(done_at__isnull=False)
    contact = planned or OutreachContact(case=case, person=person, recorded_by=actor)
    contact.party_role = party.role
    contact.method = method
    contact.done_at = done_at
    contact.result = result
    contact.offer = offer
    contact.answer = answer
    contact.follow_up_on = follow_up_on
    contact.notes = notes or contact.notes
    contact.attempt_number = rules.next_attempt_number(done.count())
    contact.offer_number = done.exclude(offer="").count() + 1 if offer else None
    contact.full_clean(exclude=["case", "person", "recorded_by"])
    contact.save()
    contact.staff.set(people)
    verb = "update" if planned is not None else "create"
    _audit(
        actor,
        verb,
        "outreach_contact",
        contact,
        case,
        acting_role,
        "record outreach",
        person.pk,
        {"attempt": contact.attempt_number, "offer_number": contact.offer_number, "answer": answer},
    )
    if follow_up_on is not None:
        _task(
            actor=actor,
            case=case,
            title=_("Follow up: %(method)s with %(name)s")
            % {"method": contact.get_method_display().lower(), "name": person.full_name},
            due_on=follow_up_on,
            source=TaskSource.OUTREACH,
            source_id=contact.pk,
            assignee=actor,
            acting_role=acting_role,
        )
    return contact


# --- Referrals ---------------------------------------------------------------------------------------


@transaction.atomic
def send_referral(
    *,
    actor: User,
    case: Case,
    person: Person,
    provider: Provider | None,
    purpose: str,
    sent_on: datetime.date,
    outreach: OutreachContact | None = None,
    acting_role: str = "",
) -> Referral:
    """Refer a party to a provider of the unit's registry; a follow-up task reminds the sender."""
    _require_own(actor, case)
    party = _party(case, person)
    if provider is None or provider.unit_id != case.unit_id or not provider.active:
        raise ValidationError(
            {"provider": [_("Choose a provider from the unit's registry that takes referrals.")]}
        )
    _not_future("sent_on", sent_on)
    if outreach is not None and (outreach.case_id != case.pk or outreach.person_id != person.pk):
        raise ValidationError({"outreach": [_("Choose a contact with this person in this case.")]})
    referral = Referral(
        case=case,
        person=person,
        party_role=party.role,
        provider=provider,
        purpose=purpose.strip(),
        sent_on=sent_on,
        outreach=outreach,
        recorded_by=actor,
    )
    referral.full_clean(exclude=["case", "person", "provider", "recorded_by", "outreach"])
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, status=ReferralStatus.SENT, on=sent_on, recorded_by=actor
    )
    _audit(
        actor,
        "create",
        "referral",
        referral,
        case,
        acting_role,
        "send referral",
        person.pk,
        {"provider": provider.pk, "provider_kind": provider.kind},
    )
    _task(
        actor=actor,
        case=case,
        title=_("Has %(provider)s answered the referral for %(name)s?")
        % {"provider": provider.name, "name": person.full_name},
        due_on=sent_on + rules.FOLLOW_UP_AFTER_REFERRAL,
        source=TaskSource.REFERRAL,
        source_id=referral.pk,
        assignee=actor,
        acting_role=acting_role,
    )
    return referral


_STEP_MESSAGES = {
    "not_next": lambda: _("A referral cannot go to that status from where it stands."),
    "future": lambda: _("The date cannot be in the future."),
    "before_sent": lambda: _("The date cannot be before the referral was sent."),
    "before_start": lambda: _("The end cannot be before the start."),
    "reason_needed": lambda: _("Give the provider's reason for rejecting the referral."),
}

_ENDED = (
    ReferralStatus.REJECTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.DROPPED_OUT,
    ReferralStatus.WITHDRAWN,
)


@transaction.atomic
def edit_referral(
    *,
    actor: User,
    referral: Referral,
    provider: Provider | None,
    purpose: str,
    sent_on: datetime.date | None,
    acting_role: str = "",
) -> Referral:
    """Correct a sent referral's provider, purpose or date, while the provider has not answered."""
    case = referral.case
    _require_own(actor, case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("Only a referral the provider has not answered can be changed."))
    if provider is None or provider.unit_id != case.unit_id or not provider.active:
        raise ValidationError(
            {"provider": [_("Choose a provider from the unit's registry that takes referrals.")]}
        )
    if sent_on is None:
        raise ValidationError({"sent_on": [_("Give the date the referral was sent.")]})
    _not_future("sent_on", sent_on)
    before = {
        "provider": referral.provider_id,
        "purpose": referral.purpose,
        "sent_on": referral.sent_on,
    }
    referral.provider, referral.purpose, referral.sent_on = provider, purpose.strip(), sent_on
    referral.full_clean(exclude=["case", "person", "provider", "recorded_by", "outreach"])
    referral.save(update_fields=["provider", "purpose", "sent_on"])
    ReferralEvent.objects.filter(referral=referral, status=ReferralStatus.SENT).update(on=sent_on)
    after = {"provider": provider.pk, "purpose": referral.purpose, "sent_on": sent_on}
    changed = sorted(name for name in before if before[name] != after[name])
    _audit(
        actor,
        "update",
        "referral",
        referral,
        case,
        acting_role,
        "edit referral",
        referral.person_id,
        {"fields": changed},
    )
    return referral


@transaction.atomic
def update_referral(
    *,
    actor: User,
    referral: Referral,
    status: str,
    on: datetime.date,
    reason: str = "",
    feedback: str = "",
    acting_role: str = "",
) -> Referral:
    """Move a referral one step on its lifecycle and record the provider's feedback."""
    case = referral.case
    _require_own(actor, case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    problem = rules.referral_step_problem(
        current=referral.status,
        new=status,
        on=on,
        sent_on=referral.sent_on,
        started_on=referral.started_on,
        today=timezone.localdate(),
        reason=reason,
    )
    if problem is not None:
        field, key = problem
        raise ValidationError({field: [_STEP_MESSAGES[key]()]})
    referral.status = status
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED):
        referral.answered_on = on
    if status == ReferralStatus.REJECTED:
        referral.rejection_reason = reason.strip()
    if status == ReferralStatus.STARTED:
        referral.started_on = on
    if status in (ReferralStatus.COMPLETED, ReferralStatus.DROPPED_OUT, ReferralStatus.WITHDRAWN):
        referral.ended_on = on
    if feedback.strip():
        referral.feedback = feedback.strip()
    referral.updated_at = timezone.now()
    referral.full_clean(exclude=["case", "person", "provider", "recorded_by", "outreach"])
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        status=status,
        on=on,
        reason=reason.strip(),
        feedback=feedback.strip(),
        recorded_by=actor,
    )
    if status != ReferralStatus.SENT:
        _close_tasks(actor, TaskSource.REFERRAL, referral.pk)
    _audit(
        actor,
        "update",
        "referral",
        referral,
        case,
        acting_role,
        "update referral",
        referral.person_id,
        {"status": status},
    )
    return referral


# --- Victim support ----------------------------------------------------------------------------------


def _check_period(start: datetime.date, end: datetime.date | None, end_field: str) -> None:
    if end is not None and end < start:
        raise ValidationError({end_field: [_("The end cannot be before the start.")]})


@transaction.atomic
def record_intervention(
    *,
    actor: User,
    case: Case,
    person: Person,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    outcome: str = "",
    without_police_report: bool = False,
    notes: str = "",
    acting_role: str = "",
) -> Intervention:
    """Record a support intervention from the catalogue for a victim (or a child)."""
    _require_own(actor, case)
    _party(case, person, SUPPORTED_ROLES)
    _check_period(started_on, ended_on, "ended_on")
    _not_future("ended_on", ended_on)
    if ended_on is not None and not outcome:
        raise ValidationError({"outcome": [_("Give the outcome of an intervention that ended.")]})
    if ended_on is None and outcome:
        raise ValidationError({"ended_on": [_("Give the date the intervention ended.")]})
    item = Intervention(
        case=case,
        person=person,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        outcome=outcome,
        without_police_report=without_police_report,
        notes=notes,
        recorded_by=actor,
    )
    item.full_clean(exclude=["case", "person", "recorded_by"])
    item.save()
    _audit(
        actor,
        "create",
        "intervention",
        item,
        case,
        acting_role,
        "record support",
        person.pk,
        {"kind": kind},
    )
    return item


@transaction.atomic
def edit_intervention(
    *,
    actor: User,
    intervention: Intervention,
    kind: str,
    started_on: datetime.date | None,
    ended_on: datetime.date | None = None,
    outcome: str = "",
    without_police_report: bool = False,
    notes: str = "",
    acting_role: str = "",
) -> Intervention:
    """Correct an intervention: what, when, how it ended. An end before the start, or an
    outcome without an end, is refused beside its field."""
    case = intervention.case
    _require_own(actor, case)
    item = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if started_on is None:
        raise ValidationError({"started_on": [_("Give the date the intervention started.")]})
    _check_period(started_on, ended_on, "ended_on")
    _not_future("ended_on", ended_on)
    if ended_on is not None and not outcome:
        raise ValidationError({"outcome": [_("Give the outcome of an intervention that ended.")]})
    if ended_on is None and outcome:
        raise ValidationError({"ended_on": [_("Give the date the intervention ended.")]})
    fields = ("kind", "started_on", "ended_on", "outcome", "without_police_report", "notes")
    values = (kind, started_on, ended_on, outcome, without_police_report, notes.strip())
    new = dict(zip(fields, values, strict=True))
    changed = sorted(name for name, value in new.items() if getattr(item, name) != value)
    for name, value in new.items():
        setattr(item, name, value)
    item.full_clean(exclude=["case", "person", "recorded_by"])
    item.save(update_fields=list(fields))
    _audit(
        actor,
        "update",
        "intervention",
        item,
        case,
        acting_role,
        "edit intervention",
        item.person_id,
        {"fields": changed},
    )
    return item


@transaction.atomic
def end_intervention(
    *,
    actor: User,
    intervention: Intervention,
    ended_on: datetime.date,
    outcome: str,
    acting_role: str = "",
) -> Intervention:
    case = intervention.case
    _require_own(actor, case)
    item = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if item.ended_on is not None:
        raise ValidationError(_("This intervention has already ended."))
    _check_period(item.started_on, ended_on, "ended_on")
    _not_future("ended_on", ended_on)
    if not outcome:
        raise ValidationError({"outcome": [_("Give the outcome of an intervention that ended.")]})
    item.ended_on, item.outcome = ended_on, outcome
    item.full_clean(exclude=["case", "person", "recorded_by"])
    item.save()
    _audit(actor, "update", "intervention", item, case, acting_role, "end support", item.person_id)
    return item


@transaction.atomic
def book_transport(
    *,
    actor: User,
    case: Case,
    person: Person,
    purpose: str,
    departs_at: datetime.datetime | None,
    from_place: str,
    to_place: str,
    driver: User | None = None,
    escort_risk: str = "",
    acting_role: str = "",
) -> Transport:
    """Book an escorted ride for a victim, e.g. to her police interview or to court."""
    _require_own(actor, case)
    _party(case, person, SUPPORTED_ROLES)
    if departs_at is None:
        raise ValidationError({"departs_at": [_("Give the date and time of departure.")]})
    _case_worker(case, driver, "driver")
    transport = Transport(
        case=case,
        person=person,
        purpose=purpose,
        departs_at=departs_at,
        from_place=from_place.strip(),
        to_place=to_place.strip(),
        driver=driver,
        escort_risk=escort_risk.strip(),
        recorded_by=actor,
    )
    transport.full_clean(exclude=["case", "person", "recorded_by", "driver"])
    transport.save()
    _audit(
        actor,
        "create",
        "transport",
        transport,
        case,
        acting_role,
        "book transport",
        person.pk,
        {"purpose": purpose},
    )
    return transport


@transaction.atomic
def edit_transport(
    *,
    actor: User,
    transport: Transport,
    purpose: str,
    departs_at: datetime.datetime | None,
    from_place: str,
    to_place: str,
    driver: User | None = None,
    escort_risk: str = "",
    acting_role: str = "",
) -> Transport:
    """Change a booked transport: when, where from and to, who drives, the escort notes."""
    case = transport.case
    _require_own(actor, case)
    transport = Transport.objects.select_for_update().get(pk=transport.pk)
    if transport.status != "booked":
        raise ValidationError(_("Only a booked transport can be changed."))
    if departs_at is None:
        raise ValidationError({"departs_at": [_("Give the date and time of departure.")]})
    _case_worker(case, driver, "driver")
    fields = ("purpose", "departs_at", "from_place", "to_place", "driver", "escort_risk")
    before = {name: getattr(transport, name) for name in fields}
    transport.purpose, transport.departs_at, transport.driver = purpose, departs_at, driver
    transport.from_place, transport.to_place = from_place.strip(), to_place.strip()
    transport.escort_risk = escort_risk.strip()
    transport.full_clean(exclude=["case", "person", "recorded_by", "driver"])
    transport.save(update_fields=list(fields))
    changed = sorted(name for name in fields if getattr(transport, name) != before[name])
    _audit(
        actor,
        "update",
        "transport",
        transport,
        case,
        acting_role,
        "edit transport",
        transport.person_id,
        {"fields": changed},
    )
    return transport


@transaction.atomic
def set_transport_status(
    *, actor: User, transport: Transport, status: str, acting_role: str = ""
) -> Transport:
    case = transport.case
    _require_own(actor, case)
    transport = Transport.objects.select_for_update().get(pk=transport.pk)
    if transport.status != "booked" or status not in ("done", "cancelled"):
        raise ValidationError({"status": [_("Only a booked transport can be done or cancelled.")]})
    if status == "done" and transport.departs_at > timezone.now():
        raise ValidationError({"status": [_("A transport cannot be done before it departs.")]})
    transport.status = status
    transport.save(update_fields=["status"])
    _audit(
        actor,
        "update",
        "transport",
        transport,
        case,
        acting_role,
        "update transport",
        transport.person_id,
        {"status": status},
    )
    return transport


@transaction.atomic
def place_in_shelter(
    *,
    actor: User,
    case: Case,
    person: Person,
    provider: Provider | None,
    moved_in_on: datetime.date,
    address: str,
    notes: str = "",
    acting_role: str = "",
) -> ShelterPlacement:
    """Place a victim in sheltered housing. The person is marked as having a protected identity,
    so her address is hidden everywhere else too."""
    _require_own(actor, case)
    _party(case, person, SUPPORTED_ROLES)
    if provider is None or provider.unit_id != case.unit_id or provider.kind not in HOUSING_KINDS:
        raise ValidationError(
            {"provider": [_("Choose a sheltered-housing provider from the unit's registry.")]}
        )
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    stays = ShelterPlacement.objects.filter(provider=provider).values_list(
        "moved_in_on", "moved_out_on"
    )
    capacity = rules.Capacity(provider.capacity, rules.occupied_on(stays, moved_in_on))
    if capacity.full:
        raise ValidationError({"provider": [_("The provider has no free place on that date.")]})
    if not address.strip():
        raise ValidationError({"address": [_("Give the address of the placement.")]})
    placement = ShelterPlacement(
        case=case,
        person=person,
        provider=provider,
        moved_in_on=moved_in_on,
        address=address.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    placement.full_clean(exclude=["case", "person", "provider", "recorded_by"])
    placement.save()
    _audit(
        actor,
        "create",
        "shelter_placement",
        placement,
        case,
        acting_role,
        "place in shelter",
        person.pk,
        {"provider": provider.pk},
    )
    if not person.is_protected:
        people_actions.update_person(
            actor=actor,
            person=person,
            details={"protection": Protection.STAFF_MARKED},
            acting_role=acting_role,
        )
    risk_actions.follow_placement(actor=actor, placement=placement, acting_role=acting_role)
    return placement


@transaction.atomic
def end_placement(
    *, actor: User, placement: ShelterPlacement, moved_out_on: datetime.date, acting_role: str = ""
) -> ShelterPlacement:
    case = placement.case
    _require_own(actor, case)
    placement = ShelterPlacement.objects.select_for_update().get(pk=placement.pk)
    if placement.moved_out_on is not None:
        raise ValidationError(_("The person has already moved out."))
    _check_period(placement.moved_in_on, moved_out_on, "moved_out_on")
    _not_future("moved_out_on", moved_out_on)
    placement.moved_out_on = moved_out_on
    placement.save(update_fields=["moved_out_on"])
    _audit(
        actor,
        "update",
        "shelter_placement",
        placement,
        case,
        acting_role,
        "end placement",
        placement.person_id,
    )
    risk_actions.follow_placement(actor=actor, placement=placement, acting_role=acting_role)
    return placement


@transaction.atomic
def reveal_protected_places(*, actor: User, case: Case, reason: str, acting_role: str = "") -> None:
    """Log that the actor was shown the case's shelter addresses and protected transport places."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you need to see the address.")]})
    record(
        actor=actor,
        verb="reveal",
        object_type="support_places",
        object_id=case.pk,
        case_id=case.pk,
        purpose=reason.strip(),
        acting_role=acting_role,
    )


# --- The legal process -------------------------------------------------------------------------------

LEGAL_FIELDS = ("investigation", "prosecutor_decision", "decided_on", "judgment", "judged_on")


@transaction.atomic
def record_legal_process(
    *,
    actor: User,
    case: Case,
    report_number: str,
    details: Mapping[str, Any],
    acting_role: str = "",
) -> LegalProcess:
    """Record or update where the criminal process behind one police report stands (police only)."""
    _require_own(actor, case)
    if case.organisation.kind != "police":
        raise PermissionDenied
    number = report_number.strip().upper()
    process = (
        LegalProcess.objects.select_for_update().filter(case=case, report_number=number).first()
    )
    created = process is None
    process = process or LegalProcess(case=case, report_number=number, recorded_by=actor)
    for name in LEGAL_FIELDS:
        if name in details:
            setattr(process, name, details[name])
    for field in ("decided_on", "judged_on"):
        _not_future(field, getattr(process, field))
    if process.judgment and process.prosecutor_decision != "prosecution":
        raise ValidationError({"judgment": [_("A judgment needs a decision to prosecute.")]})
    if process.judged_on and process.decided_on and process.judged_on < process.decided_on:
        raise ValidationError({"judged_on": [_("The judgment cannot be before the decision.")]})
    if process.judged_on and not process.judgment:
        raise ValidationError({"judgment": [_("Give the judgment for the judgment date.")]})
    process.updated_at = timezone.now()
    process.recorded_by = actor
    process.full_clean(exclude=["case", "recorded_by"], validate_unique=False)
    process.save()
    _audit(
        actor,
        "create" if created else "update",
        "legal_process",
        process,
        case,
        acting_role,
        "record legal process",
        data={"fields": [n for n in LEGAL_FIELDS if n in details]},
    )
    return process


_TASK_FOR = {
    LegalEventKind.COURT_HEARING: TaskSource.COURT,
    LegalEventKind.MAIN_HEARING: TaskSource.COURT,
    LegalEventKind.VICTIM_INTERVIEW: TaskSource.INTERVIEW,
}


@transaction.atomic
def add_legal_event(
    *,
    actor: User,
    process: LegalProcess,
    kind: str,
    at: datetime.datetime | None,
    place: str = "",
    acting_role: str = "",
) -> LegalEvent:
    """Record an interview or a court date; a court date or victim interview becomes a unit task
    the day before, so support (and transport) can be arranged in time."""
    case = process.case
    _require_own(actor, case)
    if at is None:
        raise ValidationError({"at": [_("Give the date and time.")]})
    event = LegalEvent(process=process, kind=kind, at=at, place=place.strip(), recorded_by=actor)
    event.full_clean(exclude=["process", "recorded_by"])
    event.save()
    _audit(
        actor,
        "create",
        "legal_event",
        event,
        case,
        acting_role,
        "record legal event",
        data={"kind": kind},
    )
    source = _TASK_FOR.get(kind)  # type: ignore[call-overload]
    day = timezone.localtime(at).date()
    if source is not None and day >= timezone.localdate():
        _task(
            actor=actor,
            case=case,
            title=_("%(what)s %(day)s, %(report)s: arrange support")
            % {
                "what": event.get_kind_display(),
                "day": day.isoformat(),
                "report": process.report_number,
            },
            due_on=max(day - datetime.timedelta(days=1), timezone.localdate()),
            source=source,
            source_id=event.pk,
            assignee=None,
            acting_role=acting_role,
        )
    return event


# --- Tasks -------------------------------------------------------------------------------------------


@transaction.atomic
def create_task(
    *,
    actor: User,
    unit: Unit,
    title: str,
    due_on: datetime.date,
    assignee: User | None = None,
    case: Case | None = None,
    source: str = TaskSource.MANUAL,
    source_id: int | None = None,
    acting_role: str = "",
) -> Task:
    """A reminder for a colleague (or the whole unit when nobody is named). Other apps, e.g. the
    risk reassessments, create theirs here too, with their own source."""
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id is None
        or unit.pk not in actor.unit_ids()
    ):
        raise PermissionDenied
    if case is not None:
        _require_own(actor, case)
    if assignee is not None and (
        assignee.organisation_id != actor.organisation_id
        or unit.pk not in assignee.unit_ids()
        or not assignee.can(Cap.EDIT_CASE_DATA)
    ):
        raise ValidationError({"assignee": [_("Choose a colleague in this unit.")]})
    if not title.strip():
        raise ValidationError({"title": [_("Say what is to be done.")]})
    task = Task(
        organisation_id=actor.organisation_id,
        unit=unit,
        assignee=assignee,
        case=case,
        title=title.strip(),
        due_on=due_on,
        source=source,
        source_id=source_id,
        created_by=actor,
    )
    task.full_clean(exclude=["organisation", "unit", "assignee", "case", "created_by"])
    task.save()
    record(
        actor=actor,
        verb="create",
        object_type="task",
        object_id=task.pk,
        case_id=case.pk if case else None,
        purpose="create task",
        acting_role=acting_role,
        data={"source": source},
    )
    return task


@transaction.atomic
def edit_task(
    *,
    actor: User,
    task: Task,
    title: str,
    due_on: datetime.date | None,
    assignee: User | None = None,
    acting_role: str = "",
) -> Task:
    """Change an open task's text, due date or who it is for (the organisation's own list)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != task.organisation_id
        or task.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    if task.done_at is not None:
        raise ValidationError(_("The task is already done."))
    if assignee is not None and (
        assignee.organisation_id != task.organisation_id
        or task.unit_id not in assignee.unit_ids()
        or not assignee.can(Cap.EDIT_CASE_DATA)
    ):
        raise ValidationError({"assignee": [_("Choose a colleague in this unit.")]})
    if not title.strip():
        raise ValidationError({"title": [_("Say what is to be done.")]})
    if due_on is None:
        raise ValidationError({"due_on": [_("Give the due date.")]})
    before = {"title": task.title, "due_on": task.due_on, "assignee": task.assignee_id}
    task.title, task.due_on, task.assignee = title.strip(), due_on, assignee
    task.full_clean(exclude=["organisation", "unit", "assignee", "case", "created_by", "done_by"])
    task.save(update_fields=["title", "due_on", "assignee"])
    after = {"title": task.title, "due_on": due_on, "assignee": assignee.pk if assignee else None}
    record(
        actor=actor,
        verb="update",
        object_type="task",
        object_id=task.pk,
        case_id=task.case_id,
        purpose="edit task",
        acting_role=acting_role,
        data={"fields": sorted(name for name in before if before[name] != after[name])},
    )
    return task


@transaction.atomic
def complete_task(*, actor: User, task: Task, acting_role: str = "") -> Task:
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != task.organisation_id
        or task.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError(_("The task is already done."))
    task.done_at, task.done_by = timezone.now(), actor
    task.save(update_fields=["done_at", "done_by"])
    record(
        actor=actor,
        verb="update",
        object_type="task",
        object_id=task.pk,
        case_id=task.case_id,
        purpose="complete task",
        acting_role=acting_role,
    )
    return task


# --- Outcome snapshots and closure -------------------------------------------------------------------

SNAPSHOT_FIELDS = ("danger_level", "violence_ongoing", "safety", "support_received")


@transaction.atomic
def record_snapshot(
    *,
    actor: User,
    case: Case,
    person: Person,
    stage: str,
    details: Mapping[str, Any],
    acting_role: str = "",
) -> OutcomeSnapshot:
    """Record (or correct) where a victim or person using violence stands at intake or exit."""
    _require_own(actor, case)
    party = _party(case, person, COUNTED_ROLES)
    snapshot = (
        OutcomeSnapshot.objects.select_for_update()
        .filter(case=case, person=person, stage=stage)
        .first()
    )
    created = snapshot is None
    snapshot = snapshot or OutcomeSnapshot(case=case, person=person, stage=stage)
    snapshot.party_role = party.role
    for name in SNAPSHOT_FIELDS:
        setattr(snapshot, name, details.get(name, ""))
    snapshot.recorded_by, snapshot.recorded_at = actor, timezone.now()
    snapshot.full_clean(exclude=["case", "person", "recorded_by"], validate_unique=False)
    snapshot.save()
    _audit(
        actor,
        "create" if created else "update",
        "outcome_snapshot",
        snapshot,
        case,
        acting_role,
        "record outcome snapshot",
        person.pk,
        {"stage": stage},
    )
    return snapshot


def closure_check(case: Case) -> rules.ClosureCheck:
    counted = Party.objects.filter(case=case, role__in=COUNTED_ROLES).values_list(
        "person_id", flat=True
    )
    with_exit = set(
        OutcomeSnapshot.objects.filter(case=case, stage=SnapshotStage.EXIT).values_list(
            "person_id", flat=True
        )
    )
    return rules.ClosureCheck(
        open_tasks=Task.objects.filter(case=case, done_at__isnull=True).count(),
        missing_snapshots=len(set(counted) - with_exit),
        open_referrals=Referral.objects.filter(case=case)
        .exclude(status__in=[s.value for s in _ENDED])
        .count(),
        current_placements=ShelterPlacement.objects.filter(
            Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=timezone.localdate()), case=case
        ).count(),
    )


@transaction.atomic
def close_case(
    *,
    actor: User,
    case: Case,
    reason: str,
    note: str = "",
    checklist: Mapping[str, bool] | None = None,
    override_reason: str = "",
    acting_role: str = "",
) -> CaseClosure:
    """Close a case with a reason and the checklist. Open tasks and missing exit snapshots are
    warnings: the case closes only with a reason for closing anyway."""
    _require_own(actor, case)
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    check = closure_check(case)
    if check.needs_override and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": [
                    _(
                        "There are %(tasks)d open tasks and %(missing)d people without an exit "
                        "snapshot. Give a reason to close anyway."
                    )
                    % {"tasks": check.open_tasks, "missing": check.missing_snapshots}
                ]
            }
        )
    closure = CaseClosure(
        case=case,
        reason=reason,
        note=note.strip(),
        checklist=dict(checklist or {}),
        open_tasks=check.open_tasks,
        missing_snapshots=check.missing_snapshots,
        override_reason=override_reason.strip() if check.needs_override else "",
        closed_by=actor,
    )
    closure.full_clean(exclude=["case", "closed_by"])
    closure.save()
    _audit(
        actor,
        "create",
        "case_closure",
        closure,
        case,
        acting_role,
        "close case",
        data={"reason": reason, "open_tasks": check.open_tasks},
    )
    case_actions.update_case(
        actor=actor, case=case, details={"status": CaseStatus.CLOSED}, acting_role=acting_role
    )
    return closure
