"""Every write to persons. Keyword-only, atomic, audited in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.lib.identity import InvalidIdentityNumber, birth_date, normalise, normalise_name
from igor.people.models import Person

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "identity_kind",
    "identity_number",
    "birth_date",
    "gender",
    "gender_description",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protection",
)


def _apply(person: Person, details: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in PERSON_FIELDS:
        if name in details and getattr(person, name) != details[name]:
            setattr(person, name, details[name])
            changed.append(name)
    errors: dict[str, list[str]] = {}
    try:
        person.identity_number = normalise(person.identity_kind, person.identity_number)
    except InvalidIdentityNumber as exc:
        errors["identity_number"] = [str(exc)]
    derived = birth_date(person.identity_kind, person.identity_number) if not errors else None
    if derived and person.birth_date and person.birth_date != derived:
        errors["birth_date"] = [_("The date of birth does not match the identity number.")]
    person.birth_date = person.birth_date or derived
    if person.birth_date and person.birth_date > timezone.localdate():
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    if person.gender != "self_described":
        person.gender_description = ""
    if not person.interpreter_needed:
        person.interpreter_language = ""
    person.search_name = normalise_name(f"{person.last_name} {person.first_name}")
    if errors:
        raise ValidationError(errors)
    person.full_clean(exclude=["created_by", "organisation", "unit"])
    return changed


def _require_case_work(actor: User, unit: Unit) -> None:
    if not actor.can(Cap.EDIT_CASE_DATA) or unit.pk not in actor.unit_ids():
        raise PermissionDenied


@transaction.atomic
def register_person(
    *, actor: User, unit: Unit, details: Mapping[str, Any], acting_role: str = ""
) -> Person:
    """Register a person in the actor's organisation and the given unit."""
    _require_case_work(actor, unit)
    assert actor.organisation is not None
    person = Person(organisation=actor.organisation, unit=unit, created_by=actor)
    _apply(person, details)
    person.save()
    record(
        actor=actor,
        verb="create",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose="register person",
        acting_role=acting_role,
        data={"protected": person.is_protected},
    )
    return person


@transaction.atomic
def update_person(
    *, actor: User, person: Person, details: Mapping[str, Any], acting_role: str = ""
) -> Person:
    """Change a person's details. The caller has loaded the person with for_edit=True."""
    _require_case_work(actor, person.unit)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = _apply(person, details)
    person.updated_at = timezone.now()
    person.save()
    record(
        actor=actor,
        verb="update",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose="update person",
        acting_role=acting_role,
        data={"fields": changed},
    )
    return person


@transaction.atomic
def reveal_protected_details(
    *, actor: User, person: Person, reason: str, acting_role: str = ""
) -> datetime.datetime:
    """Record that the actor opened a protected person's address and phone, and why (A5)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you need the protected details.")]})
    event = record(
        actor=actor,
        verb="reveal",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose=reason.strip()[:200],
        acting_role=acting_role,
        data={"fields": ["phone", "email", "street_address", "postal_code", "city"]},
    )
    return event.at
