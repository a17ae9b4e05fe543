"""sharing_list, consents_create, disclosures_list."""

from __future__ import annotations

from typing import Any

import pytest

from igor.api.tests import make
from igor.api.tests.conftest import Api
from igor.audit.models import AuditEvent, Disclosure
from igor.sharing.models import SharingBasis
from tests.personas import Personas

CONSENT = {
    "categories": ["person", "cases", "risk_assessment"],
    "purpose": "Samordnad riskbedömning",
    "witness": "Vera Vittne",
}


def test_it_records_an_oral_consent_and_lists_it_with_its_state(
    api: Api, personas: Personas
) -> None:
    victim = make.person(personas.social_a, last_name="Apisamtycke")
    response = api.post(f"/api/v1/persons/{victim.pk}/consents", CONSENT, personas.social_a)
    assert response.status_code == 201
    body = response.json()
    assert body["categories"] == ["person", "cases", "risk_assessment"]
    assert (body["recipient_id"], body["status"]) == (personas.police_org_a.pk, "active")
    basis = SharingBasis.objects.get()
    assert (basis.consent_form, basis.witness, basis.given_by) == ("oral", "Vera Vittne", "subject")
    listed = api.get(f"/api/v1/persons/{victim.pk}/sharing", personas.social_a).json()
    assert [b["id"] for b in listed] == [basis.pk]
    assert AuditEvent.objects.filter(verb="create", object_type="sharing_basis").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["telepathy"]}, "categories"),
        ({"categories": ["incidents"]}, "categories"),
        ({"witness": ""}, "witness"),
        ({"purpose": ""}, "purpose"),
        (
            {"valid_from": "2026-12-10T00:00:00Z", "valid_until": "2026-12-01T00:00:00Z"},
            "valid_until",
        ),
    ],
)
def test_it_refuses_bad_consent_with_a_field_error_and_saves_nothing(
    api: Api, personas: Personas, change: dict[str, Any], field: str
) -> None:
    victim = make.person(personas.social_a, last_name="Apifel")
    response = api.post(
        f"/api/v1/persons/{victim.pk}/consents", {**CONSENT, **change}, personas.social_a
    )
    assert response.status_code == 422
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"])
    assert not SharingBasis.objects.exists()


def test_only_the_persons_own_organisation_sees_or_records_its_sharing(
    api: Api, personas: Personas
) -> None:
    victim = make.person(personas.social_a, last_name="Apiannan")
    make.consent(personas.social_a, victim, personas.police_org_a)
    for other in (personas.police_a, personas.social_b):
        assert api.get(f"/api/v1/persons/{victim.pk}/sharing", other).status_code == 404
        assert api.get(f"/api/v1/persons/{victim.pk}/disclosures", other).status_code == 404
        response = api.post(f"/api/v1/persons/{victim.pk}/consents", CONSENT, other)
        assert response.status_code == 404
    assert api.get(f"/api/v1/persons/{victim.pk}/sharing", personas.researcher).status_code == 403
    assert SharingBasis.objects.count() == 1


def test_the_register_lists_what_the_other_agency_read(api: Api, personas: Personas) -> None:
    victim = make.person(personas.social_a, last_name="Apiregister")
    make.consent(personas.social_a, victim, personas.police_org_a)
    api.get(f"/api/v1/persons/{victim.pk}", personas.police_a)
    body = api.get(f"/api/v1/persons/{victim.pk}/disclosures", personas.social_a).json()
    assert [(i["object_type"], i["object_id"]) for i in body["items"]] == [("person", victim.pk)]
    assert body["items"][0]["to_organisation_id"] == personas.police_org_a.pk
    assert Disclosure.objects.count() == 1
