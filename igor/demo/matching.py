"""Demo data for matching: the match index, a few look-alike records to review as duplicates,
and a person using violence who comes back with a new partner (a repeat-perpetrator alert)."""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction

from igor.accounts.models import User
from igor.cases.actions import add_party, open_case
from igor.cases.models import Party, PartyRole
from igor.lib.identity import normalise_name
from igor.people.actions import store_duplicate_pairs
from igor.people.matching import duplicate_pairs, index_person, rebuild_index
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
    """A few persons turned into second records of others, with the slips real registers have
    (the demo keeps its number of persons)."""
    own = _own(officer)
    if len(own) < 4 * LOOK_ALIKES:
        return
    picked = rng.sample(own, 2 * LOOK_ALIKES)
    for original, copy in zip(picked[::2], picked[1::2], strict=True):
        first = original.first_name
        copy.first_name = first[:-2] + first[-1] + first[-2] if len(first) > 3 else first
        copy.last_name = original.last_name
        copy.search_name = normalise_name(f"{copy.last_name} {copy.first_name}")
        copy.identity_kind, copy.identity_number = "none", ""
        copy.birth_date = original.birth_date
        copy.street_address = original.street_address
        copy.postal_code = original.postal_code
        copy.save()
        index_person(copy)


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
    before = Party.objects.filter(case_id=earlier.case_id).values("person_id")
    partner = (
        Person.objects.filter(organisation=officer.organisation, unit=unit, protection="")
        .exclude(pk__in=before)
        .order_by("pk")
        .first()
    )
    if partner is None:
        return
    case = open_case(
        actor=officer,
        unit=unit,
        details={"title": "Hot och misshandel mot ny partner"},
    )
    add_party(actor=officer, case=case, person=partner, role=PartyRole.VICTIM)
    add_party(actor=officer, case=case, person=earlier.person, role=PartyRole.PERPETRATOR)
