"""Every write of the tip line: the public submissions and the staff side. Keyword-only, atomic,
audited in the same transaction.

The public side has no actor: its audit events name the actor "tipster" or "public" and carry
the tip's id and nothing else (no time finer than the event's own, no address, no content).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap, Role
from igor.audit.record import record
from igor.cases import actions as case_actions
from igor.cases.models import Case, Party, PartyRole
from igor.people import actions as people_actions
from igor.people.models import Person
from igor.risk import access as risk_access
from igor.risk import actions as risk_actions
from igor.sharing import policy
from igor.support import actions as support_actions
from igor.support.models import ContactMethod, OutreachContact
from igor.tips import receipts, rules
from igor.tips.models import (
    ContactDetails,
    HelpEntry,
    Kind,
    Message,
    OthersReadPhone,
    Outcome,
    PersonLink,
    ReceiptHandover,
    Status,
    TextKey,
    Tip,
    TipLine,
    TipLineText,
    Urgency,
)

P = ParamSpec("P")
T = TypeVar("T")

TIP_FIELDS = (
    "danger_now",
    "what_happened",
    "when_text",
    "place",
    "people_involved",
    "children_in_home",
    "weapons",
    "threats",
    "how_known",
    "how_known_other",
    "message",
)
CONTACT_FIELDS = (
    "name",
    "phone",
    "email",
    "safe_times",
    "voicemail_ok",
    "sms_ok",
    "code_word",
    "others_read_phone",
    "preferred_language",
    "interpreter",
)


class AlreadySent(Exception):
    """The form's submission key was used already: this is a replay or a double click."""

    def __init__(self, tip: Tip) -> None:
        super().__init__("already sent")
        self.tip = tip


@dataclass(frozen=True)
class Sent:
    tip: Tip
    code: str  # shown once; empty for a self-referral


def _public_event(verb: str, tip: Tip, label: str, **data: Any) -> None:
    record(
        actor=None,
        actor_label=label,
        verb=verb,
        object_type="tip",
        object_id=tip.pk,
        purpose="public tip line",
        data={"unit": tip.unit_id, "kind": tip.kind, **data},
    )


def _has_content(details: Mapping[str, Any], kind: str) -> bool:
    texts = ("what_happened", "people_involved", "message")
    return any(str(details.get(name, "")).strip() for name in texts)


def _contact_given(contact: Mapping[str, Any]) -> bool:
    return any(
        contact.get(name) not in (None, "", False)
        for name in CONTACT_FIELDS
        if name not in ("preferred_language",)
    )


@dataclass(frozen=True)
class Submission:
    """A checked submission, ready to store: everything that needs no database is done."""

    tip: Tip
    code: str
    key_hash: str
    contact: Mapping[str, Any]


