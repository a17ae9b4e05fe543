"""The formulas, without a database."""

from __future__ import annotations

import datetime

import pytest

from igor.stats import formulas
from igor.stats.formulas import Breakdown, ClosedCase, Count, Durations, LaterIncident, Share
from igor.stats.periods import (
    Period,
    PeriodError,
    add_months,
    check_comparison,
    default_periods,
    month_of,
)

D = datetime.date


def test_counts_and_shares_pool_by_adding_their_parts() -> None:
    assert formulas.pool([Count(2), Count(3)], Count()) == Count(5)
    assert formulas.pool([Share(1, 4), Share(3, 4)], Share()) == Share(4, 8)
    assert Share(4, 8).percent == 50.0
    assert Share().percent is None


def test_the_national_share_is_the_pool_not_the_mean_of_unit_shares() -> None:
    pooled = formulas.pool([Share(1, 1), Share(0, 9)], Share())
    assert (
        isinstance(pooled, Share) and pooled.percent == 10.0
    )  # the mean of 100 % and 0 % would say 50 %


def test_a_share_refuses_more_hits_than_cases() -> None:
    with pytest.raises(ValueError):
        Share(3, 2)


def test_durations_give_the_median() -> None:
    assert Durations((1.0, 9.0, 2.0)).median == 2.0
    assert Durations((1.0, 2.0, 3.0, 10.0)).median == 2.5
    assert Durations().median is None
    pooled = formulas.pool([Durations((1.0,)), Durations((3.0,))], Durations())
    assert isinstance(pooled, Durations) and pooled.median == 2.0


def test_days_between_never_goes_negative() -> None:
    start = datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)
    assert formulas.days_between(start, start + datetime.timedelta(hours=36)) == 1.5
    assert formulas.days_between(start, start - datetime.timedelta(days=1)) == 0.0


def test_breakdowns_pool_by_category() -> None:
    a = Breakdown((("phone", 3), ("web", 4)))
    b = Breakdown((("letter", 1), ("web", 2)))
    assert a.pool(b).as_dict() == {"letter": 1, "phone": 3, "web": 6}
    assert a.pool(b).total == 10


def test_change_between_periods() -> None:
    assert formulas.change(12, 10) == formulas.Change(2, 20.0)
    assert formulas.change(5, 0) == formulas.Change(5, None)
    assert formulas.change(None, 3) == formulas.Change(None, None)


def _closed(day: D, perpetrators: set[str], victims: set[str]) -> ClosedCase:
    return ClosedCase(day, frozenset(perpetrators), frozenset(victims))


def _incident(day: D, perpetrators: set[str], victims: set[str]) -> LaterIncident:
    return LaterIncident(day, frozenset(perpetrators), frozenset(victims))


def test_reoffending_counts_a_new_incident_within_the_window() -> None:
    closed = [
        _closed(D(2025, 1, 31), {"p1"}, {"v1"}),
        _closed(D(2025, 2, 1), {"p2"}, {"v2"}),
        _closed(D(2025, 3, 1), {"p3"}, {"v3"}),
    ]
    later = [
        _incident(D(2025, 7, 31), {"p1"}, {"v1"}),  # exactly 6 months after 31 Jan: inside
        _incident(D(2025, 8, 2), {"p2"}, {"v9"}),  # 6 months and a day: outside 6, inside 12
        _incident(D(2025, 2, 15), {"x"}, {"v3"}),  # somebody else against p3's victim: no
    ]
    today = D(2026, 11, 27)
    assert formulas.reoffending(closed, later, months=6, today=today) == Share(1, 3)
    assert formulas.reoffending(closed, later, months=12, today=today) == Share(2, 3)
    assert formulas.reoffending(closed, later, months=12, today=today, partner="same") == Share(
        1, 3
    )
    assert formulas.reoffending(closed, later, months=12, today=today, partner="new") == Share(1, 3)


def test_reoffending_leaves_out_cases_still_in_follow_up_and_before_closing() -> None:
    closed = [_closed(D(2026, 6, 1), {"p"}, {"v"}), _closed(D(2025, 1, 1), {"q"}, {"w"})]
    later = [
        _incident(D(2024, 12, 1), {"q"}, {"w"})
    ]  # before the case was closed: not a re-offence
    result = formulas.reoffending(closed, later, months=12, today=D(2026, 11, 27))
    assert result == Share(0, 1)


def test_reoffending_ignores_a_case_without_a_person_using_violence() -> None:
    closed = [_closed(D(2025, 1, 1), set(), {"v"})]
    assert formulas.reoffending(closed, [], months=6, today=D(2026, 1, 1)) == Share(0, 0)


def test_periods() -> None:
    with pytest.raises(PeriodError):
        Period(D(2025, 2, 1), D(2025, 1, 31))
    main = Period(D(2025, 1, 1), D(2025, 12, 31))
    assert main.days == 365
    assert main.year_before() == Period(D(2024, 1, 1), D(2024, 12, 31))
    with pytest.raises(PeriodError):
        check_comparison(main, Period(D(2024, 7, 1), D(2025, 1, 1)))
    check_comparison(main, Period(D(2024, 1, 1), D(2024, 12, 31)))
    assert Period(D(2024, 2, 29), D(2024, 3, 1)).year_before().start == D(2023, 2, 28)
    assert main.upper().date() == D(2026, 1, 1)


def test_default_periods_are_this_year_and_the_same_days_a_year_before() -> None:
    main, comparison = default_periods(D(2026, 11, 27))
    assert main == Period(D(2026, 1, 1), D(2026, 11, 27))
    assert comparison == Period(D(2025, 1, 1), D(2025, 11, 27))


def test_months() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 15), 14) == D(2027, 1, 15)
    stockholm_new_year = datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert month_of(stockholm_new_year) == "2025-01"
    assert month_of(None) == ""
