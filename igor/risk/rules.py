"""The pure rules of risk work: scoring, judgement, escalation, review dates, disagreement.

No database here: each function takes plain facts and returns a plain answer, so the rules are
tested table by table and the property tests can run them thousands of times.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from igor.risk.instruments import Instrument
from igor.risk.levels import ORDER, highest, rank

# --- Scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """What an instrument suggests for a set of answers. A suggestion never decides alone."""

    score: int | None
    level: str | None
    reasons: tuple[str, ...] = ()  # item or combination ids that lifted the level
    unknowns: int = 0
    many_unknowns: bool = False


def answer_problems(instrument: Instrument, answers: Mapping[str, str]) -> dict[str, str]:
    """Per item id, what is wrong with its answer: missing or outside the item's scale.

    Answers naming items the instrument does not have are reported under the key "" .
    """
    problems = {}
    for item in instrument.items:
        given = answers.get(item.id)
        allowed = {answer.id for answer in instrument.answers_for(item)}
        if given is None or given == "":
            problems[item.id] = "missing"
        elif given not in allowed:
            problems[item.id] = "outside_scale"
    known = {item.id for item in instrument.items}
    if any(item_id not in known for item_id in answers):
        problems[""] = "unknown_item"
    return problems


def _level_for(instrument: Instrument, score: int) -> str:
    level = instrument.thresholds[0].level
    for threshold in instrument.thresholds:
        if score >= threshold.start:
            level = threshold.level
    return level


def suggest(instrument: Instrument, answers: Mapping[str, str]) -> Suggestion:
    """The score and suggested level of complete, valid answers (check `answer_problems` first)."""
    unknowns = sum(1 for value in answers.values() if value in instrument.unknown_answers)
    many = instrument.unknown_warning is not None and unknowns >= instrument.unknown_warning
    if instrument.rule == "none":
        return Suggestion(score=None, level=None, unknowns=unknowns, many_unknowns=many)
    if instrument.rule == "count":
        score = sum(1 for item in instrument.items if answers.get(item.id) in instrument.counts)
    else:
        score = sum(item.weights.get(answers.get(item.id, ""), 0) for item in instrument.items)
    level = _level_for(instrument, score)
    reasons = []
    for item in instrument.items:
        floor = item.at_least.get(answers.get(item.id, ""))
        if floor and rank(floor) > rank(level):
            level = floor
        if floor:
            reasons.append(item.id)
    for index, combination in enumerate(instrument.combinations):
        if all(answers.get(item_id) == combination.answer for item_id in combination.items):
            reasons.append(f"combination-{index}")
            level = highest(level, combination.at_least) or level
    return Suggestion(score, level, tuple(reasons), unknowns, many)


# --- Judgement ---------------------------------------------------------------------------------


def lowers(suggested: str | None, judged: str) -> bool:
    """Whether the judgement is below what the score suggested."""
    return suggested is not None and rank(judged) < rank(suggested)


def judgement_allowed(suggested: str | None, judged: str, *, approved: bool) -> bool:
    """The assessor may raise the level freely; lowering below the score needs approval."""
    if judged not in ORDER:
        return False
    return approved or not lowers(suggested, judged)


# --- Review dates ------------------------------------------------------------------------------

DEFAULT_REVIEW_DAYS = {"high": 14, "medium": 30, "low": 91}


def review_due(
    level: str, assessed_on: datetime.date, review_days: Mapping[str, int]
) -> datetime.date:
    """When a case at this level must be assessed again."""
    return assessed_on + datetime.timedelta(days=review_days[level])


def is_overdue(due: datetime.date, today: datetime.date) -> bool:
    return due < today


def expires_soon(expires_on: datetime.date | None, today: datetime.date, alert_days: int) -> bool:
    """A measure whose end is within the alert window (or passed) needs attention now."""
    return expires_on is not None and expires_on <= today + datetime.timedelta(days=alert_days)


# --- Disagreement ------------------------------------------------------------------------------


def disagreement(levels: Mapping[str, str | None]) -> bool:
    """Whether the latest levels of the sources (police, social services, victim) differ.

    The victim's own estimate predicts about as well as the instruments do, so any gap between
    the sources is worth a conversation: one step apart is already a disagreement.
    """
    present = {level for level in levels.values() if level}
    return len(present) > 1


# --- Escalation --------------------------------------------------------------------------------

FLAGS = (
    "high_level",
    "repeat_incidents",
    "incident_after_conference",
    "strangulation",
    "threats_to_kill",
    "weapons",
    "honour",
    "contact_ban_breach",
)


@dataclass(frozen=True)
class EscalationConfig:
    enabled: frozenset[str] = frozenset(FLAGS)
    incident_count: int = 3
    window_days: int = 365


@dataclass(frozen=True)
class IncidentFacts:
    occurred_at: datetime.datetime
    strangulation: bool = False
    weapon: bool = False
    honour: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """What the escalation rules look at for one case, gathered by the caller."""

    now: datetime.datetime
    level: str | None = None
    level_since: datetime.datetime | None = None
    incidents: Sequence[IncidentFacts] = ()
    # Factors marked in the latest assessment (item ids of the instrument, e.g. "threat_to_kill")
    factors: frozenset[str] = frozenset()
    factors_since: datetime.datetime | None = None
    breaches: Sequence[datetime.datetime] = ()
    last_conference: datetime.datetime | None = None


@dataclass(frozen=True)
class Flag:
    code: str
    since: datetime.datetime
    detail: dict[str, int] = field(default_factory=dict)


# Instrument factors that raise the same flag as an incident marked so.
FACTOR_FLAGS = {
    "strangulation": "strangulation",
    "threat_to_kill": "threats_to_kill",
    "weapon": "weapons",
    "honour_context": "honour",
}


def _recent(items: Iterable[IncidentFacts], facts: CaseFacts, days: int) -> list[IncidentFacts]:
    start = facts.now - datetime.timedelta(days=days)
    return sorted((i for i in items if start <= i.occurred_at <= facts.now), key=_when)


def _when(incident: IncidentFacts) -> datetime.datetime:
    return incident.occurred_at


def escalation_flags(facts: CaseFacts, config: EscalationConfig) -> list[Flag]:
    """Every rule that calls for a case conference, each with the moment it first held."""
    recent = _recent(facts.incidents, facts, config.window_days)
    flags: list[Flag] = []
    if facts.level == "high" and facts.level_since:
        flags.append(Flag("high_level", facts.level_since))
    if len(recent) >= config.incident_count:
        # The rule holds from the incident that reached the count.
        since = recent[config.incident_count - 1].occurred_at
        flags.append(Flag("repeat_incidents", since, {"count": len(recent)}))
    if facts.last_conference:
        after = [i for i in recent if i.occurred_at > facts.last_conference]
        if after:
            flags.append(Flag("incident_after_conference", after[0].occurred_at))
    for code, marked in (
        ("strangulation", [i for i in recent if i.strangulation]),
        ("weapons", [i for i in recent if i.weapon]),
        ("honour", [i for i in recent if i.honour]),
    ):
        if marked:
            flags.append(Flag(code, marked[-1].occurred_at))
    if facts.factors_since:
        for factor, code in FACTOR_FLAGS.items():
            if factor in facts.factors and not any(f.code == code for f in flags):
                flags.append(Flag(code, facts.factors_since))
    window_start = facts.now - datetime.timedelta(days=config.window_days)
    breaches = sorted(b for b in facts.breaches if window_start <= b <= facts.now)
    if breaches:
        flags.append(Flag("contact_ban_breach", breaches[-1], {"count": len(breaches)}))
    return [flag for flag in flags if flag.code in config.enabled]


def open_flags(flags: Sequence[Flag], last_conference: datetime.datetime | None) -> list[Flag]:
    """The flags not yet discussed: those that arose after the case's last conference."""
    return [f for f in flags if last_conference is None or f.since > last_conference]
