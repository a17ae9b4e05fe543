"""Demo support work: providers, outreach histories, referrals, victim support, transports,
sheltered housing, legal processes and tasks, written through the actions (so audited) for a
few dozen cases per unit. Deterministic for a seed and an anchor time."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap, Role
from igor.cases.models import Case, CaseStatus, Party, PartyRole
from igor.support import actions
from igor.support.models import Provider

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
CASES_PER_SIDE = 12

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
        .order_by("case_id", "id")
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
    rng: random.Random, actor: User, case: Case, party: Party, now: datetime.datetime
) -> None:
    """A history like the pilot's: several attempts, offers declined, sometimes a yes."""
    attempts = rng.randint(1, 6)
    accepts_at = rng.choice([None, None, attempts]) if attempts > 1 else None
    start = now - (attempts * 4 + 2) * DAY
    for number in range(1, attempts + 1):
        reached = number == accepts_at or rng.random() < 0.4
        offer = "treatment" if reached else ""
        answer = (
            ("accepted" if number == accepts_at else rng.choice(["declined", "thinking"]))
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
    if accepts_at is None:
        actions.plan_outreach(
            actor=actor,
            case=case,
            person=party.person,
            method="home_visit",
            planned_for=now + rng.randint(1, 12) * DAY + 17 * HOUR,
        )


def _referral(
    rng: random.Random,
    actor: User,
    case: Case,
    party: Party,
    provider: Provider,
    today: datetime.date,
) -> None:
    referral = actions.send_referral(
        actor=actor,
        case=case,
        person=party.person,
        provider=provider,
        purpose="Behandlingsprogram för våldsutövare",
        sent_on=today - 20 * DAY,
    )
    steps = rng.choice(
        [
            [],
            ["accepted"],
            ["accepted", "started"],
            ["accepted", "started", "completed"],
            ["rejected"],
            ["accepted", "started", "dropped_out"],
        ]
    )
    for offset, status in enumerate(steps, start=1):
        actions.update_referral(
            actor=actor,
            referral=referral,
            status=status,
            on=today - (20 - offset * 5) * DAY,
            reason="Ingen plats inom rimlig tid" if status == "rejected" else "",
            feedback="Deltar i gruppen varje vecka." if status == "started" else "",
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
    actions.book_transport(
        actor=actor,
        case=case,
        person=party.person,
        purpose=rng.choice(["police_interview", "court"]),
        departs_at=now + rng.randint(1, 13) * DAY + rng.randint(8, 15) * HOUR,
        from_place="Hämtas vid bostaden",
        to_place="Polishuset, Kungsholmsgatan 43",
        driver=actor,
        escort_risk="Undvik Ringvägen" if rng.random() < 0.5 else "",
    )
    if index % 4 == 0 and "sheltered_housing" in providers:
        try:
            actions.place_in_shelter(
                actor=actor,
                case=case,
                person=party.person,
                provider=providers["sheltered_housing"],
                moved_in_on=today - rng.randint(1, 30) * DAY,
                address=f"Demoboende {index}, 123 45 Exempelstad",
            )
        except ValidationError:  # the demo shelter is full: the next victim goes without
            pass


def _legal(
    rng: random.Random, actor: User, case: Case, number: int, now: datetime.datetime
) -> None:
    process = actions.record_legal_process(
        actor=actor,
        case=case,
        report_number=f"K{100000 + number}-26",
        details={"investigation": "ongoing"},
    )
    actions.add_legal_event(
        actor=actor,
        process=process,
        kind="victim_interview",
        at=now + rng.randint(1, 10) * DAY + 10 * HOUR,
        place="Polishuset",
    )
    if rng.random() < 0.4:
        actions.add_legal_event(
            actor=actor,
            process=process,
            kind="main_hearing",
            at=now + rng.randint(10, 13) * DAY + 9 * HOUR,
            place="Stockholms tingsrätt",
        )


@transaction.atomic
def add_support_demo(*, now: datetime.datetime, seed: int) -> int:
    """Support work for the first open cases of every unit; returns the cases touched."""
    rng = random.Random(seed)
    touched = 0
    for unit in Unit.objects.order_by("pk"):
        providers = _providers(unit)
        police = _workers(unit, unit.police_id)
        social = _workers(unit, unit.social_services_id)
        for index, (case, party) in enumerate(_cases(unit, unit.police_id, PartyRole.PERPETRATOR)):
            if not police:
                break
            actor = case.owner if case.owner in police else police[index % len(police)]
            _outreach(rng, actor, case, party, now)
            if index % 2 == 0 and "treatment" in providers:
                _referral(rng, actor, case, party, providers["treatment"], now.date())
            if index % 3 == 0:
                _legal(rng, actor, case, unit.pk * 1000 + index, now)
            touched += 1
        for index, (case, party) in enumerate(
            _cases(unit, unit.social_services_id, PartyRole.VICTIM)
        ):
            if not social:
                break
            actor = case.owner if case.owner in social else social[index % len(social)]
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
    return touched