def prepare_submission(
    *,
    unit: Unit,
    kind: str,
    language: str,
    details: Mapping[str, Any],
    contact: Mapping[str, Any],
    submission_key: str,
) -> Submission:
    """Check a public submission and make its receipt code, without touching the database.

    Kept out of `store_submission` so that the hashing and checking happen before the
    transaction starts (on SQLite a transaction holds the write lock from its first statement).
    Raises ValidationError on bad content.
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of message.")]})
    if kind == Kind.TIP and not _has_content(details, kind):
        raise ValidationError({"what_happened": [_("Tell us what it is about.")]})
    received = rules.coarse(timezone.now())
    tip = Tip(
        unit=unit,
        kind=kind,
        language=language,
        received_at=received,
        submission_key=hashlib.sha256(submission_key.encode()).hexdigest(),
        **{name: details[name] for name in TIP_FIELDS if name in details},
    )
    tip.urgency = rules.suggested_urgency(
        danger_now=tip.danger_now,
        weapons=tip.weapons,
        threats=tip.threats,
        children=tip.children_in_home,
    )
    code = ""
    if kind == Kind.TIP:
        code = receipts.new_code()
        tip.receipt_hash = receipts.hash_code(code.replace(" ", ""))
        tip.dialogue_expires_at = rules.dialogue_expiry(received, settings.TIPS_DIALOGUE_DAYS)
    # Fields only: uniqueness and the check constraints are the database's to enforce; checking them here
    # costs a query each, on the one request the public waits for.
    tip.full_clean(
        exclude=["unit", "assigned_to", "case"], validate_unique=False, validate_constraints=False
    )
    return Submission(tip=tip, code=code, key_hash=tip.submission_key, contact=contact)


_SQLITE_WRITER = threading.Lock()


def _one_writer_at_a_time(function: Callable[P, T]) -> Callable[P, T]:
    """On SQLite, let this process's senders take turns before their transaction starts.

    SQLite admits one writer; the others wait in its busy handler, which sleeps and retries
    (after 1, 2, 5, 10, 15 … ms), so under a threaded server senders often sleep on while the
    write lock is already free. A lock here hands the write over at once. Writers in other
    processes still meet SQLite's own wait; PostgreSQL queues waiters by itself. Never taken
    inside a transaction, which may hold SQLite's lock already (that order could deadlock).
    """

    @functools.wraps(function)
    def in_turn(*args: P.args, **kwargs: P.kwargs) -> T:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return function(*args, **kwargs)
        with _SQLITE_WRITER:
            return function(*args, **kwargs)

    return in_turn


@_one_writer_at_a_time
def store_submission(submission: Submission, *, with_it: Callable[[], None] | None = None) -> Sent:
    """Store a prepared submission: the tip, its receipt handover, its contact details and the
    audit event, and whatever `with_it` writes (the view ends the draft and saves the session),
    in one transaction.

    Raises AlreadySent when the same form was sent before. That is found by the unique
    submission key when the insert fails, so the usual send costs no lookup and no savepoint;
    the failed transaction is rolled back whole, and the earlier tip looked up after it.
    """
    try:
        with transaction.atomic():
            sent = _store(submission)
            if with_it is not None:
                with_it()
            # Last before the commit: from here to the commit the audit chain's head is held,
            # and every other write of every user waits for it.
            _public_event("create", sent.tip, "public")
    except IntegrityError:  # a replay, a double click, or two sends at the same instant
        earlier = Tip.objects.filter(submission_key=submission.key_hash).first()
        if earlier is None:
            raise
        raise AlreadySent(earlier) from None
    return sent


def _store(submission: Submission) -> Sent:
    """The submission's rows; its audit event is the caller's to append, last."""
    tip, code, contact = submission.tip, submission.code, submission.contact
    tip.save(force_insert=True)
    if code:
        # Encrypted, until the tipster confirms they saved it (igor.tips.session.hand_over).
        ReceiptHandover.objects.create(tip=tip, code=code)
    if _contact_given(contact):
        ContactDetails.objects.create(
            tip=tip, **{name: contact[name] for name in CONTACT_FIELDS if name in contact}
        )
    transaction.on_commit(lambda: notify_new_tip(tip.unit_id))
    return Sent(tip=tip, code=code)


def submit(
    *,
    unit: Unit,
    kind: str,
    language: str,
    details: Mapping[str, Any],
    contact: Mapping[str, Any],
    submission_key: str,
) -> Sent:
    """A tip or self-referral from the public pages, with its receipt code (tips only).

    Raises AlreadySent when the same form was sent before, ValidationError on bad content.
    Nothing is saved unless everything is.
    """
    return store_submission(
        prepare_submission(
            unit=unit,
            kind=kind,
            language=language,
            details=details,
            contact=contact,
            submission_key=submission_key,
        )
    )


# Who is told of a new tip is asked on every public send and changes seldom, so it is remembered
# for a while: at most this long in another server process, and until any change of a user in
# this one (forget_triage_addresses). All units' lists are kept under one key, so forgetting
# them costs no query of which units the changed user belongs to.
TRIAGE_ADDRESSES_KEY = "igor-tips:triage-addresses"
TRIAGE_ADDRESSES_SECONDS = 60


def triage_addresses(unit_id: int) -> list[str]:
    """The e-mail addresses of the unit's active triage officers."""
    known: dict[int, list[str]] = cache.get(TRIAGE_ADDRESSES_KEY) or {}
    if unit_id not in known:
        known[unit_id] = list(
            User.objects.filter(units__id=unit_id, role=Role.TRIAGE_OFFICER, is_active=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("email", flat=True)
        )
        cache.set(TRIAGE_ADDRESSES_KEY, known, TRIAGE_ADDRESSES_SECONDS)
    return known[unit_id]


def forget_triage_addresses(**_signal: object) -> None:
    """A user was saved, or their units changed: ask the database again at the next send.

    Again after the change commits, since a send in between would remember the old state."""
    cache.delete(TRIAGE_ADDRESSES_KEY)
    transaction.on_commit(lambda: cache.delete(TRIAGE_ADDRESSES_KEY))


def notify_new_tip(unit_id: int) -> None:
    """Tell the unit's triage staff that something came in: never what, never when exactly."""
    recipients = triage_addresses(unit_id)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("New tip"),
            _("Something new has come in to the tip line. Log in to IGOR to read it."),
            None,
            recipients,
            fail_silently=True,
        )


