"""Recording, withdrawing and using sharing bases. Keyword-only, atomic, audited.

The pages for consent come with the sharing capability; these actions are what the policy obeys.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Organisation, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Party
from igor.people.models import Person
from igor.sharing.grounds import GROUNDS
from igor.sharing.models import BasisKind, BreakGlassGrant, SharingBasis

BREAK_GLASS_DURATION = datetime.timedelta(hours=2)
SCOPE_FIELDS = ("covers_person", "covers_cases", "covers_incidents", "covers_journal")


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


def _create(actor: User, basis: SharingBasis, scope: Mapping[str, Any], role: str) -> SharingBasis:
    for name in SCOPE_FIELDS:
        setattr(basis, name, bool(scope.get(name, name == "covers_person")))
    if not any(getattr(basis, name) for name in SCOPE_FIELDS):
        raise ValidationError({"covers_person": [_("Choose at least one category.")]})
    basis.full_clean(
        exclude=["subject", "case", "recorded_by", "organisation", "recipient", "unit"]
    )
    basis.save()
    record(
        actor=actor,
        verb="create",
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=basis.subject_id,
        case_id=basis.case_id,
        purpose=basis.purpose,
        basis=basis.label(),
        acting_role=role,
        data={name: getattr(basis, name) for name in SCOPE_FIELDS},
    )
    return basis


@transaction.atomic
def record_consent(
    *,
    actor: User,
    subject: Person,
    recipient: Organisation,
    purpose: str,
    consent_form: str,
    scope: Mapping[str, Any],
    valid_until: datetime.datetime | None,
    case: Case | None = None,
    valid_from: datetime.datetime | None = None,
    acting_role: str = "",
) -> SharingBasis:
    """The person's consent to let the other agency see the scoped data (OSL 12 kap. 2 §)."""
    _check_scope(actor, subject, recipient, case)
    basis = SharingBasis(
        kind=BasisKind.CONSENT,
        organisation_id=subject.organisation_id,
        recipient=recipient,
        unit_id=subject.unit_id,
        subject=subject,
        case=case,
        purpose=purpose,
        consent_form=consent_form,
        valid_from=valid_from or timezone.now(),
        valid_until=valid_until,
        recorded_by=actor,
    )
    return _create(actor, basis, scope, acting_role)


@transaction.atomic
def record_statutory_basis(
    *,
    actor: User,
    subject: Person,
    recipient: Organisation,
    ground: str,
    conditions: Mapping[str, bool],
    purpose: str,
    scope: Mapping[str, Any],
    valid_until: datetime.datetime | None,
    case: Case | None = None,
    acting_role: str = "",
) -> SharingBasis:
    """A disclosure under a ground from the closed list, every condition confirmed."""
    _check_scope(actor, subject, recipient, case)
    rule = GROUNDS.get(ground)
    if rule is None:
        raise ValidationError({"ground": [_("Choose a ground from the list.")]})
    if (subject.organisation.kind, recipient.kind) != (rule.from_kind, rule.to_kind):
        raise ValidationError(
            {"ground": [_("This ground does not allow disclosure in this direction.")]}
        )
    missing = [key for key, _text in rule.conditions if not conditions.get(key)]
    if missing:
        raise ValidationError(
            {"conditions": [_("Every condition of the ground must be confirmed.")]}
        )
    basis = SharingBasis(
        kind=BasisKind.STATUTORY,
        organisation_id=subject.organisation_id,
        recipient=recipient,
        unit_id=subject.unit_id,
        subject=subject,
        case=case,
        purpose=purpose,
        ground=ground,
        conditions={key: True for key, _text in rule.conditions},
        valid_until=valid_until,
        recorded_by=actor,
    )
    return _create(actor, basis, scope, acting_role)


@transaction.atomic
def withdraw_basis(*, actor: User, basis: SharingBasis, acting_role: str = "") -> SharingBasis:
    """End a basis now. What was disclosed under it stays in the disclosure register (A3)."""
    if not actor.can(Cap.RECORD_SHARING) or actor.organisation_id != basis.organisation_id:
        raise PermissionDenied
    basis = SharingBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.withdrawn_at is not None:
        raise ValidationError({"basis": [_("It is already withdrawn.")]})
    basis.withdrawn_at = timezone.now()
    basis.withdrawn_by = actor
    basis.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(
        actor=actor,
        verb="withdraw",
        object_type="sharing_basis",
        object_id=basis.pk,
        person_id=basis.subject_id,
        purpose="withdraw basis",
        basis=basis.label(),
        acting_role=acting_role,
    )
    return basis


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
