"""Suggestions from a typed query: reading it field by field, and the add-party page's
"find candidates" (without JavaScript: a submit that re-renders)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from igor.audit.models import AuditEvent
from igor.cases.models import Party
from igor.people.models import Person
from igor.people.suggest import candidates_for, query_record
from tests.builders import make_case, make_person
from tests.personas import Personas, logged_in


def test_a_query_reads_every_field() -> None:
    query = query_record(
        {
            "name": "Johan Ek",
            "identity_number": "",
            "birth_date": "1985",
            "street_address": "Ringv. 12",
            "postal_code": "118 20",
            "phone": "070-174 06 05",
        }
    )
    assert query.name.surnames == ("ek",) and query.birth is not None and query.birth.year == 1985
    assert query.phone == "+46701740605" and query.address is not None


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"identity_number": "19850412-1231"}, "identity_number"),
        ({"name": "Ek", "birth_date": "31/31/1985"}, "birth_date"),
        ({"name": "Ek", "phone": "123"}, "phone"),
    ],
)
def test_an_unreadable_field_is_an_error_beside_it(details: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        query_record(details)
    assert list(caught.value.message_dict) == [field]


def test_a_query_with_nothing_usable_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        query_record({"name": " - "})
    assert not hasattr(caught.value, "error_dict")


@pytest.mark.django_db
def test_several_records_give_each_person_once(personas: Personas) -> None:
    known = make_person(personas.police_a, first_name="Johan", last_name="Ek")
    records = [query_record({"name": "Johan Ek"}), query_record({"name": "Johan Eek"})]
    assert candidates_for(personas.police_a, records).ids == [known.pk]


def _add_party_page(personas: Personas) -> tuple[str, Person]:
    officer = personas.police_a
    known = make_person(
        officer,
        first_name="Johan",
        last_name="Ek",
        street_address="Ringvägen 12",
        birth_date=datetime.date(1885, 4, 12),
    )
    case = make_case(officer)
    return reverse("cases:add_party", args=[case.pk]), known


@pytest.mark.django_db
def test_find_candidates_on_the_add_party_form_and_add_one(personas: Personas) -> None:
    path, known = _add_party_page(personas)
    make_person(personas.social_a, first_name="Johan", last_name="Ek")  # behind the wall
    client = logged_in(personas.police_a)
    query = {"find": "1", "name": "Johan Eek", "birth_date": "1885-04-12"}
    response = client.post(path, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="candidate-{known.pk}"' in html and "Ek, Johan" in html
    assert "samma födelsedatum" in html or "same birth date" in html
    event = AuditEvent.objects.filter(verb="match").latest("seq")
    assert event.data["results"] == [known.pk] and event.purpose.endswith("adding a party")
    response = client.post(path, {"person": known.pk, "role": "perpetrator"})
    assert response.status_code == 302
    assert Party.objects.filter(person=known, role="perpetrator").exists()


@pytest.mark.django_db
def test_a_match_in_the_other_organisation_is_only_a_hint(personas: Personas) -> None:
    social = make_person(personas.social_a, first_name="Rut", last_name="Ås")
    case = make_case(personas.police_a)
    path = reverse("cases:add_party", args=[case.pk])
    html = logged_in(personas.police_a).post(path, {"find": "1", "name": "Rut Ås"}).content
    assert f'id="candidate-{social.pk}"'.encode() not in html and "Ås, Rut".encode() not in html
    assert "andra organisationen" in html.decode() or "other organisation" in html.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"name": "Johan", "birth_date": "i fjol"}, "birth_date"),
        ({"identity_number": "12"}, "identity_number"),
        ({"name": "Ek", "phone": "ring mig"}, "phone"),
    ],
)
def test_bad_input_on_find_candidates_is_shown_beside_the_field(
    personas: Personas, query: dict[str, str], field: str
) -> None:
    path, _known = _add_party_page(personas)
    response = logged_in(personas.police_a).post(path, {"find": "1", **query})
    html = response.content.decode()
    assert response.status_code == 422
    assert "error-summary" in html and f'href="#id_{field}"' in html
    assert f'aria-describedby="id_{field}_error' in html or f"id_{field}_error" in html
    assert not AuditEvent.objects.filter(verb="match").exists()


@pytest.mark.django_db
def test_an_empty_find_asks_for_something(personas: Personas) -> None:
    path, _known = _add_party_page(personas)
    response = logged_in(personas.police_a).post(path, {"find": "1"})
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()


@pytest.mark.django_db
def test_registering_shows_a_shared_candidate_and_records_the_disclosure(
    personas: Personas,
) -> None:
    from igor.audit.models import Disclosure
    from igor.sharing import actions as sharing

    known = make_person(personas.police_a, first_name="Johan", last_name="Ek")
    basis = sharing.record_consent(
        actor=personas.police_a,
        subject=known,
        recipient=personas.social_org_a,
        purpose="support",
        consent_form="oral",
        witness="Sara Holm",
        scope={"covers_person": True},
        valid_until=None,
    )
    data = {
        "unit": personas.unit_a.pk,
        "first_name": "Johan",
        "last_name": "Ek",
        "identity_kind": "none",
    }
    response = logged_in(personas.social_a).post(reverse("people:create"), data)
    assert reverse("people:detail", args=[known.pk]) in response.content.decode()
    disclosure = Disclosure.objects.get(actor=personas.social_a)
    assert (disclosure.object_id, disclosure.basis_id) == (known.pk, basis.pk)