def _dialogue_open(tip: Tip) -> bool:
    return bool(
        tip.receipt_hash and tip.dialogue_expires_at and tip.dialogue_expires_at > timezone.now()
    )


@transaction.atomic
def tipster_reply(*, tip: Tip, body: str, code_digest: str) -> Message:
    """The tipster answers in the dialogue."""
    text = body.strip()
    if not _dialogue_open(tip):
        raise ValidationError({"body": [_("This conversation has ended.")]})
    if not text:
        raise ValidationError({"body": [_("Write your answer.")]})
    if len(text) > rules.MAX_MESSAGE:
        raise ValidationError(
            {"body": [_("Keep it to %(n)s characters or fewer.") % {"n": rules.MAX_MESSAGE}]}
        )
    if receipts.contains_code(text, code_digest):
        raise ValidationError(
            {
                "body": [
                    _("Your answer contains your code. Remove it: never write the code down here.")
                ]
            }
        )
    message = Message.objects.create(tip=tip, from_unit=False, body=text)
    Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
    _public_event("create", tip, "tipster", message=message.pk)
    return message


@transaction.atomic
def tipster_delete_reply(*, tip: Tip, message_id: int) -> None:
    """A tipster may delete their own answers (say, after the unit has read them)."""
    deleted, _rows = Message.objects.filter(tip=tip, pk=message_id, from_unit=False).delete()
    if not deleted:
        raise ValidationError({"message": [_("There is no such answer.")]})
    _public_event("delete", tip, "tipster", message=message_id)


@transaction.atomic
def mark_read_by_tipster(*, tip: Tip) -> None:
    """The unit's messages count as read once the tipster opened the conversation."""
    marked = Message.objects.filter(tip=tip, from_unit=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _public_event("read", tip, "tipster", messages=marked)


# --- Staff side ----------------------------------------------------------------------------------


def _require_triage(actor: User, tip: Tip) -> None:
    if not actor.can(Cap.TRIAGE_TIPS) or tip.unit_id not in actor.unit_ids():
        raise PermissionDenied


def _staff_event(actor: User, verb: str, tip: Tip, purpose: str, **data: Any) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type="tip",
        object_id=tip.pk,
        case_id=tip.case_id,
        purpose=purpose,
        data=data,
    )


def _locked(tip: Tip) -> Tip:
    return Tip.objects.select_for_update().get(pk=tip.pk)


@transaction.atomic
def update_triage(*, actor: User, tip: Tip, urgency: str, assigned_to: User | None) -> Tip:
    """Set urgency and who handles the tip; a new tip moves into triage."""
    _require_triage(actor, tip)
    tip = _locked(tip)
    if tip.is_closed:
        raise ValidationError({"urgency": [_("The tip is closed.")]})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": [_("Choose an urgency.")]})
    if assigned_to is not None and (
        tip.unit_id not in assigned_to.unit_ids() or not assigned_to.can(Cap.VIEW_TIPS)
    ):
        raise ValidationError({"assigned_to": [_("Choose someone who works in this unit.")]})
    changed: dict[str, list[Any]] = {
        "urgency": [tip.urgency, urgency],
        "assigned_to": [tip.assigned_to_id, assigned_to.pk if assigned_to else None],
    }
    tip.urgency, tip.assigned_to = urgency, assigned_to
    if tip.status == Status.NEW:
        tip.status = Status.IN_TRIAGE
    tip.updated_at = timezone.now()
    tip.save(update_fields=["urgency", "assigned_to", "status", "updated_at"])
    _staff_event(
        actor, "update", tip, "triage", changed={k: v for k, v in changed.items() if v[0] != v[1]}
    )
    return tip


@transaction.atomic
def write_summary(*, actor: User, tip: Tip, summary: str, protect_tipster: bool) -> Tip:
    """The sanitised summary: what case work sees instead of the raw tip."""
    _require_triage(actor, tip)
    tip = _locked(tip)
    text = summary.strip()
    if not text:
        raise ValidationError({"summary": [_("Write the summary.")]})
    if len(text) > rules.MAX_TEXT:
        raise ValidationError(
            {"summary": [_("Keep it to %(n)s characters or fewer.") % {"n": rules.MAX_TEXT}]}
        )
    tip.summary, tip.protect_tipster = text, protect_tipster
    if tip.status in (Status.NEW, Status.IN_TRIAGE):
        tip.status = Status.TRIAGED
    tip.updated_at = timezone.now()
    tip.save(update_fields=["summary", "protect_tipster", "status", "updated_at"])
    _staff_event(actor, "update", tip, "sanitised summary", protect_tipster=protect_tipster)
    return tip


