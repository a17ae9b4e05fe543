"""Demo support work: providers, outreach histories, referrals, victim support, transports,
sheltered housing, legal processes and tasks, written through the actions (so audited) for a
few dozen cases per unit. Deterministic for a seed and an anchor time.

The most recently opened cases are chosen, and the patterns below are fixed by each case's place
in the list, so that the unit's figures for this year (offers, acceptances, treatment started and
completed, victim interviews, cases to the prosecutor, convictions, transports, sheltered housing)
have five or more on each side and are shown, not suppressed as small numbers."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap, Role
from igor.cases.models import Case, CaseStatus, Party, PartyRole
from igor.support import actions
from igor.support.models import Provider
from igor.tips import actions as tip_actions
from igor.tips.models import Status as TipStatus
from igor.tips.models import Tip

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
CASES_PER_SIDE = 20

PROVIDERS = (
    ("Relationsvåldscentrum City", "violence_centre", "08-508 00 000 (växel)", None),
    ("Kriscentrum för män", "treatment", "Remiss via socialsekreterare", None),
    ("Kvinnojouren Södra", "womens_shelter", "Jourtelefon dygnet runt", 6),
    ("Skyddat boende Tallen", "sheltered_housing", "Placering via socialtjänsten", 4),
    ("Mansjouren", "mens_shelter", "Kvällstid", 3),
    ("Beroendemottagningen", "addiction", "Egen remissblankett", None),
    ("Tolkförmedlingen", "interpreter", "Beställning dagen före", None),
)


def _workers(unit: Unit, organisation_id: int) -> list[User]:
    return [
        user
        for user in User.objects.filter(units=unit, organisation_id=organisation_id, is_active=True)
        if user.can(Cap.EDIT_CASE_DATA)
    ]


def _cases(unit: Unit, organisation_id: int, role: str) -> list[tuple[Case, Party]]:
    parties = (
        Party.objects.filter(
            case__unit=unit,
            case__organisation_id=organisation_id,
            case__status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE],
            role=role,
        )
        .select_related("case", "person")
        .order_by("-case__opened_at", "case_id", "id")
    )
    seen: dict[int, tuple[Case, Party]] = {}
    for party in parties:
        seen.setdefault(party.case_id, (party.case, party))
        if len(seen) >= CASES_PER_SIDE:
            break
    return list(seen.values())


def _providers(unit: Unit) -> dict[str, Provider]:
    lead = User.objects.filter(units=unit, role=Role.UNIT_LEAD).order_by("pk").first()
    found = {p.kind: p for p in Provider.objects.filter(unit=unit)}
    if lead is None:
        return found
    for name, kind, contact, places in PROVIDERS:
        if kind not in found:
            found[kind] = actions.add_provider(
                actor=lead,
                unit=unit,
                details={"name": name, "kind": kind, "contact": contact, "capacity": places},
            )
    return found


def _outreach(
    rng: random.Random, actor: User, case: Case, party: Party, now: datetime.datetime, index: int
) -> bool:
    """A history like the pilot's: several attempts, offers declined, and for three in four a yes
    at the last one; for the others the last offer is declined. True when the person said yes."""
    attempts = rng.randint(2, 6)
    says_yes = index % 4 != 0
    start = now - (attempts * 4 + 2) * DAY
    for number in range(1, attempts + 1):
        last = number == attempts
        reached = last or rng.random() < 0.4
        offer = "treatment" if reached else ""
        answer = (
            ("accepted" if last and says_yes else rng.choice(["declined", "thinking"]))
            if offer
            else ""
        )
        actions.record_outreach(
            actor=actor,
            case=case,
            person=party.person,
            method=rng.choice(["home_visit", "home_visit", "phone", "letter", "after_interview"]),
            done_at=start + number * 4 * DAY + 18 * HOUR,
            result="reached" if reached else "not_reached",
            offer=offer,
            answer=answer,
            follow_up_on=(now + rng.randint(-1, 10) * DAY).date() if number == attempts else None,
        )
    if not says_yes:
        actions.plan_outreach(
            actor=actor,
            case=case,
            person=party.person,
            method="home_visit",
            planned_for=now + rng.randint(1, 12) * DAY + 17 * HOUR,
        )
    return says_yes


def _referral(
    rng: random.Random,
    actor: User,
    case: Case,
    party: Party,
    provider: Provider,
    today: datetime.date,
    index: int,
) -> None:
    referral = actions.send_referral(
        actor=actor,
        case=case,
        person=party.person,
        provider=provider,
        purpose="Behandlingsprogram för våldsutövare",
        sent_on=today - 20 * DAY,
    )
    # Of those who said yes: a third complete, a third start (some drop out), a third do not start.
    steps = [
        ["accepted", "started", "completed"],
        rng.choice([["accepted", "started"], ["accepted", "started", "dropped_out"]]),
        rng.choice([[], ["accepted"], ["rejected"]]),
    ][index % 3]
    for offset, status in enumerate(steps, start=1):
        actions.update_referral(
            actor=actor,
            referral=referral,
            status=status,
            on=today - (20 - offset * 5) * DAY,
            reason="Ingen plats inom rimlig tid" if status == "rejected" else "",
            feedback="Deltar i gruppen varje vecka." if status == "started" else "",
        )


def _victim_outreach(
    rng: random.Random, actor: User, case: Case, party: Party, now: datetime.datetime, index: int
) -> None:
    """Social services reach the victim in the last days and offer support talks; every other
    one says yes. Some needed a second try."""
    if index % 2:
        actions.record_outreach(
            actor=actor,
            case=case,
            person=party.person,
            method="phone",
            done_at=now - 3 * DAY + 10 * HOUR,
            result="not_reached",
        )
    actions.record_outreach(
        actor=actor,
        case=case,
        person=party.person,
        method=rng.choice(["home_visit", "phone", "after_interview"]),
        done_at=now - DAY + rng.randint(9, 16) * HOUR,
        result="reached",
        offer="support_talk",
        answer="accepted" if index % 2 == 0 else rng.choice(["declined", "thinking"]),
    )


def _victim_support(
    rng: random.Random,
    actor: User,
    case: Case,
    party: Party,
    providers: dict[str, Provider],
    now: datetime.datetime,
    index: int,
) -> None:
    today = now.date()
    for kind in rng.sample(
        ["advice", "authorities", "legal_process", "talk_individual", "practical", "early_meeting"],
        2,
    ):
        actions.record_intervention(
            actor=actor,
            case=case,
            person=party.person,
            kind=kind,
            started_on=today - rng.randint(5, 40) * DAY,
            without_police_report=rng.random() < 0.3,
        )
    _transports(rng, actor, case, party, now, index)
    # One in four moves to sheltered housing, in two providers so neither is full.
    housing = "sheltered_housing" if index % 8 == 0 else "womens_shelter"
    if index % 4 == 0 and housing in providers:
        try:
            actions.place_in_shelter(
                actor=actor,
                case=case,
                person=party.person,
                provider=providers[housing],
                moved_in_on=today - rng.randint(1, 30) * DAY,
                address=f"Demoboende {index}, 123 45 Exempelstad",
            )
        except ValidationError:  # the demo shelter is full: the next victim goes without
            pass


def _transports(
    rng: random.Random,
    actor: User,
    case: Case,
    party: Party,
    now: datetime.datetime,
    index: int,
) -> None:
    """A ride booked for the coming days; every other victim also had one to her interview."""
    rides = [now + rng.randint(1, 13) * DAY + rng.randint(8, 15) * HOUR]
    if index % 2 == 0:
        rides.append(now - rng.randint(2, 40) * DAY + 9 * HOUR)
    for departs_at in rides:
        ride = actions.book_transport(
            actor=actor,
            case=case,
            person=party.person,
            purpose=rng.choice(["police_interview", "court"]),
            departs_at=departs_at,
            from_place="Hämtas vid bostaden",
            to_place="Polishuset, Kungsholmsgatan 43",
            driver=actor,
            escort_risk="Undvik Ringvägen" if rng.random() < 0.5 else "",
        )
        if departs_at < now:
            actions.set_transport_status(actor=actor, transport=ride, status="done")


def _legal(
    rng: random.Random, actor: User, case: Case, number: int, now: datetime.datetime, index: int
) -> None:
    """Every other case has a police report under investigation. In half of those the victim has
    been interviewed, the investigation went to the prosecutor and the court convicted; in the
    rest the interview is still to come."""
    today = now.date()
    done = index % 4 == 0
    details: dict[str, object] = {"investigation": "ongoing"}
    if done:
        details = {
            "investigation": "with_prosecutor",
            "prosecutor_decision": "prosecution",
            "decided_on": today - 30 * DAY,
            "judgment": "conviction",
            "judged_on": today - rng.randint(2, 20) * DAY,
        }
    process = actions.record_legal_process(
        actor=actor, case=case, report_number=f"K{100000 + number}-26", details=details
    )
    interview = now - rng.randint(35, 60) * DAY if done else now + rng.randint(1, 10) * DAY
    actions.add_legal_event(
        actor=actor,
        process=process,
        kind="victim_interview",
        at=interview + 10 * HOUR,
        place="Polishuset",
    )
    if not done and rng.random() < 0.4:
        actions.add_legal_event(
            actor=actor,
            process=process,
            kind="main_hearing",
            at=now + rng.randint(10, 13) * DAY + 9 * HOUR,
            place="Stockholms tingsrätt",
        )


def _link_tips(unit: Unit, cases: list[Case]) -> None:
    """Tips that triage found to be about the families of these cases, so the time from a tip to
    the first contact can be counted."""
    triage = User.objects.filter(units=unit, role=Role.TRIAGE_OFFICER).order_by("pk").first()
    if triage is None:
        return
    tips = Tip.objects.filter(
        unit=unit, kind="tip", case__isnull=True, status=TipStatus.TRIAGED
    ).order_by("pk")
    for tip, case in zip(tips, cases, strict=False):
        try:
            tip_actions.link_case(actor=triage, tip=tip, case=case)
        except PermissionDenied:  # a triage officer of the other organisation
            return


def _police_side(
    rng: random.Random, unit: Unit, providers: dict[str, Provider], now: datetime.datetime
) -> int:
    police = _workers(unit, unit.police_id)
    touched = said_yes = 0
    for index, (case, party) in enumerate(_cases(unit, unit.police_id, PartyRole.PERPETRATOR)):
        if not police:
            break
        actor = case.owner if case.owner in police else police[index % len(police)]
        if _outreach(rng, actor, case, party, now, index) and "treatment" in providers:
            _referral(rng, actor, case, party, providers["treatment"], now.date(), said_yes)
            said_yes += 1
        if index % 2 == 0:
            _legal(rng, actor, case, unit.pk * 1000 + index, now, index)
        touched += 1
    return touched


def _social_side(
    rng: random.Random, unit: Unit, providers: dict[str, Provider], now: datetime.datetime
) -> int:
    social = _workers(unit, unit.social_services_id)
    touched = 0
    reached: list[Case] = []
    for index, (case, party) in enumerate(_cases(unit, unit.social_services_id, PartyRole.VICTIM)):
        if not social:
            break
        actor = case.owner if case.owner in social else social[index % len(social)]
        _victim_outreach(rng, actor, case, party, now, index)
        reached.append(case)
        _victim_support(rng, actor, case, party, providers, now, index)
        actions.create_task(
            actor=actor,
            unit=unit,
            title="Stämma av säkerhetsplanen",
            due_on=(now + (index - 3) * DAY).date(),
            case=case,
            assignee=actor,
        )
        touched += 1
    _link_tips(unit, reached[:5])
    return touched


@transaction.atomic
def add_support_demo(*, now: datetime.datetime, seed: int) -> int:
    """Support work for the most recent open cases of every unit; returns the cases touched."""
    rng = random.Random(seed)
    touched = 0
    for unit in Unit.objects.order_by("pk"):
        providers = _providers(unit)
        touched += _police_side(rng, unit, providers, now)
        touched += _social_side(rng, unit, providers, now)
    return touched
