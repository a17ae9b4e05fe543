"""outreach_list, outreach_create, referrals_list, tasks_list, providers_list."""

from __future__ import annotations

import datetime

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent, Disclosure
from igor.cases.models import Case
from igor.people.models import Person
from igor.support import actions as support
from igor.support.models import OutreachContact
from tests.personas import Personas


@pytest.fixture
def his_case(personas: Personas) -> tuple[Case, Person]:
    man = make.person(personas.police_a, last_name="Utövare")
    case = make.case(personas.police_a)
    make.party(personas.police_a, case, man, role="perpetrator")
    return case, man


def _url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/outreach"


def test_it_records_a_contact_with_its_offer_and_lists_it(
    api: Api, personas: Personas, his_case: tuple[Case, Person]
) -> None:
    case, man = his_case
    body = {
        "person": man.pk,
        "method": "home_visit",
        "done_at": "2026-11-20T18:00:00+01:00",
        "result": "reached",
        "offer": "treatment",
        "answer": "accepted",
    }
    created = api.post(_url(case), body, personas.police_a)
    assert created.status_code == 201
    assert (created.json()["attempt_number"], created.json()["offer_number"]) == (1, 1)
    listed = api.get(_url(case), personas.police_a).json()["items"]
    assert [item["answer"] for item in listed] == ["accepted"]
    assert AuditEvent.objects.filter(verb="read", purpose="api: list outreach").count() == 1


def test_it_plans_a_contact_when_only_a_time_is_given(
    api: Api, personas: Personas, his_case: tuple[Case, Person]
) -> None:
    case, man = his_case
    body = {"person": man.pk, "method": "phone", "planned_for": "2099-01-01T10:00:00+01:00"}
    assert api.post(_url(case), body, personas.police_a).status_code == 201
    assert OutreachContact.objects.get().is_planned


@pytest.mark.parametrize(
    "change",
    [
        {"person": 999_999},  # not a party
        {"done_at": None},  # neither made nor planned
        {"result": "not_reached"},  # an offer to someone not reached
        {"answer": ""},  # an offer without an answer
        {"done_at": "2099-01-01T10:00:00+01:00"},  # made in the future
    ],
)
def test_it_answers_bad_input_with_422_and_saves_nothing(
    api: Api, personas: Personas, his_case: tuple[Case, Person], change: dict[str, object]
) -> None:
    case, man = his_case
    body = {
        "person": man.pk,
        "method": "home_visit",
        "done_at": "2026-11-20T18:00:00+01:00",
        "result": "reached",
        "offer": "treatment",
        "answer": "accepted",
        **change,
    }
    response = api.post(_url(case), body, personas.police_a)
    assert response.status_code == 422
    assert not OutreachContact.objects.exists()


def test_the_other_organisation_needs_a_basis_covering_the_support_rows(
    api: Api, personas: Personas, his_case: tuple[Case, Person]
) -> None:
    case, man = his_case
    support.record_outreach(
        actor=personas.police_a,
        case=case,
        person=man,
        method="phone",
        done_at=case.opened_at,
        result="not_reached",
    )
    assert api.get(_url(case), personas.social_a).status_code == 404
    make.consent(
        personas.police_a,
        man,
        personas.social_org_a,
        {"covers_person": True, "covers_cases": True, "covers_journal": True},
    )
    # The case and its journal do not carry support and treatment status (requirement 3).
    assert api.get(_url(case), personas.social_a).status_code == 404
    make.consent(
        personas.police_a,
        man,
        personas.social_org_a,
        {"covers_person": True, "covers_cases": True, "covers_support": True},
    )
    shared = api.get(_url(case), personas.social_a)
    assert shared.status_code == 200 and len(shared.json()["items"]) == 1
    assert Disclosure.objects.filter(actor=personas.social_a, object_id=case.pk).count() == 1
    referrals = api.get(f"/api/v1/cases/{case.pk}/referrals", personas.social_a)
    assert referrals.status_code == 200


def test_tasks_and_providers_are_the_units_own(api: Api, personas: Personas) -> None:
    support.add_provider(
        actor=personas.lead_a,
        unit=personas.unit_a,
        details={"name": "Kriscentrum för män", "kind": "treatment"},
    )
    support.create_task(
        actor=personas.police_a,
        unit=personas.unit_a,
        title="Ring",
        due_on=datetime.date(2026, 12, 1),
    )
    assert [
        p["name"] for p in api.get("/api/v1/support/providers", personas.police_a).json()["items"]
    ] == ["Kriscentrum för män"]
    assert api.get("/api/v1/support/providers", personas.police_b).json()["items"] == []
    assert len(api.get("/api/v1/support/tasks", personas.police_a).json()["items"]) == 1
    assert api.get("/api/v1/support/tasks", personas.social_a).json()["items"] == []