@transaction.atomic
def link_person(*, actor: User, tip: Tip, person: Person) -> PersonLink:
    """Say the tip is about a person the actor may see."""
    _require_triage(actor, tip)
    if not policy.sees_person(policy.scope_for(actor), person):
        raise PermissionDenied
    link, created = PersonLink.objects.get_or_create(
        tip=tip, person=person, defaults={"linked_by": actor}
    )
    if not created:
        raise ValidationError({"person": [_("The tip is already linked to this person.")]})
    record(
        actor=actor,
        verb="link",
        object_type="tip",
        object_id=tip.pk,
        person_id=person.pk,
        purpose="link tip to person",
    )
    return link


@transaction.atomic
def unlink_person(*, actor: User, tip: Tip, person_id: int) -> None:
    _require_triage(actor, tip)
    deleted, _rows = PersonLink.objects.filter(tip=tip, person_id=person_id).delete()
    if not deleted:
        raise ValidationError({"person": [_("The tip is not linked to this person.")]})
    record(
        actor=actor,
        verb="unlink",
        object_type="tip",
        object_id=tip.pk,
        person_id=person_id,
        purpose="unlink tip from person",
    )


@transaction.atomic
def link_case(*, actor: User, tip: Tip, case: Case) -> Tip:
    """Add the tip to an existing case the actor may work in."""
    _require_triage(actor, tip)
    if not policy.scope_for(actor).is_own(case.organisation_id, case.unit_id):
        raise PermissionDenied
    tip = _locked(tip)
    tip.case = case
    tip.updated_at = timezone.now()
    tip.save(update_fields=["case", "updated_at"])
    _staff_event(actor, "link", tip, "add tip to case")
    return tip


@transaction.atomic
def open_case_from_tip(*, actor: User, tip: Tip, title: str, acting_role: str = "") -> Case:
    """A new case in the actor's organisation, whose summary is the tip's sanitised summary."""
    _require_triage(actor, tip)
    tip = _locked(tip)
    if not tip.summary:
        raise ValidationError({"title": [_("Write the sanitised summary first.")]})
    case = case_actions.open_case(
        actor=actor,
        unit=tip.unit,
        details={"title": title, "summary": tip.summary[:5000]},
        acting_role=acting_role,
    )
    tip.case = case
    tip.updated_at = timezone.now()
    tip.save(update_fields=["case", "updated_at"])
    _staff_event(actor, "link", tip, "open case from tip")
    return case


OUTCOMES_NEEDING_CASE = (Outcome.NEW_CASE, Outcome.ADDED_TO_CASE)


@transaction.atomic
def close_with_outcome(
    *,
    actor: User,
    tip: Tip,
    outcome: str,
    reason: str,
    planned_for: datetime.datetime | None = None,
    acting_role: str = "",
) -> Tip:
    """Record what came of the tip and close it. "No action" needs a reason; a case outcome
    needs the case. "Outreach planned" on a self-referral plans the contact in the same
    transaction (`plan_referral_outreach`)."""
    _require_triage(actor, tip)
    tip = _locked(tip)
    if outcome == Outcome.OUTREACH_PLANNED and tip.kind != Kind.TIP:
        plan_referral_outreach(
            actor=actor, tip=tip, planned_for=planned_for, acting_role=acting_role
        )
    reason = reason.strip()
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    if outcome == Outcome.NO_ACTION and not reason:
        raise ValidationError({"reason": [_("Say why nothing will be done.")]})
    if outcome in OUTCOMES_NEEDING_CASE and tip.case_id is None:
        raise ValidationError({"outcome": [_("Link the tip to a case first.")]})
    if not tip.summary:
        raise ValidationError({"outcome": [_("Write the sanitised summary first.")]})
    if len(reason) > 2000:
        raise ValidationError(
            {"reason": [_("Keep it to %(n)s characters or fewer.") % {"n": 2000}]}
        )
    tip.outcome, tip.outcome_reason = outcome, reason
    tip.status, tip.closed_at = Status.CLOSED, timezone.now()
    tip.updated_at = tip.closed_at
    tip.save(update_fields=["outcome", "outcome_reason", "status", "closed_at", "updated_at"])
    _staff_event(actor, "close", tip, "tip outcome", outcome=outcome)
    return tip


