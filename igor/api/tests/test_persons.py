"""persons_list, persons_search, persons_create, persons_detail."""

from __future__ import annotations

from typing import Any

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api, count_queries
from igor.audit.models import AuditEvent, Disclosure
from igor.people.models import Person
from igor.sharing.actions import break_the_glass, withdraw_basis
from tests.personas import Personas

LIST = "/api/v1/persons"
SEARCH = "/api/v1/persons/search"


def _detail(person: Person) -> str:
    return f"/api/v1/persons/{person.pk}"


def _last_event(**filters: Any) -> AuditEvent:
    event = AuditEvent.objects.filter(**filters).order_by("-seq").first()
    assert event is not None, filters
    return event


def _valid_person(**changes: Any) -> dict[str, Any]:
    return {
        "first_name": "Lina",
        "last_name": "Berg",
        "identity_kind": "personnummer",
        "identity_number": "20170101-2393",
        "phone": "070-000 00 00",
        "email": "lina@example.org",
        "street_address": "Hornsgatan 1",
        "postal_code": "118 20",
        "city": "Stockholm",
        **changes,
    }


# --- persons_list ----------------------------------------------------------------------------


def test_it_lists_own_persons_by_name_and_records_the_read(api: Api, personas: Personas) -> None:
    make.person(personas.social_a, first_name="Bo", last_name="Ström")
    make.person(personas.social_a, first_name="Ada", last_name="Ek")
    make.person(personas.police_a, first_name="Inte", last_name="Synlig")  # the other agency
    make.person(personas.social_b, first_name="Annan", last_name="Enhet")  # another unit

    response = api.get(LIST, personas.social_a)

    assert response.status_code == 200
    body = response.json()
    assert [item["last_name"] for item in body["items"]] == ["Ek", "Ström"]
    assert body["has_next"] is False
    assert all(item["shared"] is False for item in body["items"])
    event = _last_event(verb="read", object_type="person")
    assert event.actor_id == personas.social_a.pk
    assert event.data["results"] == [item["id"] for item in body["items"]]
    assert event.acting_role == "support"


def test_it_pages_the_list_without_counting(api: Api, personas: Personas) -> None:
    for number in range(26):
        make.person(personas.police_a, last_name=f"Person{number:02d}")

    first = api.get(LIST, personas.police_a).json()
    second = api.get(f"{LIST}?page=2", personas.police_a).json()

    assert (len(first["items"]), first["has_next"]) == (25, True)
    assert (len(second["items"]), second["has_next"], second["page"]) == (1, False, 2)
    assert second["items"][0]["last_name"] == "Person25"


@pytest.mark.parametrize("page", ["0", "-1", "10001", "x", "1.5"])
def test_it_rejects_a_bad_page_number(api: Api, personas: Personas, page: str) -> None:
    response = api.get(f"{LIST}?page={page}", personas.police_a)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


def test_it_lists_a_person_shared_by_consent_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    shared = make.person(personas.social_a, last_name="Delad")
    make.person(personas.social_a, last_name="Hemlig")
    basis = make.consent(personas.social_a, shared, personas.police_org_a)

    body = api.get(LIST, personas.police_a).json()

    assert [(i["last_name"], i["shared"]) for i in body["items"]] == [("Delad", True)]
    disclosure = Disclosure.objects.get(object_type="person", object_id=shared.pk)
    assert (disclosure.basis, disclosure.actor) == (basis, personas.police_a)
    assert disclosure.to_organisation == personas.police_org_a

    withdraw_basis(actor=personas.social_a, basis=basis)
    assert api.get(LIST, personas.police_a).json()["items"] == []


