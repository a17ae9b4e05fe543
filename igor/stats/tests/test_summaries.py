"""The daily summaries equal a recount of the rows after any history of changes (summaries.py)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import transaction

from igor.cases import actions as cases
from igor.cases.models import Case, CaseStatus, Party
from igor.people import actions as people
from igor.people.models import Person
from igor.stats import results, summaries
from igor.stats.figures import FIGURES
from igor.stats.models import ChangedCase, DailyCount
from igor.stats.periods import Period
from igor.stats.tests.world import P3_NUMBER, Figures, _case, _incident, at, build
from tests.builders import identity_number, make_person
from tests.personas import Personas

TODAY = datetime.date(2026, 11, 27)
OTHER_NUMBER = identity_number("19700101")
PERIODS = (
    Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    Period(datetime.date(2025, 3, 1), datetime.date(2026, 2, 14)),
    Period(datetime.date(2024, 6, 15), datetime.date(2025, 5, 20)),
    Period(datetime.date(2025, 1, 10), datetime.date(2025, 1, 20)),
)


@pytest.fixture
def world(personas: Personas) -> Figures:
    return build(personas)


def _every_figure() -> dict[tuple[str, Period], object]:
    version = results.data_version()
    return {
        (figure.key, period): figure.compute(period, TODAY)
        for figure in FIGURES
        if figure.compute
        for period in PERIODS
        if version  # read anew: the memos are keyed by the version
    }


def test_the_summaries_of_the_hand_made_world_match_the_rows(world: Figures) -> None:
    assert summaries.differences() == []
    assert DailyCount.objects.filter(source=summaries.REOFFENDING).exists()
    assert not ChangedCase.objects.exists()  # the reading consumed every change


def test_a_rebuild_gives_the_same_figures_as_the_kept_summaries(world: Figures) -> None:
    kept = _every_figure()
    summaries.rebuild()
    assert _every_figure() == kept


def _random_step(rng: random.Random, world: Figures, persons: list[Person]) -> None:
    officer = world.p.police_a
    own = list(Case.objects.filter(unit=world.p.unit_a, organisation=officer.organisation))
    step = rng.choice(["open", "party", "incident", "close", "reopen", "number", "merge", "date"])
    case = rng.choice(own)
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900))
    if step == "open":
        _case(officer, f"R{rng.randrange(10**6)}", day.isoformat())
    elif step == "party":
        person = rng.choice(persons)
        if not Party.objects.filter(case=case, person=person).exists():
            role = rng.choice(["victim", "perpetrator"])
            cases.add_party(actor=officer, case=case, person=person, role=role)
    elif step == "incident":
        _incident(officer, case, day.isoformat(), report=rng.choice(["", "K-9"]))
    elif step == "close" and case.status != CaseStatus.CLOSED:
        cases.update_case(actor=officer, case=case, details={"status": CaseStatus.CLOSED})
        if rng.random() < 0.8:  # most closings back-dated, as an import of old cases would be
            closed = max(case.opened_at, at(day.isoformat()))
            Case.objects.filter(pk=case.pk).update(closed_at=closed)
            summaries.mark_cases([case.pk])
    elif step == "reopen" and case.status == CaseStatus.CLOSED:
        cases.update_case(actor=officer, case=case, details={"status": CaseStatus.OPEN})
    elif step == "number":
        number = rng.choice(["", P3_NUMBER, P3_NUMBER, OTHER_NUMBER])
        kind = "personnummer" if number else "none"
        details: dict[str, object] = {"identity_kind": kind, "identity_number": number}
        if number:
            born = datetime.date(1875, 1, 1) if number == P3_NUMBER else datetime.date(1970, 1, 1)
            details["birth_date"] = born
        # The identity number makes two rows one person using violence.
        people.update_person(actor=officer, person=rng.choice(persons), details=details)
    elif step == "merge":
        first, second = rng.sample(persons, 2)
        moved = list(Party.objects.filter(person=second).values_list("pk", flat=True))
        Party.objects.filter(pk__in=moved).exclude(case__parties__person=first).update(person=first)
        summaries.mark_cases(Party.objects.filter(pk__in=moved).values_list("case_id", flat=True))
    elif step == "date":
        Case.objects.filter(pk=case.pk).update(opened_at=at(day.isoformat()))
        summaries.mark_cases([case.pk])


@pytest.mark.parametrize("seed", range(4))
def test_random_histories_keep_the_summaries_equal_to_a_recount(world: Figures, seed: int) -> None:
    rng = random.Random(seed)
    persons = [make_person(world.p.police_a, first_name=f"R{n}") for n in range(6)]
    for step in range(60):
        with transaction.atomic():
            _random_step(rng, world, persons)
        if step % 15 == 14:
            assert summaries.differences() == [], f"seed {seed}, step {step}"
    kept = _every_figure()
    summaries.rebuild()
    assert _every_figure() == kept, f"seed {seed}"


def test_a_change_that_bypasses_the_actions_is_caught_by_the_check(world: Figures) -> None:
    """The check is real: a row changed past the signals makes it report, a rebuild repairs."""
    assert summaries.differences() == []
    case = world.cases["C4"]
    Case.objects.filter(pk=case.pk).update(opened_at=at("2025-09-09"))
    problems = summaries.differences()
    assert any(problem.startswith("opened 2025-09-09") for problem in problems), problems
    summaries.rebuild()
    assert summaries.differences() == []


def _reoffending_6(period: Period) -> object:
    from igor.stats import passes

    passes.forget()
    compute = next(f for f in FIGURES if f.key == "reoffending_6").compute
    assert compute is not None
    return compute(period, TODAY)


def test_a_later_incident_in_another_case_recounts_the_earlier_closing_day(world: Figures) -> None:
    """C2 (P2, closed 2025-03-01) had no re-offence within 6 months; an incident of P2's other
    case C5 dated within them makes it one, though C2 itself did not change."""
    main = PERIODS[1]
    unit = world.p.unit_a.pk
    before = _reoffending_6(main)[unit]  # type: ignore[index]
    _incident(world.p.police_a, world.cases["C5"], "2025-04-20")
    after = _reoffending_6(main)[unit]  # type: ignore[index]
    assert after.numerator == before.numerator + 1 and after.denominator == before.denominator
    assert summaries.differences() == []


def test_an_identity_number_makes_two_rows_one_person_using_violence(world: Figures) -> None:
    """P2 (C2, closed 2025-03-01) gets the identity number of the person using violence in a
    new case with an incident in April: that incident is now P2's re-offence. Only the person
    changed; the summaries follow."""
    officer = world.p.police_a
    p2 = Party.objects.get(case=world.cases["C2"], role="perpetrator").person
    later = _case(officer, "L1", "2025-04-01")
    stranger = make_person(
        officer,
        first_name="L1P",
        identity_kind="personnummer",
        identity_number=OTHER_NUMBER,
        birth_date=datetime.date(1970, 1, 1),
    )
    cases.add_party(actor=officer, case=later, person=stranger, role="perpetrator")
    _incident(officer, later, "2025-04-02")
    before = _reoffending_6(PERIODS[1])[world.p.unit_a.pk]  # type: ignore[index]
    details = {
        "identity_kind": "personnummer",
        "identity_number": OTHER_NUMBER,
        "birth_date": datetime.date(1970, 1, 1),
    }
    people.update_person(actor=officer, person=p2, details=details)
    after = _reoffending_6(PERIODS[1])[world.p.unit_a.pk]  # type: ignore[index]
    assert after.numerator == before.numerator + 1  # C2's P2 is L1's person using violence
    assert summaries.differences() == []


def test_distinct_persons_of_whole_and_cut_months_are_those_of_the_cases(world: Figures) -> None:
    """The monthly roll-up and the edge days give the definition's count for any period."""
    from django.db.models import Count as DbCount

    officer = world.p.police_a
    shared = make_person(officer, first_name="M0")
    days = ("2024-06-14", "2024-06-15", "2025-05-20", "2025-05-21", "2025-01-31", "2026-02-20")
    for day in days:  # a person of that day alone, and one on every day: just in or just out
        case = _case(officer, f"M{day}", day)
        alone = make_person(officer, first_name=f"M{day}")
        cases.add_party(actor=officer, case=case, person=alone, role="victim")
        cases.add_party(actor=officer, case=case, person=shared, role="victim")
    for period in PERIODS:
        for role, source in (
            ("victim", summaries.VICTIMS),
            ("perpetrator", summaries.PERPETRATORS),
        ):
            expected = dict(
                Party.objects.filter(
                    role=role,
                    case__opened_at__gte=period.lower(),
                    case__opened_at__lt=period.upper(),
                )
                .order_by()
                .values_list("case__unit_id")
                .annotate(n=DbCount("person_id", distinct=True))
            )
            assert summaries.distinct_persons(period, source) == expected, (period, role)


def test_summaries_of_older_counting_rules_are_rebuilt_when_next_read(world: Figures) -> None:
    from igor.stats.models import SummaryState

    summaries.refresh()
    DailyCount.objects.filter(source=summaries.OPENED).delete()  # as if counted by other rules
    SummaryState.objects.filter(id=1).update(version=summaries.VERSION - 1)
    summaries.refresh()
    assert SummaryState.objects.get(id=1).version == summaries.VERSION
    assert summaries.differences() == []
