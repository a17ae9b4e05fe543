"""The figures' arithmetic: pure functions over plain values, tested without a database.

A figure's raw value for one unit is one of three kinds, each of which can be pooled across units
(the national figure is the pool, never an average of unit figures):

- `Count`: how many;
- `Share`: numerator of denominator (e.g. victims accepting support of those offered it);
- `Durations`: the days each item took (e.g. tip to triage), summarised by the median.
"""

from __future__ import annotations

import bisect
import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from igor.stats.periods import add_months


@dataclass(frozen=True)
class Count:
    n: int = 0

    def pool(self, other: Count) -> Count:
        return Count(self.n + other.n)


@dataclass(frozen=True)
class Share:
    numerator: int = 0
    denominator: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"a share needs 0 ≤ {self.numerator} ≤ {self.denominator}")

    def pool(self, other: Share) -> Share:
        return Share(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def percent(self) -> float | None:
        return percent(self.numerator, self.denominator)


@dataclass(frozen=True)
class Durations:
    days: tuple[float, ...] = field(default_factory=tuple)

    def pool(self, other: Durations) -> Durations:
        return Durations(self.days + other.days)

    @property
    def n(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return median(self.days)


@dataclass(frozen=True)
class Breakdown:
    """Counts by category (e.g. tips by channel); the total is their sum."""

    counts: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)

    @property
    def total(self) -> int:
        return sum(n for _key, n in self.counts)

    def pool(self, other: Breakdown) -> Breakdown:
        merged = self.as_dict()
        for key, n in other.counts:
            merged[key] = merged.get(key, 0) + n
        return Breakdown(tuple(sorted(merged.items())))


Value = Count | Share | Durations | Breakdown


def pool(values: Iterable[Value], empty: Value) -> Value:
    """All units together: counts added, shares' parts added, durations put in one list."""
    total = empty
    for value in values:
        total = total.pool(value)  # type: ignore[arg-type]
    return total


def percent(numerator: int, denominator: int) -> float | None:
    """numerator / denominator as a percentage with one decimal; None when nothing to divide."""
    if denominator == 0:
        return None
    return round(100 * numerator / denominator, 1)


def median(days: Sequence[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Elapsed days, to a tenth; negative spans (a clock mistake) count as zero."""
    return max(0.0, round((end - start).total_seconds() / 86400, 1))


@dataclass(frozen=True)
class Change:
    """The main period against the comparison period."""

    difference: float | None
    relative: float | None  # percent; None when the comparison is zero or missing


def change(current: float | None, previous: float | None) -> Change:
    if current is None or previous is None:
        return Change(None, None)
    difference = round(current - previous, 1)
    relative = None if previous == 0 else round(100 * (current - previous) / previous, 1)
    return Change(difference, relative)


# --- Re-offending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedCase:
    """A closed case: when, who used violence and against whom."""

    closed_on: datetime.date
    perpetrators: frozenset[str]
    victims: frozenset[str]


@dataclass(frozen=True)
class LaterIncident:
    """An incident in any case of the unit, with that case's perpetrators and victims."""

    occurred_on: datetime.date
    perpetrators: frozenset[str]
    victims: frozenset[str]


Variant = tuple[int, str]  # (months of follow-up, partner: "any", "same" or "new")
PerpetratorIndex = dict[str, list[LaterIncident]]


def index_incidents(incidents: Sequence[LaterIncident]) -> PerpetratorIndex:
    """The later incidents by person using violence, each list in date order (built once and
    shared by every re-offending figure of a period)."""
    by_perpetrator: PerpetratorIndex = defaultdict(list)
    for incident in incidents:
        for key in incident.perpetrators:
            by_perpetrator[key].append(incident)
    for found in by_perpetrator.values():
        found.sort(key=lambda incident: incident.occurred_on)
    return by_perpetrator


def reoffending(
    closed: Iterable[ClosedCase],
    incidents: Sequence[LaterIncident],
    *,
    months: int,
    today: datetime.date,
    partner: str = "any",
) -> Share:
    """Of the closed cases whose follow-up of `months` is over by `today`, how many had a new
    incident by one of their perpetrators within `months` after the closing day.

    `partner` narrows the new incident: "same" (against one of the case's victims), "new"
    (against somebody else only) or "any". A case still inside its follow-up is left out of the
    denominator, so a recent period is not made to look better than it is.
    """
    variant = (months, partner)
    return reoffending_variants(
        closed, index_incidents(incidents), today=today, variants=[variant]
    )[variant]


def reoffending_variants(
    closed: Iterable[ClosedCase],
    index: PerpetratorIndex,
    *,
    today: datetime.date,
    variants: Sequence[Variant],
) -> dict[Variant, Share]:
    """`reoffending` for several follow-ups and partners in one pass over the closed cases."""
    hits = dict.fromkeys(variants, 0)
    followed = dict.fromkeys(variants, 0)
    for case in closed:
        if not case.perpetrators:
            continue
        for months, partner in variants:
            until = add_months(case.closed_on, months)
            if until > today:
                continue
            followed[months, partner] += 1
            if any(
                _reoffence(case, incident, until, partner)
                for key in case.perpetrators
                for incident in _between(index.get(key, []), case.closed_on, until)
            ):
                hits[months, partner] += 1
    return {variant: Share(hits[variant], followed[variant]) for variant in variants}


def _between(
    ordered: list[LaterIncident], after: datetime.date, until: datetime.date
) -> list[LaterIncident]:
    """The incidents after `after` up to and including `until`, found by bisection."""
    low = bisect.bisect_right(ordered, after, key=lambda incident: incident.occurred_on)
    high = bisect.bisect_right(ordered, until, key=lambda incident: incident.occurred_on)
    return ordered[low:high]


def _reoffence(
    case: ClosedCase, incident: LaterIncident, until: datetime.date, partner: str
) -> bool:
    if not (case.closed_on < incident.occurred_on <= until):
        return False
    if not case.perpetrators & incident.perpetrators:
        return False
    same = bool(case.victims & incident.victims)
    if partner == "same":
        return same
    if partner == "new":
        return not same and bool(incident.victims)
    return True
