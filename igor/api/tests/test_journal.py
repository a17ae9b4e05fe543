"""journal_list, journal_create, journal_detail."""

from __future__ import annotations

from typing import Any

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api, count_queries
from igor.audit.models import AuditEvent, Disclosure
from igor.cases.models import Case, JournalEntry
from tests.personas import Personas


def _list(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/journal"


def _shared_case(personas: Personas, **scope: bool) -> Case:
    victim = make.person(personas.police_a, last_name="Utsatt")
    case = make.case(personas.police_a)
    make.party(personas.police_a, case, victim)
    make.entry(personas.police_a, case, "Förhör hållet.")
    make.consent(personas.police_a, victim, personas.social_org_a, {"covers_person": True, **scope})
    return case


# --- journal_list ----------------------------------------------------------------------------


def test_it_lists_the_journal_newest_first_and_records_the_read(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.social_a)
    first = make.entry(personas.social_a, case, "Första anteckningen.")
    second = make.entry(personas.social_a, case, "Andra anteckningen.")

    body = api.get(_list(case), personas.social_a).json()

    assert [e["id"] for e in body["items"]] == [second.pk, first.pk]
    assert body["items"][0]["author"] == {"id": personas.social_a.pk, "name": "Sara Holm"}
    event = AuditEvent.objects.filter(verb="read", case_id=case.pk).latest("seq")
    assert event.data == {"journal_entries": [second.pk, first.pk]}


def test_it_answers_404_for_a_journal_across_the_wall_without_a_basis(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_incidents=True)
    assert api.get(_list(case), personas.social_a).status_code == 404  # journal not covered
    assert api.get(_list(case), personas.social_b).status_code == 404
    assert not Disclosure.objects.filter(object_type="case", object_id=case.pk).exists()


def test_it_lists_a_journal_shared_by_consent_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_journal=True)

    items = api.get(_list(case), personas.social_a).json()["items"]

    assert [e["text"] for e in items] == ["Förhör hållet."]
    disclosure = Disclosure.objects.get(object_type="case", object_id=case.pk)
    assert disclosure.to_organisation == personas.social_org_a


def test_it_lists_the_journal_without_a_query_per_entry(
    api: Api, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    case = make.case(personas.social_a)
    make.entry(personas.social_a, case)
    few = count_queries(lambda: api.get(_list(case), personas.social_a))
    for number in range(30):
        make.entry(personas.lead_a, case, f"Anteckning {number}.")  # another author, too

    with django_assert_max_num_queries(few):
        body = api.get(_list(case), personas.social_a).json()
    assert (len(body["items"]), body["has_next"]) == (25, True)
    assert few <= 30  # token, scope, the case, the entries with their authors, the read event


# --- journal_create --------------------------------------------------------------------------


def test_it_writes_an_entry_and_audits_it(api: Api, personas: Personas) -> None:
    case = make.case(personas.social_a)

    response = api.post(_list(case), {"text": "  Hembesök gjort.  "}, personas.social_a)

    assert response.status_code == 201
    entry = JournalEntry.objects.get(pk=response.json()["id"])
    assert (entry.case, entry.author, entry.text) == (case, personas.social_a, "Hembesök gjort.")
    event = AuditEvent.objects.get(verb="create", object_type="journal_entry")
    assert (event.object_id, event.case_id) == (entry.pk, case.pk)


def test_it_writes_a_correction_that_points_at_the_corrected_entry(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.social_a)
    wrong = make.entry(personas.social_a, case, "Fel datum.")

    body = api.post(
        _list(case), {"text": "Rätt datum.", "corrects": wrong.pk}, personas.social_a
    ).json()

    assert body["corrects_id"] == wrong.pk
    wrong.refresh_from_db()
    assert wrong.text == "Fel datum."  # append-only: the original stays


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": " \n "}, "text"),
        ({"text": "x" * 10001}, "text"),
        ({"text": 42}, "text"),
        ({"text": "a\x00"}, "text"),
        ({"text": "Ok.", "corrects": "first"}, "corrects"),
        ({"text": "Ok.", "author": 1}, "author"),
        ({"text": "Ok.", "written_at": "2020-01-01T00:00:00"}, "written_at"),
    ],
)
def test_it_rejects_bad_journal_input_and_saves_nothing(
    api: Api, personas: Personas, body: dict[str, Any], field: str
) -> None:
    case = make.case(personas.social_a)

    response = api.post(_list(case), body, personas.social_a)

    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]
    assert not JournalEntry.objects.exists()


def test_it_refuses_to_correct_an_entry_of_another_case(api: Api, personas: Personas) -> None:
    case = make.case(personas.social_a)
    elsewhere = make.entry(personas.social_a, make.case(personas.social_a))
    theirs = make.entry(personas.police_a, make.case(personas.police_a))

    for corrects in (elsewhere.pk, theirs.pk, 10**12):
        response = api.post(_list(case), {"text": "R.", "corrects": corrects}, personas.social_a)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "corrects"]
    assert not JournalEntry.objects.filter(case=case).exists()


def test_it_answers_404_when_writing_in_a_case_the_caller_may_only_read(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True, covers_journal=True)
    response = api.post(_list(case), {"text": "Inte tillåtet."}, personas.social_a)
    assert response.status_code == 404
    assert JournalEntry.objects.filter(case=case).count() == 1


# --- journal_detail --------------------------------------------------------------------------


def test_it_shows_an_entry_and_records_which_was_read(api: Api, personas: Personas) -> None:
    case = make.case(personas.social_a)
    entry = make.entry(personas.social_a, case, "Samtal.")

    body = api.get(f"{_list(case)}/{entry.pk}", personas.social_a).json()

    assert body["text"] == "Samtal."
    event = AuditEvent.objects.filter(verb="read", object_type="journal_entry").latest("seq")
    assert (event.object_id, event.case_id) == (entry.pk, case.pk)


def test_it_shows_a_shared_entry_and_records_the_disclosure(api: Api, personas: Personas) -> None:
    case = _shared_case(personas, covers_cases=True, covers_journal=True)
    entry = JournalEntry.objects.get(case=case)

    assert api.get(f"{_list(case)}/{entry.pk}", personas.social_a).status_code == 200
    disclosure = Disclosure.objects.get(object_type="journal_entry")
    assert (disclosure.object_id, disclosure.from_organisation) == (
        entry.pk,
        personas.police_org_a,
    )


def test_it_answers_404_for_an_entry_of_another_case_or_across_the_wall(
    api: Api, personas: Personas
) -> None:
    mine = make.case(personas.social_a)
    theirs = make.case(personas.police_a)
    entry = make.entry(personas.police_a, theirs)

    assert api.get(f"{_list(mine)}/{entry.pk}", personas.social_a).status_code == 404
    assert api.get(f"{_list(theirs)}/{entry.pk}", personas.social_a).status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["read", "disclose"]).exists()
