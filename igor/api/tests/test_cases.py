"""cases_list, cases_create, cases_detail."""

from __future__ import annotations

from typing import Any

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api, count_queries
from igor.audit.models import AuditEvent, Disclosure
from igor.cases.models import Case
from tests.personas import Personas

LIST = "/api/v1/cases"


def _detail(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}"


def _shared_case(personas: Personas, **scope: bool) -> Case:
    """A social-services case in unit A whose victim consented to the police seeing `scope`."""
    victim = make.person(personas.social_a, last_name="Utsatt")
    case = make.case(personas.social_a, title="Delat ärende")
    make.party(personas.social_a, case, victim)
    make.consent(personas.social_a, victim, personas.police_org_a, {"covers_person": True, **scope})
    return case


# --- cases_list ------------------------------------------------------------------------------


def test_it_lists_own_open_cases_and_records_the_read(api: Api, personas: Personas) -> None:
    older = make.case(personas.police_a, title="Första")
    newer = make.case(personas.police_a, title="Andra")
    make.case(personas.social_a, title="Socialtjänstens")
    make.case(personas.police_b, title="Norrmalms")

    response = api.get(LIST, personas.police_a)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [newer.pk, older.pk]
    assert items[0]["owner"] == {"id": personas.police_a.pk, "name": "Petra Lind"}
    assert not any(i["shared"] for i in items)
    event = AuditEvent.objects.filter(verb="read", object_type="case").latest("seq")
    assert event.data["results"] == [newer.pk, older.pk]


def test_it_filters_and_sorts_like_the_case_list_page(api: Api, personas: Personas) -> None:
    first = make.case(personas.police_a, title="Första")
    second = make.case(personas.police_a, title="Andra")
    make.case(personas.police_a, title="Tredje", owner=personas.police_a)

    oldest_first = api.get(f"{LIST}?sort=opened_at", personas.police_a).json()["items"]
    by_reference = api.get(f"{LIST}?reference={second.reference}", personas.police_a).json()[
        "items"
    ]
    closed = api.get(f"{LIST}?status=closed", personas.police_a).json()["items"]

    assert [i["id"] for i in oldest_first][:2] == [first.pk, second.pk]
    assert [i["id"] for i in by_reference] == [second.pk]
    assert closed == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("sort=title", "sort"),
        ("mine=perhaps", "mine"),
        (f"reference={'1' * 31}", "reference"),
        ("page=0", "page"),
    ],
)
def test_it_rejects_bad_filters(api: Api, personas: Personas, query: str, field: str) -> None:
    response = api.get(f"{LIST}?{query}", personas.police_a)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_it_lists_a_case_shared_by_consent_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    case = _shared_case(personas, covers_cases=True)
    make.case(personas.social_a, title="Inte delat")

    items = api.get(LIST, personas.police_a).json()["items"]

    assert [(i["id"], i["shared"]) for i in items] == [(case.pk, True)]
    assert Disclosure.objects.filter(object_type="case", object_id=case.pk).count() == 1


def test_it_lists_cases_without_a_query_per_case(
    api: Api, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    make.case(personas.police_a, title="Ärende")
    few = count_queries(lambda: api.get(LIST, personas.police_a))
    for number in range(30):
        make.case(personas.police_a, title=f"Ärende {number}")

    with django_assert_max_num_queries(few):
        body = api.get(LIST, personas.police_a).json()
    assert (len(body["items"]), body["has_next"]) == (25, True)
    assert few <= 40  # token, scope, own and shared parts, the list event


# --- cases_create ----------------------------------------------------------------------------


def test_it_opens_a_case_and_audits_it(api: Api, personas: Personas) -> None:
    response = api.post(
        LIST, {"title": "Våld i parrelation", "summary": "Kort."}, personas.social_a
    )

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.organisation, case.unit, case.owner) == (
        personas.social_org_a,
        personas.unit_a,
        personas.social_a,
    )
    assert body["reference"] == case.reference
    assert body["parties"] == []
    event = AuditEvent.objects.get(verb="create", object_type="case")
    assert (event.object_id, event.actor_id, event.acting_role) == (
        case.pk,
        personas.social_a.pk,
        "support",
    )


def test_it_opens_a_case_for_another_owner_of_the_unit(api: Api, personas: Personas) -> None:
    body = api.post(LIST, {"title": "Ärende", "owner": personas.lead_a.pk}, personas.social_a)
    assert body.json()["owner"]["id"] == personas.lead_a.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": ["a"]}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ärende", "summary": "x" * 5001}, "summary"),
        ({"title": "Ärende", "owner": "nobody"}, "owner"),
        ({"title": "Ärende", "status": "closed"}, "status"),
        ({"title": "Ärende", "reference": "2026-0000001"}, "reference"),
        ({"title": "Ärende", "unit": 999999}, "unit"),
    ],
)
def test_it_rejects_bad_case_input_and_saves_nothing(
    api: Api, personas: Personas, body: dict[str, Any], field: str
) -> None:
    response = api.post(LIST, body, personas.social_a)

    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]
    assert not Case.objects.exists()


@pytest.mark.parametrize("owner", ["police_a", "social_b", "researcher"])
def test_it_refuses_an_owner_outside_the_units_case_workers(
    api: Api, personas: Personas, owner: str
) -> None:
    user = getattr(personas, owner)
    response = api.post(LIST, {"title": "Ärende", "owner": user.pk}, personas.social_a)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "owner"]
    assert not Case.objects.exists()


# --- cases_detail ----------------------------------------------------------------------------


def test_it_shows_an_own_case_with_its_parties_and_records_the_read(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.police_a, summary="Sammanfattning")
    victim = make.person(personas.police_a, last_name="Utsatt")
    make.party(personas.police_a, case, victim)

    body = api.get(_detail(case), personas.police_a).json()

    assert body["summary"] == "Sammanfattning"
    assert body["parties"] == [
        {
            "role": "victim",
            "person": {
                "id": victim.pk,
                "first_name": "Anna",
                "last_name": "Utsatt",
                "protected": False,
            },
        }
    ]
    assert (body["incidents_visible"], body["journal_visible"]) == (True, True)
    event = AuditEvent.objects.filter(verb="read", object_type="case").latest("seq")
    assert (event.object_id, event.case_id, event.purpose) == (case.pk, case.pk, "api: view case")


def test_it_answers_404_for_a_case_across_the_wall_without_a_basis(
    api: Api, personas: Personas
) -> None:
    case = make.case(personas.social_a)
    for user in (personas.police_a, personas.police_b, personas.social_b):
        assert api.get(_detail(case), user).status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["read", "disclose"]).exists()


def test_it_shows_a_case_shared_by_consent_within_its_scope(api: Api, personas: Personas) -> None:
    case = _shared_case(personas, covers_cases=True)
    bystander = make.person(personas.social_a, last_name="Annan")
    make.party(personas.social_a, case, bystander, role="other")

    body = api.get(_detail(case), personas.police_a).json()

    assert body["shared"] is True
    assert (body["incidents_visible"], body["journal_visible"]) == (False, False)
    people = {p["role"]: p["person"] for p in body["parties"]}
    assert people["victim"]["last_name"] == "Utsatt"  # the consenting person
    assert people["other"] is None  # not covered by anyone's consent
    disclosure = Disclosure.objects.get(object_type="case", object_id=case.pk)
    assert disclosure.to_organisation == personas.police_org_a


def test_it_answers_404_to_unknown_case_ids(api: Api, personas: Personas) -> None:
    for pk in (0, 999999, 2**63):
        assert api.get(f"{LIST}/{pk}", personas.police_a).status_code == 404
