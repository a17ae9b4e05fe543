"""A case with a victim and a person using violence, and risk rows made through the actions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from igor.cases import actions as case_actions
from igor.cases.models import Case
from igor.people.models import Person
from igor.risk import actions
from igor.risk.models import Assessment, ProtectiveMeasure
from igor.sharing import actions as sharing_actions
from igor.sharing.models import SharingBasis
from tests.builders import make_case, make_person
from tests.personas import Personas

ITEMS = [
    "violence_before", "violence_worse", "strangulation", "threat_to_kill", "weapon",
    "separation", "pregnancy", "stalking", "jealousy_control", "sexual_violence",
    "criminal_history", "substance_misuse", "suicide_threats", "children", "honour_context",
    "victim_fear",
]  # fmt: skip


def all_no(**yes: str) -> dict[str, str]:
    return {item: yes.get(item, "no") for item in ITEMS}


@dataclass
class RiskWorld:
    p: Personas
    case: Case
    victim: Person
    perpetrator: Person


def risk_world(personas: Personas) -> RiskWorld:
    officer = personas.police_a
    victim = make_person(officer, first_name="Vera", last_name="Riskdottir")
    perpetrator = make_person(officer, first_name="Pelle", last_name="Hotsson")
    case = make_case(officer, "Våld i parrelation, riskfall")
    case_actions.add_party(actor=officer, case=case, person=victim, role="victim")
    case_actions.add_party(actor=officer, case=case, person=perpetrator, role="perpetrator")
    return RiskWorld(personas, case, victim, perpetrator)


def share_with_social(world: RiskWorld, **scope: bool) -> SharingBasis:
    """A consent to social services covering the case with its risk assessment and safety plan
    unless `scope` says otherwise (e.g. covers_safety_plan=False)."""
    covers = {
        "covers_person": True,
        "covers_cases": True,
        "covers_risk_assessment": True,
        "covers_safety_plan": True,
        **scope,
    }
    return sharing_actions.record_consent(
        actor=world.p.police_a,
        subject=world.victim,
        recipient=world.p.social_org_a,
        purpose="samordnat skydd",
        consent_form="oral",
        witness="Socialsekreterare Holm",
        scope=covers,
        valid_until=None,
    )


def assess(world: RiskWorld, level: str = "high", **answers: Any) -> Assessment:
    return actions.assess_with_instrument(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        instrument_key="igor-screening@1",
        answers=all_no(**answers),
        level=level,
        rationale="Hon beskriver upptrappning och är mycket rädd.",
    )


def contact_ban(world: RiskWorld, expires_in_days: int = 10) -> ProtectiveMeasure:
    today = timezone.localdate()
    return actions.add_measure(
        actor=world.p.police_a,
        case=world.case,
        person=world.victim,
        details={
            "kind": "contact_ban",
            "status": "granted",
            "applied_on": today - datetime.timedelta(days=20),
            "decided_on": today - datetime.timedelta(days=15),
            "starts_on": today - datetime.timedelta(days=15),
            "expires_on": today + datetime.timedelta(days=expires_in_days),
            "level": "high",
        },
    )
