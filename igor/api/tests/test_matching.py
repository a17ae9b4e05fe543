"""persons_match: candidates the caller may see, with score, class and reasons; the wall; bad
input; the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent, Disclosure
from igor.people.models import Person
from tests.personas import Personas

MATCH = "/api/v1/persons/match"


def _known(actor: Any, **details: Any) -> Person:
    fields = {
        "first_name": "Johan",
        "last_name": "Ek",
        "street_address": "Ringvägen 12",
        "birth_date": datetime.date(1885, 4, 12),
    }
    return make.person(actor, **{**fields, **details})


def test_it_returns_the_known_person_with_score_class_and_reasons(
    api: Api, personas: Personas
) -> None:
    known = _known(personas.social_a)
    make.person(personas.social_a, first_name="Lena", last_name="Berg")

    body = {"name": "Johan Eek", "birth_date": "1885-04-12", "street_address": "Ringv. 12"}
    response = api.post(MATCH, body, personas.social_a)

    assert response.status_code == 200
    answer = response.json()
    assert [item["person"]["id"] for item in answer["items"]] == [known.pk]
    found = answer["items"][0]
    assert found["match_class"] in ("certain", "probable")
    assert 0 < found["score"] <= 1
    fields = {reason["field"]: reason for reason in found["reasons"]}
    assert fields["birth"]["level"] == "same"
    assert fields["address"]["text"] in ("same street and number", "samma gata och nummer")
    assert found["person"]["shared"] is False and answer["other_side"] is False
    event = AuditEvent.objects.filter(verb="search", object_type="person").latest("seq")
    assert event.actor_id == personas.social_a.pk
    assert event.data["results"] == [known.pk] and event.purpose == "api: match persons"


def test_the_other_agency_gets_only_the_hint_until_a_basis(api: Api, personas: Personas) -> None:
    known = _known(personas.police_a)
    body = {"name": "Johan Ek", "birth_date": "1885-04-12"}

    hidden = api.post(MATCH, body, personas.social_a).json()
    assert hidden == {"items": [], "other_side": True}
    assert api.post(MATCH, body, personas.police_b).json() == {"items": [], "other_side": False}
    assert not Disclosure.objects.exists()

    basis = make.consent(personas.police_a, known, personas.social_org_a)
    shared = api.post(MATCH, body, personas.social_a).json()
    assert [item["person"]["id"] for item in shared["items"]] == [known.pk]
    assert shared["items"][0]["person"]["shared"] is True
    disclosure = Disclosure.objects.get(actor=personas.social_a)
    assert (disclosure.object_id, disclosure.basis_id) == (known.pk, basis.pk)


def test_a_search_that_finds_nothing_is_still_audited(api: Api, personas: Personas) -> None:
    response = api.post(MATCH, {"name": "Ingen Alls"}, personas.social_a)
    assert response.json() == {"items": [], "other_side": False}
    event = AuditEvent.objects.filter(verb="search").latest("seq")
    assert event.data["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"identity_number": "19850412-1231"}, "identity_number"),
        ({"name": "Johan", "birth_date": "1985-13-45"}, "birth_date"),
        ({"name": "Johan", "phone": "nej"}, "phone"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Jo\x00han"}, "name"),
        ({"name": "Johan", "limit": 0}, "limit"),
        ({"name": "Johan", "unknown": "x"}, "unknown"),
    ],
)
def test_garbage_is_refused_with_the_field_named(
    api: Api, personas: Personas, body: dict[str, Any], field: str
) -> None:
    response = api.post(MATCH, body, personas.social_a)
    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]
    assert not AuditEvent.objects.filter(verb="search").exists()


@pytest.mark.parametrize("body", [{}, {"name": "   "}, {"name": "?!"}])
def test_an_empty_query_is_refused(api: Api, personas: Personas, body: dict[str, Any]) -> None:
    response = api.post(MATCH, body, personas.social_a)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_who_has_no_case_data_is_refused(api: Api, personas: Personas) -> None:
    assert api.post(MATCH, {"name": "Johan"}, personas.researcher).status_code == 403
    assert api.post(MATCH, {"name": "Johan"}).status_code == 401
