"""The risk operations of the JSON API: happy paths, bad input (422, nothing saved), the wall."""

from __future__ import annotations

from typing import Any

import pytest

from igor.api.tests.conftest import Api
from igor.audit.models import Disclosure
from igor.risk.models import Assessment
from igor.risk.tests.helpers import (
    RiskWorld,
    all_no,
    assess,
    contact_ban,
    risk_world,
    share_with_social,
)
from tests.personas import Personas


@pytest.fixture
def world(personas: Personas) -> RiskWorld:
    return risk_world(personas)


def _body(world: RiskWorld, **changes: Any) -> dict[str, Any]:
    return {
        "person": world.victim.pk,
        "answers": all_no(threat_to_kill="yes"),
        "level": "high",
        "rationale": "Dödshot i går kväll.",
        **changes,
    }


def test_it_creates_an_assessment_and_summarises_the_case(api: Api, world: RiskWorld) -> None:
    url = f"/api/v1/risk/cases/{world.case.pk}/assessments"
    created = api.post(url, _body(world), user=world.p.police_a)
    assert created.status_code == 201
    assert (created.json()["suggested_level"], created.json()["level"]) == ("medium", "high")
    listed = api.get(url, user=world.p.police_a).json()
    assert [a["id"] for a in listed] == [created.json()["id"]]
    contact_ban(world)
    summary = api.get(f"/api/v1/risk/cases/{world.case.pk}", user=world.p.police_a).json()
    assert summary["level"] == "high" and summary["flagged_for_conference"]
    assert {f["code"] for f in summary["flags"]} >= {"high_level", "threats_to_kill"}
    measures = api.get(f"/api/v1/risk/cases/{world.case.pk}/measures", user=world.p.police_a)
    assert [m["kind"] for m in measures.json()] == ["contact_ban"]
    instruments = api.get("/api/v1/risk/instruments", user=world.p.social_a).json()
    assert [i["key"] for i in instruments["items"]] == ["igor-screening@1"]


BAD = [
    ("no rationale", {"rationale": ""}, "rationale"),
    ("an answer outside the scale", {"answers": all_no(weapon="maybe")}, "item_weapon"),
    ("a lowered level without approval", {"level": "low"}, "level"),
    ("an unknown level", {"level": "extreme"}, "level"),
    ("the person using violence", {"person": None}, "person"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD, ids=[b[0] for b in BAD])
def test_it_refuses_bad_input_with_field_errors(
    api: Api, world: RiskWorld, what: str, change: dict[str, Any], field: str
) -> None:
    if "person" in change:
        change = {"person": world.perpetrator.pk}
    response = api.post(
        f"/api/v1/risk/cases/{world.case.pk}/assessments",
        _body(world, **change),
        user=world.p.police_a,
    )
    assert response.status_code == 422
    assert field in response.content.decode()
    assert Assessment.objects.count() == 0


def test_the_other_organisation_reads_only_under_a_basis_and_never_writes(
    api: Api, world: RiskWorld
) -> None:
    assess(world)
    url = f"/api/v1/risk/cases/{world.case.pk}"
    assert api.get(url, user=world.p.social_a).status_code == 404
    basis = share_with_social(world)
    assert api.get(url, user=world.p.social_a).status_code == 200
    row = Disclosure.objects.order_by("-id").first()
    assert row is not None and (row.object_type, row.basis_id) == ("case_risk", basis.pk)
    created = api.post(f"{url}/assessments", _body(world), user=world.p.social_a)
    assert created.status_code == 404 and Assessment.objects.count() == 1
    assert api.get(url, user=world.p.researcher).status_code == 403