def test_it_lists_persons_without_a_query_per_person(
    api: Api, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    shared = make.person(personas.police_a, last_name="Delad")
    make.consent(personas.police_a, shared, personas.social_org_a)
    make.person(personas.social_a, last_name="Egen")
    few = count_queries(lambda: api.get(LIST, personas.social_a))
    for number in range(30):
        make.person(personas.social_a, last_name=f"Person{number:02d}")

    with django_assert_max_num_queries(few):
        body = api.get(LIST, personas.social_a).json()
    assert len(body["items"]) == 25
    assert body["items"][0]["shared"] is True  # "Delad" sorts first: still one disclosure
    assert few <= 50  # token, scope twice, own and shared parts, the list event, a disclosure


# --- persons_search --------------------------------------------------------------------------


def test_it_finds_persons_by_name_prefix_and_identity_number(api: Api, personas: Personas) -> None:
    lina = make.person(
        personas.social_a,
        first_name="Lina",
        last_name="Berg",
        identity_kind="personnummer",
        identity_number=make.TEST_PERSONNUMMER,
    )
    make.person(personas.social_a, first_name="Olle", last_name="Bergström")
    make.person(personas.social_a, first_name="Kim", last_name="Svensson")

    by_name = api.post(SEARCH, {"q": "berg"}, personas.social_a).json()
    by_number = api.post(SEARCH, {"q": "20170101-2393"}, personas.social_a).json()

    assert [i["last_name"] for i in by_name["items"]] == ["Berg", "Bergström"]
    assert [i["id"] for i in by_number["items"]] == [lina.pk]
    event = _last_event(verb="search", object_type="person")
    assert event.data["results"] == [lina.pk]
    assert "2393" not in event.purpose


def test_it_finds_nobody_of_the_other_organisation_without_a_basis(
    api: Api, personas: Personas
) -> None:
    make.person(personas.social_a, last_name="Berg")
    assert api.post(SEARCH, {"q": "berg"}, personas.police_a).json()["items"] == []


def test_it_finds_a_person_shared_by_consent(api: Api, personas: Personas) -> None:
    person = make.person(personas.social_a, last_name="Berg")
    make.consent(personas.social_a, person, personas.police_org_a)

    items = api.post(SEARCH, {"q": "berg"}, personas.police_a).json()["items"]

    assert [(i["id"], i["shared"]) for i in items] == [(person.pk, True)]
    assert Disclosure.objects.filter(object_type="person", object_id=person.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": 12}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "berg", "page": 0}, "page"),
        ({"q": "berg", "sort": "name"}, "sort"),
    ],
)
def test_it_rejects_a_bad_search(api: Api, personas: Personas, body: Any, field: str) -> None:
    before = AuditEvent.objects.count()
    response = api.post(SEARCH, body, personas.police_a)
    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]
    assert AuditEvent.objects.count() == before + 1  # only the token's creation


def test_it_answers_400_to_a_body_that_is_not_json(api: Api, personas: Personas) -> None:
    response = api.call("POST", SEARCH, user=personas.police_a, raw="q=berg")
    assert response.status_code == 400


# --- persons_create --------------------------------------------------------------------------


def test_it_registers_a_person_and_audits_it(api: Api, personas: Personas) -> None:
    response = api.post(LIST, _valid_person(), personas.social_a)

    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.organisation, person.unit) == (personas.social_org_a, personas.unit_a)
    assert person.identity_number == make.TEST_PERSONNUMMER
    assert str(person.birth_date) == body["birth_date"] == "2017-01-01"
    assert body["contact"]["city"] == "Stockholm"
    assert body["shared"] is False
    event = _last_event(verb="create", object_type="person")
    assert (event.object_id, event.actor_id) == (person.pk, personas.social_a.pk)


def test_it_never_returns_a_protected_persons_contact_details(api: Api, personas: Personas) -> None:
    body = api.post(LIST, _valid_person(protection="staff_marked"), personas.social_a).json()

    assert body["protected"] is True
    assert body["contact"] is None
    assert Person.objects.get(pk=body["id"]).city == "Stockholm"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"first_name": 7}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"identity_kind": "passport"}, "identity_kind"),
        ({"identity_number": "20170101-2394"}, "identity_number"),  # check digit
        ({"birth_date": "2017-02-30"}, "birth_date"),
        ({"birth_date": "2016-01-01"}, "birth_date"),  # not what the number says
        ({"email": "not-an-address"}, "email"),
        ({"phone": "0" * 41}, "phone"),
        ({"postal_code": "1" * 11}, "postal_code"),
        ({"languages": "sv\x00"}, "languages"),
        ({"interpreter_needed": "perhaps"}, "interpreter_needed"),
        ({"protection": "secret"}, "protection"),
        ({"unit": 999999}, "unit"),
        ({"unit": 2**70}, "unit"),
        ({"organisation": 1}, "organisation"),  # not assignable: no mass assignment
        ({"created_by": 1}, "created_by"),
    ],
)
def test_it_rejects_bad_person_input_and_saves_nothing(
    api: Api, personas: Personas, changes: dict[str, Any], field: str
) -> None:
    response = api.post(LIST, _valid_person(**changes), personas.social_a)

    assert response.status_code == 422
    assert ["body", field] in [error["loc"] for error in response.json()["detail"]]
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(object_type="person").exists()