def _referral_person(actor: User, tip: Tip, case: Case, acting_role: str) -> Person:
    """Whom a self-referral is from: the one person of the case's side linked to the tip, or
    a person registered from what the referral gave (its name, phone and e-mail)."""
    linked = [
        link.person
        for link in tip.person_links.select_related("person")
        if link.person.organisation_id == case.organisation_id
        and link.person.unit_id == case.unit_id
    ]
    if len(linked) > 1:
        raise ValidationError(
            {"outcome": [_("Link only the person the referral is from, then plan the contact.")]}
        )
    if linked:
        return linked[0]
    contact = ContactDetails.objects.filter(tip=tip).first()
    first, _space, last = (contact.name.strip() if contact else "").partition(" ")
    details = {
        "first_name": first or _("Self-referral"),
        "last_name": last or tip.reference,
        "identity_kind": "none",
        "phone": contact.phone.strip() if contact else "",
        "email": contact.email.strip() if contact else "",
    }
    return people_actions.register_person(
        actor=actor, unit=case.unit, details=details, acting_role=acting_role
    )


def _safe_contact_details(contact: ContactDetails) -> dict[str, Any]:
    """The referral's contact preferences as safe-contact rules (igor.risk)."""
    return {
        "safe_times": contact.safe_times[:200],
        "voicemail_allowed": contact.voicemail_ok,
        "sms_allowed": contact.sms_ok,
        "code_word": contact.code_word[:100],
        # Unsure counts as yes: the careful reading when someone else may see the phone.
        "others_read_phone": contact.others_read_phone != OthersReadPhone.NO,
    }


def plan_referral_outreach(
    *, actor: User, tip: Tip, planned_for: datetime.datetime | None, acting_role: str = ""
) -> OutreachContact:
    """A triaged self-referral ("contact me", "help me stop") opens outreach: a planned phone
    contact in the tip's case with the person it is from, who becomes a party (victim or
    person using violence); a victim's contact preferences become her safe-contact rules.
    Called inside `close_with_outcome`'s transaction, so nothing is half-saved."""
    if tip.case_id is None:
        raise ValidationError({"outcome": [_("Link the tip to a case first.")]})
    if planned_for is None:
        raise ValidationError({"planned_for": [_("Say when to make contact.")]})
    case = Case.objects.select_related("unit").get(pk=tip.case_id)
    person = _referral_person(actor, tip, case, acting_role)
    role = PartyRole.PERPETRATOR if tip.kind == Kind.HELP_TO_STOP else PartyRole.VICTIM
    if not Party.objects.filter(case=case, person=person).exists():
        case_actions.add_party(
            actor=actor, case=case, person=person, role=role, acting_role=acting_role
        )
    contact = ContactDetails.objects.filter(tip=tip).first()
    if contact is not None and role == PartyRole.VICTIM and not risk_access.uses_violence(person):
        risk_actions.save_safe_contact(
            actor=actor,
            person=person,
            details=_safe_contact_details(contact),
            acting_role=acting_role,
        )
    return support_actions.plan_outreach(
        actor=actor,
        case=case,
        person=person,
        method=ContactMethod.PHONE,
        planned_for=planned_for,
        notes=_("From self-referral %(reference)s.") % {"reference": tip.reference},
        acting_role=acting_role,
    )


@transaction.atomic
def reopen(*, actor: User, tip: Tip) -> Tip:
    _require_triage(actor, tip)
    tip = _locked(tip)
    if not tip.is_closed:
        raise ValidationError({"outcome": [_("The tip is not closed.")]})
    tip.status, tip.closed_at, tip.outcome, tip.outcome_reason = Status.TRIAGED, None, "", ""
    tip.updated_at = timezone.now()
    tip.save(update_fields=["status", "closed_at", "outcome", "outcome_reason", "updated_at"])
    _staff_event(actor, "reopen", tip, "tip reopened")
    return tip


@transaction.atomic
def reply_to_tipster(*, actor: User, tip: Tip, body: str) -> Message:
    """A question or answer to the tipster, read with their receipt code."""
    _require_triage(actor, tip)
    text = body.strip()
    if not _dialogue_open(tip):
        raise ValidationError({"body": [_("The tipster can no longer read messages here.")]})
    if not text:
        raise ValidationError({"body": [_("Write the message.")]})
    if len(text) > rules.MAX_MESSAGE:
        raise ValidationError(
            {"body": [_("Keep it to %(n)s characters or fewer.") % {"n": rules.MAX_MESSAGE}]}
        )
    message = Message.objects.create(tip=tip, from_unit=True, author=actor, body=text)
    Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
    _staff_event(actor, "create", tip, "message to tipster", message=message.pk)
    return message


