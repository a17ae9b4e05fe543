"""A small hand-made data set whose figures are known, made through the actions and then dated.

Main period 2025, comparison 2024, "today" 2026-11-27. Unit A (Södermalm):

    case  opened      closed      parties        incidents
    C1    2024-06-10  2025-02-01  V1 victim, P1  2024-06-01 report K-1
    C2    2024-09-10  2025-03-01  V2, P2         2024-09-01
    C3    2025-01-15  2025-12-20  V4, P3         2025-01-10 children heard
    C4    2025-05-02  –           V1, P1         2025-05-01 report K-2, children present
    C5    2026-01-16  –           V3, P2         2026-01-15
    C6–C9 2025-03..10 –           –              C6: 2025-07-01

Unit B (Norrmalm): C10 opened 2025-04-01, incident that day.
Sharing (unit A): two consents recorded in 2025, one of them withdrawn in 2025; one consent in
2024; one report of concern about a child (orosanmälan) and one OSL 10:18 c disclosure in 2025.

P3 has an identity number. Social services' cases S1 and S2, and the tips, outreach, referrals,
legal processes, sheltered housing, transports and protective measures: see world_work.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from igor.cases import actions as cases
from igor.cases.models import Case, Incident
from igor.people.models import Person
from igor.sharing import actions as sharing
from igor.sharing.models import SharingBasis
from igor.stats.periods import Period
from igor.stats.summaries import mark_cases
from igor.stats.tests.world_work import build_work
from tests.builders import identity_number, make_case, make_person
from tests.personas import Personas

TZ = ZoneInfo("Europe/Stockholm")
MAIN = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
COMPARISON = Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
TODAY = datetime.date(2026, 11, 27)
P3_NUMBER = identity_number("18750101")


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@dataclass
class Figures:
    p: Personas
    cases: dict[str, Case]


def _case(actor, name, opened, closed=None):
    case = make_case(actor, title=f"Testärende {name}")
    fields: dict[str, Any] = {"opened_at": at(opened)}
    if closed:
        fields.update(status="closed", closed_at=at(closed))
    Case.objects.filter(pk=case.pk).update(**fields)
    mark_cases([case.pk])  # an update sends no signal; a back-dating import does the same
    case.refresh_from_db()
    return case


def _incident(actor, case, day, report="", **flags):
    incident = cases.record_incident(
        actor=actor,
        case=case,
        details={
            "occurred_at": at(day),
            "kinds": ["physical"],
            "police_report_number": report,
            **flags,
        },
    )
    Incident.objects.filter(pk=incident.pk).update(occurred_at=at(day))
    mark_cases([case.pk])
    return incident


def build(p: Personas) -> Figures:
    officer = p.police_a
    person = {
        name: make_person(officer, first_name=name, gender="woman" if name[0] == "V" else "man")
        for name in ("V1", "V2", "V3", "V4", "P1", "P2")
    }
    person["P3"] = make_person(
        officer,
        first_name="P3",
        gender="man",
        identity_kind="personnummer",
        identity_number=P3_NUMBER,
    )
    made: dict[str, Case] = {}
    plan = [
        ("C1", "2024-06-10", "2025-02-01", "V1", "P1"),
        ("C2", "2024-09-10", "2025-03-01", "V2", "P2"),
        ("C3", "2025-01-15", "2025-12-20", "V4", "P3"),
        ("C4", "2025-05-02", None, "V1", "P1"),
        ("C5", "2026-01-16", None, "V3", "P2"),
    ]
    for name, opened, closed, victim, perpetrator in plan:
        made[name] = case = _case(officer, name, opened, closed)
        cases.add_party(actor=officer, case=case, person=person[victim], role="victim")
        cases.add_party(actor=officer, case=case, person=person[perpetrator], role="perpetrator")
    for number, month in zip(range(6, 10), (3, 6, 8, 10), strict=True):
        made[f"C{number}"] = _case(officer, f"C{number}", f"2025-{month:02d}-05")
    _incident(officer, made["C1"], "2024-06-01", report="K-1")
    _incident(officer, made["C2"], "2024-09-01")
    _incident(officer, made["C3"], "2025-01-10", children_heard=True)
    _incident(officer, made["C4"], "2025-05-01", report="K-2", children_present=True)
    _incident(officer, made["C5"], "2026-01-15")
    _incident(officer, made["C6"], "2025-07-01")
    made["C10"] = _case(p.police_b, "C10", "2025-04-01")
    _incident(p.police_b, made["C10"], "2025-04-01")
    _social_cases(p, made, person)
    _sharing(p)
    build_work(p, made, person, at)
    return Figures(p, made)


def _social_cases(p: Personas, made: dict[str, Case], person: dict[str, Person]) -> None:
    """Social services' own records: S1 with V5 and P3s (P3's identity number), and S2."""
    social = p.social_a
    person["V5"] = make_person(social, first_name="V5", gender="woman")
    person["P3s"] = make_person(
        social,
        first_name="P3",
        gender="man",
        identity_kind="personnummer",
        identity_number=P3_NUMBER,
    )
    made["S1"] = _case(social, "S1", "2023-12-01")
    cases.add_party(actor=social, case=made["S1"], person=person["V5"], role="victim")
    cases.add_party(actor=social, case=made["S1"], person=person["P3s"], role="perpetrator")
    _incident(social, made["S1"], "2026-02-01")
    made["S2"] = _case(social, "S2", "2024-03-01")


def _sharing(p: Personas) -> None:
    social = p.social_a
    client = make_person(social, first_name="Klient")

    def consent(recorded: str, withdrawn: str | None = None) -> None:
        basis = sharing.record_consent(
            actor=social,
            subject=client,
            recipient=p.police_org_a,
            purpose="samverkan",
            consent_form="oral",
            witness="Vera Vittne",
            scope={"covers_person": True},
            valid_until=None,
        )
        fields: dict[str, Any] = {"recorded_at": at(recorded), "valid_from": at(recorded)}
        if withdrawn:
            sharing.withdraw_basis(actor=social, basis=basis)
            fields["withdrawn_at"] = at(withdrawn)
        SharingBasis.objects.filter(pk=basis.pk).update(**fields)

    consent("2024-11-01")
    consent("2025-02-01")
    consent("2025-03-01", withdrawn="2025-09-01")
    child = make_person(p.police_a, first_name="Barn")
    report = sharing.record_statutory_basis(
        actor=p.police_a,
        subject=child,
        recipient=p.social_org_a,
        ground="orosanmalan",
        conditions={"child": True, "concern": True, "individual": True},
        details={"justification": "Barnet hörde våldet"},
        purpose="orosanmälan",
        scope={"covers_person": True},
        valid_until=None,
    )
    SharingBasis.objects.filter(pk=report.pk).update(recorded_at=at("2025-06-01"))
    risk = sharing.record_statutory_basis(
        actor=social,
        subject=client,
        recipient=p.police_org_a,
        ground="osl_10_18c",
        conditions={
            "risk": True,
            "prevents": True,
            "not_inappropriate": True,
            "not_past_crime": True,
        },
        details={
            "feared_crime": "grov misshandel",
            "close_relation": "sambo",
            "justification": "upprepade hot",
        },
        purpose="förebygga våld",
        scope={"covers_person": True},
        valid_until=None,
    )
    risk = sharing.decide_basis(actor=p.lead_a, basis=risk, approve=True)  # a second person
    SharingBasis.objects.filter(pk=risk.pk).update(recorded_at=at("2025-08-01"))