def test_it_needs_the_unit_when_the_caller_has_several(api: Api, personas: Personas) -> None:
    personas.social_a.units.add(personas.unit_b)

    missing = api.post(LIST, _valid_person(), personas.social_a)
    chosen = api.post(LIST, _valid_person(unit=personas.unit_b.pk), personas.social_a)

    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "unit"]
    assert chosen.status_code == 201
    assert chosen.json()["unit_id"] == personas.unit_b.pk


# --- persons_detail --------------------------------------------------------------------------


def test_it_shows_an_own_person_and_records_the_read(api: Api, personas: Personas) -> None:
    person = make.person(personas.police_a, phone="070-111 11 11")

    response = api.get(_detail(person), personas.police_a)

    assert response.status_code == 200
    assert response.json()["contact"]["phone"] == "070-111 11 11"
    assert response["Cache-Control"] == "no-store"
    event = _last_event(verb="read", object_type="person")
    assert (event.object_id, event.person_id, event.purpose) == (
        person.pk,
        person.pk,
        "api: view person",
    )


def test_it_hides_a_protected_persons_contact_details_from_the_owner_too(
    api: Api, personas: Personas
) -> None:
    person = make.person(personas.police_a, phone="070-111 11 11", protection="sekretessmarkering")
    body = api.get(_detail(person), personas.police_a).json()
    assert body["protected"] is True
    assert body["contact"] is None
    assert "070-111" not in str(body)


def test_it_answers_404_across_the_wall_without_a_basis(api: Api, personas: Personas) -> None:
    person = make.person(personas.social_a)
    for user in (personas.police_a, personas.police_b, personas.social_b):
        assert api.get(_detail(person), user).status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["read", "disclose"]).exists()


def test_it_shows_a_person_shared_by_consent_and_records_the_disclosure(
    api: Api, personas: Personas
) -> None:
    person = make.person(personas.social_a, city="Stockholm")
    basis = make.consent(personas.social_a, person, personas.police_org_a)

    body = api.get(_detail(person), personas.police_a).json()

    assert body["shared"] is True
    assert body["contact"]["city"] == "Stockholm"  # the basis covers the person
    disclosure = Disclosure.objects.get(object_type="person", object_id=person.pk)
    assert (disclosure.basis, disclosure.from_organisation) == (basis, personas.social_org_a)
    assert _last_event(verb="disclose").basis == basis.label()


def test_it_never_shares_a_protected_persons_contact_details(api: Api, personas: Personas) -> None:
    person = make.person(personas.social_a, city="Skyddad ort", protection="staff_marked")
    make.consent(personas.social_a, person, personas.police_org_a)

    body = api.get(_detail(person), personas.police_a).json()

    assert body["shared"] is True
    assert body["contact"] is None
    assert "Skyddad" not in str(body)


def test_it_answers_404_to_unknown_ids(api: Api, personas: Personas) -> None:
    for pk in (0, 999999, 2**63, 2**80):
        assert api.get(f"/api/v1/persons/{pk}", personas.police_a).status_code == 404


@pytest.mark.parametrize("raw", ["[]", '"Lina"', "null", "17"])
def test_it_rejects_a_body_that_is_not_an_object(api: Api, personas: Personas, raw: str) -> None:
    response = api.call("POST", LIST, user=personas.social_a, raw=raw)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert not Person.objects.exists()


def test_it_answers_413_to_a_body_beyond_the_upload_limit(
    api: Api, personas: Personas, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = _valid_person(languages="sv" + " " * 20_000)
    response = api.post(LIST, body, personas.social_a)
    assert response.status_code == 413
    assert not Person.objects.exists()


def test_it_shows_a_person_opened_by_break_the_glass_without_contact_details(
    api: Api, personas: Personas
) -> None:
    person = make.person(personas.social_a, city="Stockholm")
    break_the_glass(
        actor=personas.police_a,
        object_type="person",
        object_id=person.pk,
        reason="Akut hot mot barn, socialjouren nås inte.",
    )

    body = api.get(_detail(person), personas.police_a).json()

    assert (body["shared"], body["contact"]) == (True, None)
    disclosure = Disclosure.objects.get(object_type="person", object_id=person.pk)
    assert (disclosure.break_glass, disclosure.basis) == (True, None)
