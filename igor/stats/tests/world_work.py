"""The unit's work in the hand-made data set: tips, outreach, referrals, support, the legal process
and protective measures, written through the actions (tips at their own moments, with the clock
moved, so the audit trail says when triage wrote each summary).

Unit A, besides the police cases of world.py, has two social-services cases: S1 (opened
2023-12-01, outside both periods; victim V5, person using violence P3s, who is social services'
own record of P3: the same identity number) and S2 (opened 2024-03-01, no parties).

Tips (T5 in unit B, the rest in unit A):

    tip  kind          how known   received          summary           linked to
    T0   tip           relative    2024-02-28 09:00  2024-02-29 09:00  S2 (before it opened)
    T1   tip           neighbour   2025-04-30 10:00  2025-05-01 10:00  –
    T2   tip           –           2025-06-10 12:00  2025-06-13 12:00  S1
    T3   contact_me    –           2025-07-01 08:00  2025-07-01 20:00  S1
    T4   help_to_stop  –           2024-11-01 10:00  –                 –
    T5   tip           friend      2025-03-01 10:00  –                 –

Outreach (reached unless said): P1 in C4 2025-05-04 treatment declined, 2025-06-01 treatment
accepted (offer 2); P3 in C3 2025-02-01 not reached, 2025-03-01 treatment thinking, 2025-04-01
treatment declined; V4 in C3 2025-08-01 support talk accepted; V5 in S1 2025-03-10 support talk
declined, 2025-07-03 08:00 other support thinking; P3s in S1 2024-05-05 treatment accepted.

Treatment referrals: P1 (C4) started 2025-06-20; P3 (C3) started 2025-05-01, completed
2025-10-01; P3s (S1) started 2024-06-01, completed 2024-12-01.

Legal processes (police): C1 handed to the prosecutor, prosecuted, convicted 2025-02-15, victim
interviewed 2024-06-15; C4 with the prosecutor, victim interviewed 2025-05-10; C3 ongoing; C6
ongoing with a victim interview planned in 2027.

Sheltered housing: V5 2024-08-01 to 2024-09-01, and again from 2025-03-15. Transports: V5
2024-07-07, 2025-05-10, 2025-06-10 (cancelled); V1 (C4) 2025-05-10 (done).

Protective measures: C1 contact ban granted 2024-06-20, later ended; C4 contact ban granted
2025-05-05, an alarm package applied for only; C3 alarm package refused 2025-02-01 and granted
2025-08-01.

S1 has an incident on 2026-02-01 by P3s: counted for neither organisation's re-offending, since
P3's closed case C3 is the police's and S1 is social services'.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

import time_machine

from igor.cases.models import Case
from igor.people.models import Person
from igor.risk import actions as risk
from igor.risk.tests.helpers import all_no
from igor.support import actions as support
from igor.tips import actions as tips
from igor.tips.models import Tip
from tests.personas import Personas

FUTURE_INTERVIEW = datetime.datetime(2027, 1, 15, 10, tzinfo=datetime.UTC)


def build_work(
    p: Personas,
    made: dict[str, Case],
    person: dict[str, Person],
    at: Any,
) -> None:
    _tips(p, made, at)
    _outreach(p, made, person, at)
    _referrals(p, made, person)
    _legal(p, made, at)
    _support(p, made, person, at)
    _measures(p, made, person)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- Tips --------------------------------------------------------------------------------------


def _tip(unit: Any, kind: str, received: datetime.datetime, how_known: str = "") -> Tip:
    details: dict[str, Any] = {"what_happened": "Skrik från lägenheten bredvid."}
    if kind != "tip":
        details = {"message": "Jag vill prata med någon."}
    if how_known:
        details["how_known"] = how_known
    with time_machine.travel(received, tick=False):
        return tips.submit(
            unit=unit,
            kind=kind,
            language="sv",
            details=details,
            contact={},
            submission_key=secrets.token_urlsafe(16),
        ).tip


def _summary(p: Personas, tip: Tip, moment: datetime.datetime) -> Tip:
    with time_machine.travel(moment, tick=False):
        return tips.write_summary(
            actor=p.triage_a, tip=tip, summary="Oro för våld i hemmet.", protect_tipster=False
        )


def _tips(p: Personas, made: dict[str, Case], at: Any) -> None:
    t0 = _tip(p.unit_a, "tip", at("2024-02-28", 9), "relative")
    t0 = _summary(p, t0, at("2024-02-29", 9))
    tips.link_case(actor=p.triage_a, tip=t0, case=made["S2"])
    t1 = _tip(p.unit_a, "tip", at("2025-04-30", 10), "neighbour")
    _summary(p, t1, at("2025-05-01", 10))
    t2 = _tip(p.unit_a, "tip", at("2025-06-10", 12))
    t2 = _summary(p, t2, at("2025-06-13", 12))
    tips.link_case(actor=p.triage_a, tip=t2, case=made["S1"])
    t3 = _tip(p.unit_a, "contact_me", at("2025-07-01", 8))
    t3 = _summary(p, t3, at("2025-07-01", 20))
    tips.link_case(actor=p.triage_a, tip=t3, case=made["S1"])
    _tip(p.unit_a, "help_to_stop", at("2024-11-01", 10))
    _tip(p.unit_b, "tip", at("2025-03-01", 10), "friend")


# --- Outreach and referrals --------------------------------------------------------------------


def _outreach(p: Personas, made: dict[str, Case], person: dict[str, Person], at: Any) -> None:
    police, social = p.police_a, p.social_a
    plan = [
        (police, "C4", "P1", "2025-05-04", "reached", "treatment", "declined"),
        (police, "C4", "P1", "2025-06-01", "reached", "treatment", "accepted"),
        (police, "C3", "P3", "2025-02-01", "not_reached", "", ""),
        (police, "C3", "P3", "2025-03-01", "reached", "treatment", "thinking"),
        (police, "C3", "P3", "2025-04-01", "reached", "treatment", "declined"),
        (police, "C3", "V4", "2025-08-01", "reached", "support_talk", "accepted"),
        (social, "S1", "V5", "2025-03-10", "reached", "support_talk", "declined"),
        (social, "S1", "V5", "2025-07-03", "reached", "other", "thinking"),
        (social, "S1", "P3s", "2024-05-05", "reached", "treatment", "accepted"),
    ]
    for actor, case, who, day, result, offer, answer in plan:
        support.record_outreach(
            actor=actor,
            case=made[case],
            person=person[who],
            method="home_visit",
            done_at=at(day, 8 if day == "2025-07-03" else 10),
            result=result,
            offer=offer,
            answer=answer,
        )


def _referrals(p: Personas, made: dict[str, Case], person: dict[str, Person]) -> None:
    treatment = support.add_provider(
        actor=p.lead_a,
        unit=p.unit_a,
        details={"name": "Behandling för våldsutövare", "kind": "treatment"},
    )
    plan = [
        (p.police_a, "C4", "P1", "2025-06-05", [("accepted", "2025-06-10"), ("started", "2025-06-20")]),
        (
            p.police_a,
            "C3",
            "P3",
            "2025-04-10",
            [("accepted", "2025-04-15"), ("started", "2025-05-01"), ("completed", "2025-10-01")],
        ),
        (
            p.social_a,
            "S1",
            "P3s",
            "2024-05-10",
            [("accepted", "2024-05-20"), ("started", "2024-06-01"), ("completed", "2024-12-01")],
        ),
    ]  # fmt: skip
    for actor, case, who, sent, steps in plan:
        referral = support.send_referral(
            actor=actor,
            case=made[case],
            person=person[who],
            provider=treatment,
            purpose="Behandlingsprogram",
            sent_on=_day(sent),
        )
        for status, day in steps:
            referral = support.update_referral(
                actor=actor, referral=referral, status=status, on=_day(day)
            )


# --- The legal process -------------------------------------------------------------------------


def _legal(p: Personas, made: dict[str, Case], at: Any) -> None:
    officer = p.police_a
    c1 = support.record_legal_process(
        actor=officer,
        case=made["C1"],
        report_number="K-1",
        details={
            "investigation": "with_prosecutor",
            "prosecutor_decision": "prosecution",
            "decided_on": _day("2024-10-01"),
            "judgment": "conviction",
            "judged_on": _day("2025-02-15"),
        },
    )
    support.add_legal_event(actor=officer, process=c1, kind="victim_interview", at=at("2024-06-15"))
    c4 = support.record_legal_process(
        actor=officer,
        case=made["C4"],
        report_number="K-2",
        details={"investigation": "with_prosecutor"},
    )
    support.add_legal_event(actor=officer, process=c4, kind="victim_interview", at=at("2025-05-10"))
    support.record_legal_process(
        actor=officer, case=made["C3"], report_number="K-3", details={"investigation": "ongoing"}
    )
    c6 = support.record_legal_process(
        actor=officer, case=made["C6"], report_number="K-6", details={"investigation": "ongoing"}
    )
    support.add_legal_event(actor=officer, process=c6, kind="victim_interview", at=FUTURE_INTERVIEW)


# --- Sheltered housing and transports ----------------------------------------------------------


def _support(p: Personas, made: dict[str, Case], person: dict[str, Person], at: Any) -> None:
    social, s1, v5 = p.social_a, made["S1"], person["V5"]
    shelter = support.add_provider(
        actor=p.lead_a,
        unit=p.unit_a,
        details={"name": "Skyddat boende Test", "kind": "sheltered_housing", "capacity": 2},
    )
    first = support.place_in_shelter(
        actor=social,
        case=s1,
        person=v5,
        provider=shelter,
        moved_in_on=_day("2024-08-01"),
        address="Testgatan 1",
    )
    support.end_placement(actor=social, placement=first, moved_out_on=_day("2024-09-01"))
    support.place_in_shelter(
        actor=social,
        case=s1,
        person=v5,
        provider=shelter,
        moved_in_on=_day("2025-03-15"),
        address="Testgatan 2",
    )
    rides = [
        (social, s1, v5, "2024-07-07", "police_interview", ""),
        (social, s1, v5, "2025-05-10", "police_interview", ""),
        (social, s1, v5, "2025-06-10", "court", "cancelled"),
        (p.police_a, made["C4"], person["V1"], "2025-05-10", "police_interview", "done"),
    ]
    for actor, case, who, day, purpose, status in rides:
        ride = support.book_transport(
            actor=actor,
            case=case,
            person=who,
            purpose=purpose,
            departs_at=at(day, 9),
            from_place="Hemma",
            to_place="Polishuset",
        )
        if status:
            support.set_transport_status(actor=actor, transport=ride, status=status)


# --- Protective measures -----------------------------------------------------------------------


def _measures(p: Personas, made: dict[str, Case], person: dict[str, Person]) -> None:
    officer = p.police_a
    for case, who in (("C1", "V1"), ("C3", "V4"), ("C4", "V1")):
        risk.assess_with_instrument(
            actor=officer,
            case=made[case],
            person=person[who],
            instrument_key="igor-screening@1",
            answers=all_no(),
            level="high",
            rationale="Upprepat våld och hot.",
        )

    def measure(case: str, who: str, kind: str, status: str, applied: str, decided: str = ""):
        details: dict[str, Any] = {"kind": kind, "status": status, "applied_on": _day(applied)}
        if decided:
            details["decided_on"] = _day(decided)
        if status == "granted" and kind == "contact_ban":
            details["starts_on"] = _day(decided)
            details["expires_on"] = _day(decided) + datetime.timedelta(days=180)
        return risk.add_measure(
            actor=officer, case=made[case], person=person[who], details={**details, "level": "high"}
        )

    ban = measure("C1", "V1", "contact_ban", "granted", "2024-06-12", "2024-06-20")
    risk.update_measure(actor=officer, measure=ban, details={"status": "ended"})
    measure("C4", "V1", "contact_ban", "granted", "2025-05-02", "2025-05-05")
    measure("C4", "V1", "alarm_package", "applied", "2025-05-03")
    measure("C3", "V4", "alarm_package", "refused", "2025-01-20", "2025-02-01")
    measure("C3", "V4", "alarm_package", "granted", "2025-07-20", "2025-08-01")
