"""Demo data for matching: the match index, a few look-alike records to review as duplicates,
and a person using violence who comes back with a new partner (a repeat-perpetrator alert)."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction

from igor.accounts.models import User
from igor.cases.actions import add_party, open_case
from igor.cases.models import Party, PartyRole
from igor.people.actions import register_person, store_duplicate_pairs
from igor.people.matching import duplicate_pairs, rebuild_index
from igor.people.models import MatchKey, Person

OFFICER = "polis.sodermalm"
LOOK_ALIKES = 6


def load(seed: int, progress: Callable[[str], None]) -> None:
    keys = rebuild_index()
    progress(f"Match index: {keys:,} keys.")
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        return
    rng = random.Random(seed)
    with transaction.atomic():
        _look_alikes(officer, rng)
        _repeat_perpetrator(officer)
    for organisation_id, unit_id in sorted(
        set(MatchKey.objects.values_list("organisation_id", "unit_id").distinct())
    ):
        found = list(duplicate_pairs(organisation_id, unit_id))
        store_duplicate_pairs(
            actor=None,
            actor_label="igor demo",
            organisation_id=organisation_id,
            unit_id=unit_id,
            found=found,
        )
    progress("Duplicate pairs and a repeat-perpetrator alert added.")


def _own(officer: User) -> list[Person]:
    unit = officer.units.get()
    people = Person.objects.filter(organisation=officer.organisation, unit=unit, protection="")
    return list(people.order_by("pk")[:200])


def _look_alikes(officer: User, rng: random.Random) -> None:
    """The same people registered a second time with the slips real registers have."""
    for person in rng.sample(_own(officer), LOOK_ALIKES):
        first = person.first_name
        typo = first[:-2] + first[-1] + first[-2] if len(first) > 3 else first
        register_person(
            actor=officer,
            unit=person.unit,
            details={
                "first_name": typo,
                "last_name": person.last_name,
                "identity_kind": "none",
                "identity_number": "",
                "birth_date": person.birth_date,
                "street_address": person.street_address,
                "postal_code": person.postal_code,
                "city": person.city,
            },
        )


def _repeat_perpetrator(officer: User) -> None:
    unit = officer.units.get()
    earlier = (
        Party.objects.filter(
            role=PartyRole.PERPETRATOR,
            case__organisation=officer.organisation,
            case__unit=unit,
            person__protection="",
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if earlier is None:
        return
    partner = register_person(
        actor=officer,
        unit=unit,
        details={
            "first_name": "Nora",
            "last_name": "Nyström",
            "identity_kind": "none",
            "identity_number": "",
        },
    )
    case = open_case(
        actor=officer,
        unit=unit,
        details={"title": "Hot och misshandel mot ny partner"},
    )
    add_party(actor=officer, case=case, person=partner, role=PartyRole.VICTIM)
    add_party(actor=officer, case=case, person=earlier.person, role=PartyRole.PERPETRATOR)
