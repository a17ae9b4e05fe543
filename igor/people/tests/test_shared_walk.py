"""The name search across the wall walks the other agency's name index in batches (keyset
paging); the persons a basis covers come back in name order however far apart they lie."""

from __future__ import annotations

import pytest

from igor.people.access import search_persons
from igor.people.models import Person
from igor.sharing import actions as sharing
from igor.sharing import policy
from tests.builders import make_person
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_covered_persons_far_apart_in_the_walk_are_all_found_in_order(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policy, "_WALK_BATCH", 2)
    monkeypatch.setattr(policy, "_WALK_BATCH_MAX", 4)
    # Equal names too, so that the id decides the order inside a name.
    names = ["Anna", "Anna", "Bo", "Cia", "Cia", "Dan", "Eva", "Eva", "Fia", "Gun", "Gun"]
    persons = [
        make_person(personas.police_a, first_name=given, last_name="Vandring") for given in names
    ]
    covered = [persons[1], persons[4], persons[8], persons[10]]
    for person in covered:
        sharing.record_consent(
            actor=personas.police_a,
            subject=person,
            recipient=personas.social_org_a,
            purpose="support",
            consent_form="oral",
            witness="Sara Holm",
            scope={"covers_person": True},
            valid_until=None,
        )
    found = search_persons(personas.social_a, "Vandring").items
    assert [person.pk for person in found] == [person.pk for person in covered]
    scope = policy.scope_for(personas.social_a)
    first_two = policy.shared_person_ids(scope, lambda rows: rows.order_by("search_name", "id"), 2)
    assert first_two == [covered[0].pk, covered[1].pk]


def test_a_walk_must_end_with_the_id(personas: Personas) -> None:
    make_person(personas.police_a, last_name="Vandring")
    scope = policy.scope_for(personas.social_a)
    with pytest.raises(ValueError):
        policy.shared_person_ids(scope, lambda rows: rows.order_by("search_name"), 5)


def _consent(personas: Personas, person: Person) -> None:
    sharing.record_consent(
        actor=personas.police_a,
        subject=person,
        recipient=personas.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Sara Holm",
        scope={"covers_person": True},
        valid_until=None,
    )


def test_a_full_page_of_own_rows_bounds_the_walk_and_the_pages_stay_right(
    personas: Personas,
) -> None:
    own = [
        make_person(personas.social_a, first_name=f"B{number:02d}", last_name="Vandring")
        for number in range(26)
    ]
    before = make_person(personas.police_a, first_name="A", last_name="Vandring")
    after = make_person(personas.police_a, first_name="C", last_name="Vandring")
    _consent(personas, before)
    _consent(personas, after)
    first = search_persons(personas.social_a, "Vandring", 1)
    assert [p.pk for p in first.items] == [before.pk] + [p.pk for p in own[:24]]
    assert first.has_next
    second = search_persons(personas.social_a, "Vandring", 2)
    assert [p.pk for p in second.items] == [p.pk for p in own[24:]] + [after.pk]
    assert not second.has_next
