"""Recording, approving, narrowing, withdrawing and using sharing bases, and reports of concern
about children. Keyword-only, atomic, audited in the same transaction.

These are what the policy obeys: a basis exists only as these actions wrote it.
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Organisation, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Incident, Party, PartyRole
from igor.people.models import Person
from igor.sharing import categories as catalogue
from igor.sharing.grounds import StatutoryGround
from igor.sharing.grounds import ground as find_ground
from igor.sharing.models import (
    Approval,
    BasisKind,
    BreakGlassGrant,
    ConcernStatus,
    ConsentForm,
    EndReason,
    GivenBy,
    ReportOfConcern,
    SharingBasis,
    SignedConsentForm,
)

BREAK_GLASS_DURATION = datetime.timedelta(hours=2)
# Kept for callers that name the scope by column (`covers_<key>`).
SCOPE_FIELDS = catalogue.FIELDS
SIGNED_FORM_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
}
SIGNED_FORM_MAX_BYTES = 10 * 1024 * 1024
# What social services see of the child when a report of concern is sent, unless narrowed.
CONCERN_CATEGORIES = frozenset({"person", "cases", "incidents"})


@dataclass(frozen=True)
class Upload:
    """A signed consent form as uploaded: its name, declared type and bytes."""

    name: str
    content_type: str
    content: bytes


# --- Checks shared by the actions ------------------------------------------------------------------


def _check_scope(actor: User, subject: Person, recipient: Organisation, case: Case | None) -> None:
    if (
        not actor.can(Cap.RECORD_SHARING)
        or actor.organisation_id != subject.organisation_id
        or subject.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    if recipient.pk not in (subject.unit.police_id, subject.unit.social_services_id):
        raise ValidationError(
            {"recipient": [_("The recipient must be the other agency of the unit.")]}
        )
    if recipient.pk == subject.organisation_id:
        raise ValidationError({"recipient": [_("Sharing is with the other agency.")]})
    if case is not None and not Party.objects.filter(case=case, person=subject).exists():
        raise ValidationError({"case": [_("The person is not a party to that case.")]})


def chosen_categories(chosen: Iterable[str] | None, scope: Mapping[str, Any] | None) -> set[str]:
    """The category keys asked for, given as keys or (the older form) as `covers_<key>` flags,
    where personal details are covered unless switched off."""
    if chosen is not None:
        return set(chosen)
    flags = dict(scope or {})
    flags.setdefault("covers_person", True)
    return catalogue.keys_from_scope(flags)


def _check_categories(keys: set[str]) -> None:
    problems = catalogue.scope_problems(keys)
    if problems:
        raise ValidationError({"categories": list(dict.fromkeys(problems.values()))})


def _check_period(valid_from: datetime.datetime, valid_until: datetime.datetime | None) -> None:
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": [_("The end must be after the start.")]})


def _check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": [_("State the purpose of the sharing.")]})
    return purpose


def is_child(person: Person) -> bool:
    """A child: a party in the role of child to any case."""
    return Party.objects.filter(person=person, role=PartyRole.CHILD).exists()


def _check_given_by(subject: Person, given_by: str, given_by_name: str) -> None:
    if given_by not in GivenBy.values:
        raise ValidationError({"given_by": [_("Choose who gave the consent.")]})
    child = is_child(subject)
    if child and given_by == GivenBy.SUBJECT:
        raise ValidationError(
            {"given_by": [_("For a child, say whether a guardian or the child gave consent.")]}
        )
    if not child and given_by != GivenBy.SUBJECT:
        raise ValidationError({"given_by": [_("An adult gives consent themself.")]})
    if given_by == GivenBy.GUARDIAN and not given_by_name.strip():
        raise ValidationError({"given_by_name": [_("Name the guardian who gave consent.")]})


def _check_how(consent_form: str, witness: str, signed_form: Upload | None) -> None:
    if consent_form not in ConsentForm.values:
        raise ValidationError({"consent_form": [_("Choose how the consent was given.")]})
    if consent_form == ConsentForm.ORAL and not witness.strip():
        raise ValidationError({"witness": [_("Name the witness to the oral consent.")]})
    if consent_form == ConsentForm.WRITTEN:
        if signed_form is None:
            raise ValidationError({"signed_form": [_("Attach the signed consent form.")]})
        check_upload(signed_form)


def check_upload(upload: Upload) -> None:
    magic = SIGNED_FORM_TYPES.get(upload.content_type)
    if magic is None or not upload.content.startswith(magic):
        raise ValidationError(
            {"signed_form": [_("The signed form must be a PDF, JPEG or PNG file.")]}
        )
    if len(upload.content) > SIGNED_FORM_MAX_BYTES:
        raise ValidationError({"signed_form": [_("The file is larger than 10 MB.")]})
    if not upload.content:
        raise ValidationError({"signed_form": [_("The file is empty.")]})


def _set_categories(basis: SharingBasis, keys: set[str]) -> None:
    for category in catalogue.CATEGORIES:
        setattr(basis, category.field, category.key in keys)


def _save_and_audit(actor: User, basis: SharingBasis, role: str, verb: str = "create") -> None:
    basis.full_clean(
        exclude=[
            "subject",
            "case",
            "recorded_by",
            "organisation",
            "recipient",
            "unit",
            "replaces",
            "mirror_of",
        ]
    )
    basis.save()
    record(
        actor=actor,
        verb=verb,
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=basis.subject_id,
        case_id=basis.case_id,
        purpose=basis.purpose,
        basis=basis.label(),
        acting_role=role,
        data={
            "categories": basis.category_keys(),
            "approval": basis.approval,
            "replaces": basis.replaces_id,
            "mirror_of": basis.mirror_of_id,
        },
    )


def _store_signed_form(actor: User, basis: SharingBasis, upload: Upload) -> None:
    SignedConsentForm.objects.create(
        basis=basis,
        file_name=upload.name[:200] or "samtycke",
        content_type=upload.content_type,
        size=len(upload.content),
        content=base64.b64encode(upload.content).decode(),
        uploaded_by=actor,
    )


# --- Consent -------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    actor: User,
    subject: Person,
    recipient: Organisation,
    purpose: str,
    consent_form: str,
    valid_until: datetime.datetime | None,
    categories: Iterable[str] | None = None,
    scope: Mapping[str, Any] | None = None,
    case: Case | None = None,
    valid_from: datetime.datetime | None = None,
    given_by: str = GivenBy.SUBJECT,
    given_by_name: str = "",
    witness: str = "",
    signed_form: Upload | None = None,
    both_ways: bool = False,
    acting_role: str = "",
    replaces: SharingBasis | None = None,
    replaces_mirror: SharingBasis | None = None,
) -> SharingBasis:
    """The person's consent to let the other agency see the scoped data (OSL 12 kap. 2 §).

    Structured: whose data (subject, optionally one case), given by whom, which categories, to
    which recipient, for what purpose, for which period, how given (written with the signed form,
    or oral with a witness). Categories are keys of igor/sharing/categories.py.

    Given in both directions (`both_ways`), it is recorded as two bases in this transaction: this
    one, and its mirror about the other agency's record of the same person (`counterpart_of`),
    from that agency to this one, with the same categories, purpose, period and giver, linked by
    `mirror_of`; withdrawing, narrowing or re-confirming either acts on both. Two plain bases
    keep the access policy to its one rule — a basis lets its recipient see its subject's rows
    of its organisation — so every visibility query, and every disclosure recorded under a
    basis about the disclosing agency's own row, stays as it is. Teaching the policy instead
    that one basis also opens the recipient's rows would put a join on identity numbers into
    every query of the policy and record the other direction's disclosures under a basis about
    somebody else's row. The mirror covers all the person's cases (a case is one agency's), so a
    consent limited to one case is given one way only.
    """
    _check_scope(actor, subject, recipient, case)
    keys = chosen_categories(categories, scope)
    _check_categories(keys)
    purpose = _check_purpose(purpose)
    start = valid_from or timezone.now()
    _check_period(start, valid_until)
    _check_given_by(subject, given_by, given_by_name)
    _check_how(consent_form, witness, signed_form)
    counterpart = _check_both_ways(subject, case) if both_ways else None
    basis = SharingBasis(
        kind=BasisKind.CONSENT,
        organisation_id=subject.organisation_id,
        recipient=recipient,
        unit_id=subject.unit_id,
        subject=subject,
        case=case,
        purpose=purpose,
        consent_form=consent_form,
        given_by=given_by,
        given_by_name=given_by_name.strip() if given_by == GivenBy.GUARDIAN else "",
        witness=witness.strip() if consent_form == ConsentForm.ORAL else "",
        both_ways=both_ways,
        valid_from=start,
        valid_until=valid_until,
        recorded_by=actor,
        replaces=replaces,
    )
    _set_categories(basis, keys)
    _save_and_audit(actor, basis, acting_role)
    if signed_form is not None and consent_form == ConsentForm.WRITTEN:
        _store_signed_form(actor, basis, signed_form)
    if counterpart is not None:
        _record_mirror(actor, basis, counterpart, acting_role, replaces_mirror)
    return basis


def counterpart_of(person: Person) -> Person | None:
    """The other agency's record of the same person in the same unit: the one with the same
    identity number (a number is used at most once per organisation), not merged away."""
    if not person.identity_number:
        return None
    unit = person.unit
    other = unit.social_services_id if person.organisation_id == unit.police_id else unit.police_id
    return (
        Person.objects.filter(
            organisation_id=other,
            unit_id=person.unit_id,
            identity_number=person.identity_number,
            merged_into__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def _check_both_ways(subject: Person, case: Case | None) -> Person:
    """The other agency's record the reverse direction is about. Saying whether it exists tells
    the recording agency no more than the consent being recorded lets the other agency share."""
    if case is not None:
        raise ValidationError(
            {"both_ways": [_("A consent in both directions covers all the person's cases.")]}
        )
    counterpart = counterpart_of(subject)
    if counterpart is None:
        raise ValidationError(
            {
                "both_ways": [
                    _(
                        "The other agency has no record of the person with the same identity "
                        "number: record the consent in this direction only."
                    )
                ]
            }
        )
    return counterpart


def _record_mirror(
    actor: User,
    basis: SharingBasis,
    counterpart: Person,
    role: str,
    replaces: SharingBasis | None,
) -> SharingBasis:
    """The same consent in the other direction: the other agency's record of the person, from
    that agency to this one (see record_consent)."""
    mirror = SharingBasis(
        kind=BasisKind.CONSENT,
        organisation_id=basis.recipient_id,
        recipient_id=basis.organisation_id,
        unit_id=basis.unit_id,
        subject=counterpart,
        purpose=basis.purpose,
        consent_form=basis.consent_form,
        given_by=basis.given_by,
        given_by_name=basis.given_by_name,
        witness=basis.witness,
        both_ways=True,
        valid_from=basis.valid_from,
        valid_until=basis.valid_until,
        recorded_by=actor,
        replaces=replaces,
        mirror_of=basis,
    )
    _set_categories(mirror, set(basis.category_keys()))
    _save_and_audit(actor, mirror, role)
    return mirror


def _partner(basis: SharingBasis) -> SharingBasis | None:
    """The other direction of a consent given both ways, while it is in force; else None."""
    if basis.mirror_of_id is not None:
        found = SharingBasis.objects.filter(pk=basis.mirror_of_id)
    else:
        found = SharingBasis.objects.filter(mirror_of=basis)
    return found.select_for_update().filter(withdrawn_at__isnull=True).first()


def _check_may_change(actor: User, basis: SharingBasis) -> SharingBasis:
    if (
        not actor.can(Cap.RECORD_SHARING)
        or actor.organisation_id != basis.organisation_id
        or basis.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    basis = SharingBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.withdrawn_at is not None:
        raise ValidationError({"basis": [_("It is already withdrawn.")]})
    return basis


def _end(basis: SharingBasis, actor: User, reason: str) -> None:
    basis.withdrawn_at = timezone.now()
    basis.withdrawn_by = actor
    basis.ended_reason = reason
    basis.save(update_fields=["withdrawn_at", "withdrawn_by", "ended_reason"])


@transaction.atomic
def narrow_basis(
    *, actor: User, basis: SharingBasis, categories: Iterable[str], acting_role: str = ""
) -> SharingBasis:
    """Share less from now on: a new basis with fewer categories replaces this one. Narrowing
    needs no new consent; widening does (record a new consent). A consent given both ways is
    narrowed in both directions, and the two narrower bases are linked again."""
    basis = _check_may_change(actor, basis)
    if basis.approval == Approval.REFUSED:
        raise ValidationError({"basis": [_("A refused disclosure cannot be narrowed.")]})
    keys = set(categories)
    _check_categories(keys)
    if not keys < set(basis.category_keys()):
        raise ValidationError(
            {"categories": [_("Narrowing can only remove categories; record a new consent.")]}
        )
    partner = _partner(basis)
    narrower = _narrow_one(actor, basis, keys, acting_role)
    if partner is not None:
        other = _narrow_one(actor, partner, keys & set(partner.category_keys()), acting_role)
        first, second = (other, narrower) if basis.mirror_of_id else (narrower, other)
        second.mirror_of = first
        second.save(update_fields=["mirror_of"])
    return narrower


def _narrow_one(actor: User, basis: SharingBasis, keys: set[str], acting_role: str) -> SharingBasis:
    _end(basis, actor, EndReason.NARROWED)
    details = basis.details  # decrypted here; sealed again under the new row's own key
    narrower = SharingBasis.objects.get(pk=basis.pk)
    narrower.pk = None
    narrower.data_key = None  # type: ignore[attr-defined]
    narrower.details = details
    narrower.replaces = basis
    narrower.mirror_of = None  # linked to the narrowed other direction by the caller
    narrower.withdrawn_at, narrower.withdrawn_by, narrower.ended_reason = None, None, ""
    # Who recorded the consent stays its recorder (and so never its approver); who narrowed it
    # is the withdrawer of the old one and the actor of the audit event.
    narrower.recorded_at = timezone.now()
    narrower.valid_from = max(basis.valid_from, narrower.recorded_at)
    if narrower.valid_until is not None and narrower.valid_until <= narrower.valid_from:
        raise ValidationError({"basis": [_("It has expired; there is nothing to narrow.")]})
    # It keeps the approval state and decision of the basis it narrows: sharing less needs no
    # new approval.
    _set_categories(narrower, keys)
    _save_and_audit(actor, narrower, acting_role)
    return narrower


@transaction.atomic
def reconfirm_consent(
    *,
    actor: User,
    basis: SharingBasis,
    purpose: str,
    consent_form: str,
    valid_until: datetime.datetime | None,
    witness: str = "",
    signed_form: Upload | None = None,
    acting_role: str = "",
) -> SharingBasis:
    """A new purpose needs the person's consent again: the re-confirmed consent replaces the
    old one, which ends now."""
    basis = _check_may_change(actor, basis)
    if basis.kind != BasisKind.CONSENT:
        raise ValidationError({"basis": [_("Only a consent is re-confirmed.")]})
    if purpose.strip() == basis.purpose:
        raise ValidationError({"purpose": [_("The purpose is the same; nothing to re-confirm.")]})
    partner = _partner(basis)
    _end(basis, actor, EndReason.PURPOSE_CHANGED)
    if partner is not None:
        _end(partner, actor, EndReason.PURPOSE_CHANGED)
    return record_consent(
        actor=actor,
        subject=basis.subject,
        recipient=basis.recipient,
        purpose=purpose,
        consent_form=consent_form,
        valid_until=valid_until,
        categories=basis.category_keys(),
        case=basis.case,
        given_by=basis.given_by,
        given_by_name=basis.given_by_name,
        witness=witness,
        signed_form=signed_form,
        both_ways=partner is not None,
        acting_role=acting_role,
        replaces=basis,
        replaces_mirror=partner,
    )


@transaction.atomic
def withdraw_basis(*, actor: User, basis: SharingBasis, acting_role: str = "") -> SharingBasis:
    """End a basis now: access ends at the next request. What was disclosed under it stays in the
    disclosure register (A3). A consent given both ways is withdrawn in both directions."""
    basis = _check_may_change(actor, basis)
    partner = _partner(basis)
    _withdraw_one(actor, basis, acting_role)
    if partner is not None:
        _withdraw_one(actor, partner, acting_role)
    return basis


def _withdraw_one(actor: User, basis: SharingBasis, acting_role: str) -> None:
    _end(basis, actor, EndReason.WITHDRAWN)
    record(
        actor=actor,
        verb="withdraw",
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=basis.subject_id,
        case_id=basis.case_id,
        purpose="withdraw basis",
        basis=basis.label(),
        acting_role=acting_role,
    )


# --- Statutory disclosures -------------------------------------------------------------------------


def _check_ground(
    key: str,
    subject: Person,
    recipient: Organisation,
    conditions: Mapping[str, bool],
    details: Mapping[str, str],
) -> tuple[Any, dict[str, str]]:
    rule = find_ground(key)
    if rule is None:
        raise ValidationError({"ground": [_("Choose a ground from the list.")]})
    if not rule.allows(subject.organisation.kind, recipient.kind):
        raise ValidationError(
            {"ground": [_("This ground does not allow disclosure in this direction.")]}
        )
    if any(not conditions.get(item.key) for item in rule.conditions):
        raise ValidationError(
            {"conditions": [_("Every condition of the ground must be confirmed.")]}
        )
    filled = {item.key: str(details.get(item.key) or "").strip() for item in rule.fields}
    missing = [item.key for item in rule.fields if not filled[item.key]]
    if missing:
        raise ValidationError(
            {f"detail_{key}": [_("This ground needs this filled in.")] for key in missing}
        )
    return rule, filled


@transaction.atomic
def record_statutory_basis(
    *,
    actor: User,
    subject: Person,
    recipient: Organisation,
    ground: str,
    conditions: Mapping[str, bool],
    purpose: str,
    valid_until: datetime.datetime | None,
    details: Mapping[str, str] | None = None,
    categories: Iterable[str] | None = None,
    scope: Mapping[str, Any] | None = None,
    case: Case | None = None,
    acting_role: str = "",
) -> SharingBasis:
    """A disclosure under a ground from the closed list: every condition confirmed, every field
    it requires filled in. A ground that needs approval shows nothing until a unit lead other
    than the requester approves it."""
    _check_scope(actor, subject, recipient, case)
    keys = chosen_categories(categories, scope)
    _check_categories(keys)
    rule, filled = _check_ground(ground, subject, recipient, conditions, details or {})
    purpose = _check_purpose(purpose)
    start = timezone.now()
    _check_period(start, valid_until)
    basis = SharingBasis(
        kind=BasisKind.STATUTORY,
        organisation_id=subject.organisation_id,
        recipient=recipient,
        unit_id=subject.unit_id,
        subject=subject,
        case=case,
        purpose=purpose,
        ground=rule.key,
        conditions={item.key: True for item in rule.conditions},
        details=json.dumps(filled, ensure_ascii=False) if filled else "",
        approval=Approval.PENDING if rule.needs_approval else Approval.NOT_NEEDED,
        valid_from=start,
        valid_until=valid_until,
        recorded_by=actor,
    )
    _set_categories(basis, keys)
    _save_and_audit(actor, basis, acting_role)
    return basis


@transaction.atomic
def decide_basis(
    *, actor: User, basis: SharingBasis, approve: bool, note: str = "", acting_role: str = ""
) -> SharingBasis:
    """The unit lead approves or refuses a pending disclosure of the unit. The requester cannot
    decide their own request. (The joint unit has one lead, who may belong to either agency; the
    second pair of eyes is what the rule asks for.)"""
    if not actor.can(Cap.APPROVE_DISCLOSURE) or basis.unit_id not in actor.unit_ids():
        raise PermissionDenied
    basis = SharingBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.approval != Approval.PENDING:
        raise ValidationError({"basis": [_("This disclosure is not awaiting a decision.")]})
    if basis.recorded_by_id == actor.pk:
        raise ValidationError(
            {"basis": [_("Somebody else must approve a disclosure you requested.")]}
        )
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Say why the disclosure is refused.")]})
    basis.approval = Approval.APPROVED if approve else Approval.REFUSED
    basis.decided_by, basis.decided_at = actor, timezone.now()
    basis.decision_note = note.strip()[:500]
    basis.save(update_fields=["approval", "decided_by", "decided_at", "decision_note"])
    record(
        actor=actor,
        verb="update",
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=basis.subject_id,
        case_id=basis.case_id,
        purpose="decide disclosure",
        basis=basis.label(),
        acting_role=acting_role,
        data={"approval": basis.approval},
    )
    return basis


# --- Emergency access ------------------------------------------------------------------------------


@transaction.atomic
def break_the_glass(
    *, actor: User, object_type: str, object_id: int, reason: str, acting_role: str = ""
) -> BreakGlassGrant:
    """Emergency access to one person or case outside the normal rules (A7), flagged for review."""
    if not actor.can(Cap.BREAK_GLASS):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Describe the emergency in at least a sentence.")]})
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        granted_at=now,
        expires_at=now + BREAK_GLASS_DURATION,
    )
    record(
        actor=actor,
        verb="break_glass",
        object_type=object_type,
        object_id=object_id,
        person_id=object_id if object_type == "person" else None,
        case_id=object_id if object_type == "case" else None,
        purpose=reason[:200],
        acting_role=acting_role,
        break_glass=True,
    )
    return grant


# --- Reports of concern about children (orosanmälan) ---------------------------------------------


def _audit_report(actor: User, report: ReportOfConcern, verb: str, role: str) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type="report_of_concern",
        object_id=report.pk,
        person_id=report.child_id,
        case_id=report.case_id,
        purpose="report of concern about a child",
        basis=report.basis.label() if report.basis else "",
        acting_role=role,
        data={"status": report.status},
    )


@transaction.atomic
def draft_report_of_concern(
    *,
    actor: User,
    case: Case,
    child: Person,
    concern: str,
    justification: str,
    incident: Incident | None = None,
    acting_role: str = "",
) -> ReportOfConcern:
    """The police draft a report of concern about a child who is a party to their case."""
    if (
        not actor.can(Cap.RECORD_SHARING)
        or actor.organisation_id != case.organisation_id
        or case.unit_id not in actor.unit_ids()
        or case.organisation.kind != "police"
    ):
        raise PermissionDenied
    if not Party.objects.filter(case=case, person=child, role=PartyRole.CHILD).exists():
        raise ValidationError({"child": [_("Choose a child who is a party to the case.")]})
    if incident is not None and incident.case_id != case.pk:
        raise ValidationError({"incident": [_("The incident belongs to another case.")]})
    errors = {}
    if not concern.strip():
        errors["concern"] = [_("Describe what the police know or suspect.")]
    if not justification.strip():
        errors["justification"] = [_("Give the justification in this individual case.")]
    if errors:
        raise ValidationError(errors)
    unit = case.unit
    report = ReportOfConcern.objects.create(
        organisation_id=case.organisation_id,
        unit=unit,
        recipient_id=unit.social_services_id,
        case=case,
        child=child,
        incident=incident,
        concern=concern.strip(),
        justification=justification.strip(),
        child_witnessed=bool(incident and (incident.children_saw or incident.children_heard)),
        created_by=actor,
    )
    _audit_report(actor, report, "create", acting_role)
    return report


@transaction.atomic
def send_report_of_concern(
    *,
    actor: User,
    report: ReportOfConcern,
    categories: Iterable[str] = CONCERN_CATEGORIES,
    acting_role: str = "",
) -> ReportOfConcern:
    """Send the report: stamped with the time and the reporter, and the statutory basis
    (orosanmälan, no consent needed, no approval: it goes "at once") that lets social services
    see the child and the case is recorded with it."""
    if (
        not actor.can(Cap.RECORD_SHARING)
        or actor.organisation_id != report.organisation_id
        or report.unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied
    report = ReportOfConcern.objects.select_for_update().get(pk=report.pk)
    if report.status != ConcernStatus.DRAFT:
        raise ValidationError({"report": [_("The report has already been sent.")]})
    basis = record_statutory_basis(
        actor=actor,
        subject=report.child,
        recipient=report.recipient,
        ground=StatutoryGround.OROSANMALAN,
        conditions={"child": True, "concern": True, "individual": True},
        details={"justification": report.justification},
        purpose=_("Report of concern about a child"),
        valid_until=None,
        categories=categories,
        case=report.case,
        acting_role=acting_role,
    )
    report.status = ConcernStatus.SENT
    report.sent_at, report.sent_by, report.basis = timezone.now(), actor, basis
    report.save(update_fields=["status", "sent_at", "sent_by", "basis"])
    _audit_report(actor, report, "update", acting_role)
    return report


def _check_recipient(actor: User, report: ReportOfConcern) -> ReportOfConcern:
    if (
        not actor.can(Cap.RECORD_SHARING)
        or actor.organisation_id != report.recipient_id
        or report.unit_id not in actor.unit_ids()
        or report.status == ConcernStatus.DRAFT
    ):
        raise PermissionDenied
    return ReportOfConcern.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def receive_report_of_concern(
    *, actor: User, report: ReportOfConcern, acting_role: str = ""
) -> ReportOfConcern:
    """Social services take the report from the unit's queue; feedback to the reporter is due
    within the configured number of days."""
    report = _check_recipient(actor, report)
    if report.status != ConcernStatus.SENT:
        raise ValidationError({"report": [_("The report has already been received.")]})
    now = timezone.now()
    report.status = ConcernStatus.RECEIVED
    report.received_at, report.received_by = now, actor
    report.response_due = timezone.localdate(now) + datetime.timedelta(
        days=settings.CONCERN_FEEDBACK_DAYS
    )
    report.save(update_fields=["status", "received_at", "received_by", "response_due"])
    _audit_report(actor, report, "update", acting_role)
    return report


@transaction.atomic
def respond_to_report_of_concern(
    *, actor: User, report: ReportOfConcern, response: str, acting_role: str = ""
) -> ReportOfConcern:
    """Social services' feedback to the reporter (whether an investigation is opened, …)."""
    report = _check_recipient(actor, report)
    if report.status != ConcernStatus.RECEIVED:
        raise ValidationError({"report": [_("Receive the report before giving feedback.")]})
    if not response.strip():
        raise ValidationError({"response": [_("Write the feedback to the reporter.")]})
    report.status = ConcernStatus.RESPONDED
    report.response = response.strip()
    report.responded_at, report.responded_by = timezone.now(), actor
    report.save(update_fields=["status", "response", "responded_at", "responded_by"])
    _audit_report(actor, report, "update", acting_role)
    return report
