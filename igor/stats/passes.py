"""One pass per source and period, shared by every figure that reads it.

The dashboard shows about ten figures about the cases opened in a period (how many, how many had
no police report, where they came from, how many reached the prosecutor, …) and three about the
incidents of a period. Their counters come from the daily summaries (igor.stats.summaries): one
query sums a period's days, and every figure of that source reads the same sums. The counters a
case adds to are defined once, in `opened_counters`; the summaries count each day with it.

Within a request the figures of one period share a pass through a memo keyed by the audit chain
head (`sources.data_version`), which every action moves in the transaction of its write, so a
pass is never reused after a change. `forget()` empties the memos (the benchmark's cold runs).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from igor.cases.models import PartyRole
from igor.stats.formulas import Breakdown, Count, Share, Value
from igor.stats.periods import Period

Result = dict[int, Value]
Rows = dict[int, dict[str, int]]  # unit id → counter → number

F = TypeVar("F", bound=Callable[..., Any])
_MEMOS: list[Any] = []


def remembered(function: F) -> F:
    """Kept per (arguments, data version) for the figures of one request; see `forget`."""
    memo = functools.lru_cache(maxsize=8)(function)
    _MEMOS.append(memo)
    return memo  # type: ignore[return-value]


def forget() -> None:
    """Nothing remembered: the next figures are computed from the rows."""
    for memo in _MEMOS:
        memo.cache_clear()


class Origin:
    TIP = "tip"
    POLICE_REPORT = "police_report"
    OWN_WORK = "own_work"


@remembered
def opened_cases(period: Period, today: datetime.date, version: str) -> Rows:
    """The counters of the cases opened in the period, by unit, summed from the daily summaries
    (igor.stats.summaries, which counts each day with `opened_counters`)."""
    from igor.stats import summaries

    return summaries.opened(period, today, OPENED_COUNTERS)


OPENED_COUNTERS = (
    "opened",
    "unreported",
    Origin.TIP,
    Origin.POLICE_REPORT,
    Origin.OWN_WORK,
    "process",
    "interviewed",
    "handed",
)


def opened_counters(
    report: bool, tip: bool, process: bool, handed: bool, interviewed: bool
) -> list[str]:
    """The counters an opened case adds to: the figures' definitions, written once."""
    found = ["opened"]
    if not report:
        found.append("unreported")
    # A tip linked no later than the opening comes first, then a police report, else own work.
    found.append(Origin.TIP if tip else Origin.POLICE_REPORT if report else Origin.OWN_WORK)
    if process:
        found.append("process")
        if interviewed:
            found.append("interviewed")
    if handed:
        found.append("handed")
    return found


@remembered
def incidents_in(period: Period, version: str) -> Rows:
    """The counters of the incidents that occurred in the period, by their case's unit, summed
    from the daily summaries."""
    from igor.stats import summaries

    return summaries.incidents(period)


@remembered
def new_parties(period: Period, version: str) -> dict[str, dict[int, int]]:
    """Distinct victims and perpetrators of the cases opened in the period: role → unit → n,
    from the daily summaries (one counter per person and day)."""
    from igor.stats import summaries

    return {
        PartyRole.VICTIM: summaries.distinct_persons(period, summaries.VICTIMS),
        PartyRole.PERPETRATOR: summaries.distinct_persons(period, summaries.PERPETRATORS),
    }


def counts(rows: Rows, counter: str) -> Result:
    """A count per unit, leaving out units where it is nought (as a filtered query would)."""
    return {unit: Count(row[counter]) for unit, row in rows.items() if row[counter]}


def shares(rows: Rows, hits: str, of: str) -> Result:
    return {unit: Share(row[hits], row[of]) for unit, row in rows.items() if row[of]}


def breakdown(rows: Rows, categories: tuple[str, ...]) -> Result:
    found: Result = {}
    for unit, row in rows.items():
        parts = tuple(sorted((key, row[key]) for key in categories if row[key]))
        if parts:
            found[unit] = Breakdown(parts)
    return found