# --- Retention -----------------------------------------------------------------------------------


def due_for_deletion(now: datetime.datetime | None = None) -> list[Tip]:
    """Tips that led to nothing, past the retention period (the dry run lists these)."""
    moment = now or timezone.now()
    candidates = Tip.objects.filter(status=Status.CLOSED, outcome=Outcome.NO_ACTION).only(
        "id", "unit_id", "kind", "status", "outcome", "received_at", "closed_at"
    )
    return [
        tip
        for tip in candidates
        if rules.retention_due(
            outcome=tip.outcome,
            status=tip.status,
            received_at=tip.received_at,
            closed_at=tip.closed_at,
            now=moment,
            days=settings.TIPS_RETENTION_DAYS,
        )
    ]


@transaction.atomic
def delete_for_retention(*, now: datetime.datetime | None = None) -> list[int]:
    """Delete what is due, dialogue and contact details included. One audit event per tip."""
    due = due_for_deletion(now)
    ids = [tip.pk for tip in due]
    for tip in due:
        record(
            actor=None,
            actor_label="system",
            verb="delete",
            object_type="tip",
            object_id=tip.pk,
            purpose="retention deletion",
            data={"unit": tip.unit_id, "days": settings.TIPS_RETENTION_DAYS},
        )
    Tip.objects.filter(pk__in=ids).delete()  # messages, contact details and links cascade
    return ids


# --- The unit's public tip line ------------------------------------------------------------------


def _require_manager(actor: User, unit: Unit) -> None:
    if not actor.can(Cap.MANAGE_TIP_LINE) or unit.pk not in actor.unit_ids():
        raise PermissionDenied


def _line_event(actor: User, verb: str, object_type: str, object_id: int, unit: Unit) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        purpose="tip line settings",
        data={"unit": unit.pk},
    )


@transaction.atomic
def save_tip_line(*, actor: User, unit: Unit, slug: str, open: bool) -> TipLine:
    _require_manager(actor, unit)
    line = TipLine.objects.filter(unit=unit).first() or TipLine(unit=unit)
    line.slug, line.open = slug, open
    line.full_clean(exclude=["unit"])
    line.save()
    _line_event(actor, "update", "tip_line", line.pk, unit)
    return line


@transaction.atomic
def save_texts(*, actor: User, unit: Unit, language: str, texts: Mapping[str, str]) -> None:
    """The unit's own public texts in one language; an empty text falls back to the default."""
    _require_manager(actor, unit)
    line = TipLine.objects.filter(unit=unit).first()
    if line is None:
        raise ValidationError({"intro": [_("Set up the tip line first.")]})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose a language.")]})
    for key in TextKey.values:
        if key not in texts:
            continue
        text = texts[key].strip()
        if len(text) > 2000:
            raise ValidationError({key: [_("Keep it to %(n)s characters or fewer.") % {"n": 2000}]})
        if text:
            TipLineText.objects.update_or_create(
                tip_line=line, key=key, language=language, defaults={"text": text}
            )
        else:
            TipLineText.objects.filter(tip_line=line, key=key, language=language).delete()
    _line_event(actor, "update", "tip_line_text", line.pk, unit)


HELP_FIELDS = ("name", "helps_with", "phone", "hours", "web", "position")


@transaction.atomic
def save_help_entry(
    *, actor: User, unit: Unit, entry: HelpEntry | None, details: Mapping[str, Any]
) -> HelpEntry:
    _require_manager(actor, unit)
    if entry is not None and entry.unit_id != unit.pk:
        raise PermissionDenied
    entry = entry or HelpEntry(unit=unit)
    for name in HELP_FIELDS:
        if name in details:
            setattr(entry, name, details[name])
    entry.full_clean(exclude=["unit"])
    verb = "update" if entry.pk else "create"
    entry.save()
    _line_event(actor, verb, "help_entry", entry.pk, unit)
    return entry


@transaction.atomic
def delete_help_entry(*, actor: User, entry: HelpEntry) -> None:
    _require_manager(actor, entry.unit)
    pk = entry.pk
    entry.delete()
    _line_event(actor, "delete", "help_entry", pk, entry.unit)
