"""One grouped query per source table and period, shared by every figure that reads that table.

The dashboard shows about ten figures about the cases opened in a period (how many, how many had
no police report, where they came from, how many reached the prosecutor, …) and three about the
incidents of a period. Asking the database once per figure reads the same rows ten times; here one
query reads a period's cases once and counts every figure's numerator and denominator at once
(conditional counts, `COUNT(*) FILTER (WHERE …)`), and likewise for the incidents and the parties.

Correct by construction: every pass reads the rows at request time, the same rows and conditions
the one-figure-one-query definitions used (the data dictionary's formulas); nothing is stored.
Within a request the figures of one period share a pass through a memo keyed by the audit chain
head (`sources.data_version`), which every action moves in the transaction of its write, so a
pass is never reused after a change. `forget()` empties the memos (the benchmark's cold runs).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, Q

from igor.cases.models import Case, Incident, Party, PartyRole
from igor.stats.formulas import Breakdown, Count, Share, Value
from igor.stats.periods import STOCKHOLM, Period
from igor.support.models import InvestigationStatus, LegalEvent, LegalEventKind, LegalProcess
from igor.tips.models import Tip

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


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.lower(), f"{field}__lt": period.upper()})


def _end_of(today: datetime.date) -> datetime.datetime:
    after = today + datetime.timedelta(days=1)
    return datetime.datetime.combine(after, datetime.time(), tzinfo=STOCKHOLM)


class Origin:
    TIP = "tip"
    POLICE_REPORT = "police_report"
    OWN_WORK = "own_work"


@remembered
def opened_cases(period: Period, today: datetime.date, version: str) -> Rows:
    """The counters of the cases opened in the period, by unit, in one pass."""
    reported = Exists(
        Incident.objects.filter(case_id=OuterRef("pk")).exclude(police_report_number="")
    )
    tip = Exists(Tip.objects.filter(case_id=OuterRef("pk"), received_at__lte=OuterRef("opened_at")))
    process = Exists(LegalProcess.objects.filter(case_id=OuterRef("pk")))
    handed = Exists(
        LegalProcess.objects.filter(case_id=OuterRef("pk")).filter(
            Q(investigation=InvestigationStatus.WITH_PROSECUTOR) | ~Q(prosecutor_decision="")
        )
    )
    interviewed = Exists(
        LegalEvent.objects.filter(
            process__case_id=OuterRef("pk"),
            kind=LegalEventKind.VICTIM_INTERVIEW,
            at__lt=_end_of(today),
        )
    )
    cases = Case.objects.filter(_in(period, "opened_at")).annotate(
        has_report=reported,
        has_tip=tip,
        has_process=process,
        was_handed=handed,
        was_interviewed=interviewed,
    )
    # Grouped by the flags themselves, so each subquery is evaluated once per case (a filtered
    # count per counter would evaluate it once per counter); at most 32 groups per unit.
    flags = ("has_report", "has_tip", "has_process", "was_handed", "was_interviewed")
    groups = cases.order_by().values("unit_id", *flags).annotate(n=DbCount("pk"))
    found: Rows = {}
    for group in groups:
        row = found.setdefault(group["unit_id"], dict.fromkeys(OPENED_COUNTERS, 0))
        for counter in _opened_counters(*(bool(group[flag]) for flag in flags)):
            row[counter] += group["n"]
    return found


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


def _opened_counters(
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
    """The counters of the incidents that occurred in the period, by their case's unit."""
    children = Q(children_present=True) | Q(children_saw=True) | Q(children_heard=True)
    rows = (
        Incident.objects.filter(_in(period, "occurred_at"))
        .order_by()
        .values("case__unit_id")
        .annotate(
            n=DbCount("pk"),
            reported=DbCount("pk", filter=~Q(police_report_number="")),
            children=DbCount("pk", filter=children),
        )
    )
    return {row.pop("case__unit_id"): row for row in rows}


@remembered
def new_parties(period: Period, version: str) -> dict[str, dict[int, int]]:
    """Distinct victims and perpetrators of the cases opened in the period: role → unit → n."""
    rows = (
        Party.objects.filter(role__in=[PartyRole.VICTIM, PartyRole.PERPETRATOR])
        .filter(_in(period, "case__opened_at"))
        .order_by()
        .values_list("role", "case__unit_id")
        .annotate(n=DbCount("person_id", distinct=True))
    )
    found: dict[str, dict[int, int]] = {PartyRole.VICTIM: {}, PartyRole.PERPETRATOR: {}}
    for role, unit, n in rows:
        found[role][unit] = n
    return found


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
