"""Every write to cases, parties, incidents and the journal. Keyword-only, atomic, audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import (
    Case,
    CaseStatus,
    Incident,
    JournalEntry,
    Party,
    Relation,
    ViolenceKind,
)
from igor.people import repeat
from igor.people.models import Person

CASE_FIELDS = ("title", "summary", "status", "owner")
INCIDENT_FIELDS = (
    "occurred_at",
    "kinds",
    "place",
    "police_report_number",
    "children_present",
    "children_saw",
    "children_heard",
    "weapon",
    "weapon_description",
    "strangulation",
    "injuries",
    "description",
)


def _require_own(actor: User, organisation_id: int, unit_id: int) -> None:
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != organisation_id
        or unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied


def _check_owner(case: Case) -> None:
    owner = case.owner
    if owner is not None and (
        owner.organisation_id != case.organisation_id
        or case.unit_id not in owner.unit_ids()
        or not owner.can(Cap.EDIT_CASE_DATA)
    ):
        raise ValidationError({"owner": [_("The owner must work with cases in this unit.")]})


def _audit(
    actor: User,
    verb: str,
    obj_type: str,
    obj_id: int,
    case_id: int,
    role: str,
    purpose: str,
    data: dict[str, Any] | None = None,
) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type=obj_type,
        object_id=obj_id,
        case_id=case_id,
        purpose=purpose,
        acting_role=role,
        data=data or {},
    )


@transaction.atomic
def open_case(
    *, actor: User, unit: Unit, details: Mapping[str, Any], acting_role: str = ""
) -> Case:
    """Open a case in the actor's organisation and the given unit."""
    assert actor.organisation_id is not None
    _require_own(actor, actor.organisation_id, unit.pk)
    now = timezone.now()
    case = Case(
        organisation_id=actor.organisation_id,
        unit=unit,
        created_by=actor,
        opened_at=now,
        updated_at=now,
        owner=details.get("owner") or actor,
        title=details.get("title", ""),
        summary=details.get("summary", ""),
        reference=f"tmp-{now.timestamp()}-{actor.pk}",
    )
    _check_owner(case)
    case.full_clean(exclude=["reference", "created_by", "organisation", "unit", "owner"])
    case.save()
    case.reference = f"{now:%Y}-{case.pk:07d}"
    case.save(update_fields=["reference"])
    _audit(actor, "create", "case", case.pk, case.pk, acting_role, "open case")
    return case


@transaction.atomic
def update_case(
    *, actor: User, case: Case, details: Mapping[str, Any], acting_role: str = ""
) -> Case:
    """Change title, summary, status or owner. Closing stamps the date; reopening clears it."""
    _require_own(actor, case.organisation_id, case.unit_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    changed = [n for n in CASE_FIELDS if n in details and getattr(case, n) != details[n]]
    for name in changed:
        setattr(case, name, details[name])
    if case.status == CaseStatus.CLOSED and case.closed_at is None:
        case.closed_at = timezone.now()
    elif case.status != CaseStatus.CLOSED:
        case.closed_at = None
    _check_owner(case)
    case.full_clean(exclude=["created_by", "organisation", "unit", "owner"])
    case.updated_at = timezone.now()
    case.save()
    _audit(
        actor, "update", "case", case.pk, case.pk, acting_role, "update case", {"fields": changed}
    )
    return case


@transaction.atomic
def add_party(
    *, actor: User, case: Case, person: Person, role: str, acting_role: str = ""
) -> Party:
    """Add a person of the case's own organisation and unit to the case."""
    _require_own(actor, case.organisation_id, case.unit_id)
    if person.organisation_id != case.organisation_id or person.unit_id != case.unit_id:
        raise ValidationError({"person": [_("The person must be registered in the same unit.")]})
    if Party.objects.filter(case=case, person=person).exists():
        raise ValidationError({"person": [_("The person is already a party to this case.")]})
    party = Party(case=case, person=person, role=role)
    party.full_clean(exclude=["case", "person"])
    party.save()
    _touch(case)
    record(
        actor=actor,
        verb="create",
        object_type="party",
        object_id=party.pk,
        case_id=case.pk,
        person_id=person.pk,
        purpose="add party",
        acting_role=acting_role,
        data={"role": role},
    )
    repeat.party_added(actor=actor, party=party, acting_role=acting_role)
    return party


@transaction.atomic
def relate_parties(
    *,
    actor: User,
    case: Case,
    from_party: Party,
    to_party: Party,
    kind: str,
    acting_role: str = "",
) -> Relation:
    """Record that `from_party` is `kind` of `to_party` (e.g. former partner)."""
    _require_own(actor, case.organisation_id, case.unit_id)
    if from_party.case_id != case.pk or to_party.case_id != case.pk:
        raise ValidationError({"to_party": [_("Both parties must belong to this case.")]})
    if from_party.pk == to_party.pk:
        raise ValidationError({"to_party": [_("Choose two different parties.")]})
    if Relation.objects.filter(from_party=from_party, to_party=to_party).exists():
        raise ValidationError({"to_party": [_("This relation is already recorded.")]})
    relation = Relation(case=case, from_party=from_party, to_party=to_party, kind=kind)
    relation.full_clean(exclude=["case", "from_party", "to_party"])
    relation.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "relation",
        relation.pk,
        case.pk,
        acting_role,
        "relate parties",
        {"kind": kind},
    )
    return relation


def _validate_incident(incident: Incident) -> None:
    errors: dict[str, list[str]] = {}
    if incident.occurred_at and incident.occurred_at > timezone.now():
        errors["occurred_at"] = [_("An incident cannot be in the future.")]
    kinds = incident.kinds if isinstance(incident.kinds, list) else []
    if not kinds or any(kind not in ViolenceKind.values for kind in kinds):
        errors["kinds"] = [_("Choose at least one kind of violence.")]
    if not incident.weapon:
        incident.weapon_description = ""
    if errors:
        raise ValidationError(errors)
    incident.full_clean(exclude=["case", "created_by"])


@transaction.atomic
def record_incident(
    *, actor: User, case: Case, details: Mapping[str, Any], acting_role: str = ""
) -> Incident:
    """Record an incident of violence in the case."""
    _require_own(actor, case.organisation_id, case.unit_id)
    incident = Incident(case=case, created_by=actor)
    for name in INCIDENT_FIELDS:
        if name in details:
            setattr(incident, name, details[name])
    _validate_incident(incident)
    incident.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "incident",
        incident.pk,
        case.pk,
        acting_role,
        "record incident",
        {"kinds": incident.kinds},
    )
    repeat.incident_recorded(actor=actor, case=case, acting_role=acting_role)
    return incident


@transaction.atomic
def write_journal_entry(
    *,
    actor: User,
    case: Case,
    text: str,
    corrects: JournalEntry | None = None,
    acting_role: str = "",
) -> JournalEntry:
    """Append a note. A correction names the entry it corrects; nothing is ever overwritten."""
    _require_own(actor, case.organisation_id, case.unit_id)
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError({"corrects": [_("You can only correct an entry in this case.")]})
    entry = JournalEntry(case=case, author=actor, text=text.strip(), corrects=corrects)
    entry.full_clean(exclude=["case", "author", "corrects"])
    entry.save()
    _touch(case)
    _audit(
        actor,
        "create",
        "journal_entry",
        entry.pk,
        case.pk,
        acting_role,
        "write journal entry",
        {"corrects": corrects.pk if corrects else None},
    )
    return entry


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
