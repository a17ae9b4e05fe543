"""The scoring, judgement, escalation and review rules as pure functions: tables, no database."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from igor.risk import instruments, rules
from igor.risk.instruments import parse
from igor.risk.levels import ORDER


def _screening() -> instruments.Instrument:
    found = instruments.current("igor-screening")
    assert found is not None
    return found


SCREENING = _screening()
ITEM_IDS = [item.id for item in SCREENING.items]
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def answers(**yes: str) -> dict[str, str]:
    """Every item "no", except those named."""
    return {item_id: yes.get(item_id, "no") for item_id in ITEM_IDS}


def tiny(rule: str = "count", **extra: Any) -> dict[str, Any]:
    """A small valid instrument file to vary."""
    data: dict[str, Any] = {
        "format": 1,
        "id": "test",
        "version": "1",
        "method": "screening",
        "name": {"sv": "Test", "en": "Test"},
        "notice": {"sv": "Test", "en": "Test"},
        "scales": {
            "ppa": {
                "answers": [
                    {"id": "present", "label": {"sv": "Förekommer", "en": "Present"}},
                    {"id": "partly", "label": {"sv": "Delvis", "en": "Partly"}},
                    {"id": "absent", "label": {"sv": "Förekommer inte", "en": "Absent"}},
                ]
            }
        },
        "scoring": {
            "rule": rule,
            "counts": ["present"],
            "thresholds": [{"from": 0, "level": "low"}, {"from": 2, "level": "high"}],
        },
        "items": [
            {
                "id": f"f{n}",
                "scale": "ppa",
                "text": {"sv": f"F{n}", "en": f"F{n}"},
                "weights": {"present": 2, "partly": 1},
            }
            for n in range(1, 4)
        ],
    }
    data.update(extra)
    return data


# --- Scoring ---------------------------------------------------------------------------------


SCORING = [
    # (what, answers, score, suggested level)
    ("all no", answers(), 0, "low"),
    ("prior violence only", answers(violence_before="yes"), 1, "low"),
    (
        "several moderate factors reach medium",
        answers(violence_worse="yes", separation="yes", stalking="yes", jealousy_control="yes"),
        8,
        "medium",
    ),
    ("strangulation alone sets at least medium", answers(strangulation="yes"), 3, "medium"),
    ("threats to kill alone sets at least medium", answers(threat_to_kill="yes"), 3, "medium"),
    ("honour context alone sets high", answers(honour_context="yes"), 3, "high"),
    (
        "separation, control and violence together set high",
        answers(separation="yes", jealousy_control="yes", violence_before="yes"),
        5,
        "high",
    ),
    ("everything yes", {i: "yes" for i in ITEM_IDS}, 33, "high"),
    ("unknown counts as nothing", {i: "unknown" for i in ITEM_IDS}, 0, "low"),
]


@pytest.mark.parametrize(
    ("what", "given_answers", "score", "level"), SCORING, ids=[r[0] for r in SCORING]
)
def test_it_scores_igors_screening_list(
    what: str, given_answers: dict[str, str], score: int, level: str
) -> None:
    suggestion = rules.suggest(SCREENING, given_answers)
    assert (suggestion.score, suggestion.level) == (score, level)


def test_it_warns_when_many_answers_are_unknown() -> None:
    few = rules.suggest(SCREENING, answers(weapon="unknown"))
    many = rules.suggest(SCREENING, {**answers(), **dict.fromkeys(ITEM_IDS[:4], "unknown")})
    assert (few.many_unknowns, many.many_unknowns) == (False, True)


COUNTING = [
    ("count: nothing present", "count", {"f1": "absent", "f2": "absent", "f3": "absent"}, 0, "low"),
    (
        "count: partly is not counted",
        "count",
        {"f1": "partly", "f2": "partly", "f3": "absent"},
        0,
        "low",
    ),
    (
        "count: two present is high",
        "count",
        {"f1": "present", "f2": "present", "f3": "absent"},
        2,
        "high",
    ),
    (
        "weighted: partly weighs 1",
        "weighted_sum",
        {"f1": "partly", "f2": "absent", "f3": "absent"},
        1,
        "low",
    ),
    (
        "weighted: one present weighs 2",
        "weighted_sum",
        {"f1": "present", "f2": "absent", "f3": "absent"},
        2,
        "high",
    ),
]


@pytest.mark.parametrize(
    ("what", "rule", "given_answers", "score", "level"), COUNTING, ids=[r[0] for r in COUNTING]
)
def test_it_applies_each_scoring_rule(
    what: str, rule: str, given_answers: dict[str, str], score: int, level: str
) -> None:
    instrument = parse(tiny(rule))
    suggestion = rules.suggest(instrument, given_answers)
    assert (suggestion.score, suggestion.level) == (score, level)


def test_a_structured_judgement_instrument_suggests_nothing() -> None:
    data = tiny("none", method="structured")
    data["scoring"] = {"rule": "none"}
    instrument = parse(data)
    suggestion = rules.suggest(instrument, {"f1": "present", "f2": "present", "f3": "present"})
    assert (suggestion.score, suggestion.level) == (None, None)
    assert rules.judgement_allowed(None, "low", approved=False)


ANSWER_PROBLEMS = [
    ("complete and valid", answers(), {}),
    ("one missing", {k: v for k, v in answers().items() if k != "weapon"}, {"weapon": "missing"}),
    ("outside the scale", answers(weapon="maybe"), {"weapon": "outside_scale"}),
    ("an item the instrument lacks", {**answers(), "nonsense": "yes"}, {"": "unknown_item"}),
]


@pytest.mark.parametrize(
    ("what", "given_answers", "problems"), ANSWER_PROBLEMS, ids=[r[0] for r in ANSWER_PROBLEMS]
)
def test_it_finds_answers_outside_the_scale(
    what: str, given_answers: dict[str, str], problems: dict[str, str]
) -> None:
    assert rules.answer_problems(SCREENING, given_answers) == problems


# --- Judgement -------------------------------------------------------------------------------

JUDGEMENTS = [
    # suggested, judged, approved, allowed
    ("low", "low", False, True),
    ("low", "medium", False, True),
    ("low", "high", False, True),
    ("medium", "high", False, True),
    ("medium", "low", False, False),
    ("high", "medium", False, False),
    ("high", "low", False, False),
    ("high", "low", True, True),
    ("medium", "low", True, True),
    (None, "low", False, True),
    ("low", "extreme", True, False),
]


@pytest.mark.parametrize(("suggested", "judged", "approved", "allowed"), JUDGEMENTS)
def test_it_lets_the_judgement_raise_freely_and_lower_only_with_approval(
    suggested: str | None, judged: str, approved: bool, allowed: bool
) -> None:
    assert rules.judgement_allowed(suggested, judged, approved=approved) is allowed


answer_sets = st.fixed_dictionaries(
    {item_id: st.sampled_from(["yes", "no", "unknown"]) for item_id in ITEM_IDS}
)


@settings(max_examples=300, deadline=None)
@given(given_answers=answer_sets, judged=st.sampled_from(list(ORDER)))
def test_property_raising_is_always_allowed_and_lowering_without_approval_never(
    given_answers: dict[str, str], judged: str
) -> None:
    """For any answers: a judgement at or above the suggestion is allowed without approval; one
    below it is refused without approval and allowed with it."""
    suggested = rules.suggest(SCREENING, given_answers).level
    assert suggested is not None
    if ORDER[judged] >= ORDER[suggested]:
        assert rules.judgement_allowed(suggested, judged, approved=False)
    else:
        assert not rules.judgement_allowed(suggested, judged, approved=False)
        assert rules.judgement_allowed(suggested, judged, approved=True)


@settings(max_examples=200, deadline=None)
@given(given_answers=answer_sets, extra=st.sampled_from(ITEM_IDS))
def test_property_another_yes_never_lowers_the_suggestion(
    given_answers: dict[str, str], extra: str
) -> None:
    before = rules.suggest(SCREENING, given_answers)
    after = rules.suggest(SCREENING, {**given_answers, extra: "yes"})
    assert ORDER[after.level or "low"] >= ORDER[before.level or "low"]


# --- Escalation ------------------------------------------------------------------------------

CONFIG = rules.EscalationConfig()


def incident(days_ago: int, **marks: bool) -> rules.IncidentFacts:
    return rules.IncidentFacts(occurred_at=NOW - days_ago * DAY, **marks)


ESCALATION = [
    ("nothing", rules.CaseFacts(now=NOW), []),
    ("medium level", rules.CaseFacts(now=NOW, level="medium", level_since=NOW - DAY), []),
    ("high level", rules.CaseFacts(now=NOW, level="high", level_since=NOW - DAY), ["high_level"]),
    (
        "two incidents in a year",
        rules.CaseFacts(now=NOW, incidents=[incident(10), incident(100)]),
        [],
    ),
    (
        "three incidents in a year",
        rules.CaseFacts(now=NOW, incidents=[incident(10), incident(100), incident(300)]),
        ["repeat_incidents"],
    ),
    (
        "three incidents, one older than a year",
        rules.CaseFacts(now=NOW, incidents=[incident(10), incident(100), incident(400)]),
        [],
    ),
    (
        "an incident after the last conference",
        rules.CaseFacts(now=NOW, incidents=[incident(2)], last_conference=NOW - 5 * DAY),
        ["incident_after_conference"],
    ),
    (
        "an incident before the last conference",
        rules.CaseFacts(now=NOW, incidents=[incident(9)], last_conference=NOW - 5 * DAY),
        [],
    ),
    (
        "strangulation",
        rules.CaseFacts(now=NOW, incidents=[incident(3, strangulation=True)]),
        ["strangulation"],
    ),
    ("weapon", rules.CaseFacts(now=NOW, incidents=[incident(3, weapon=True)]), ["weapons"]),
    (
        "honour-related violence",
        rules.CaseFacts(now=NOW, incidents=[incident(3, honour=True)]),
        ["honour"],
    ),
    (
        "threats to kill marked in the assessment",
        rules.CaseFacts(now=NOW, factors=frozenset({"threat_to_kill"}), factors_since=NOW - DAY),
        ["threats_to_kill"],
    ),
    (
        "strangulation in assessment and incident gives one flag",
        rules.CaseFacts(
            now=NOW,
            incidents=[incident(3, strangulation=True)],
            factors=frozenset({"strangulation"}),
            factors_since=NOW - DAY,
        ),
        ["strangulation"],
    ),
    (
        "contact ban breach",
        rules.CaseFacts(now=NOW, breaches=[NOW - 2 * DAY]),
        ["contact_ban_breach"],
    ),
    ("an old breach", rules.CaseFacts(now=NOW, breaches=[NOW - 500 * DAY]), []),
]


@pytest.mark.parametrize(("what", "facts", "codes"), ESCALATION, ids=[r[0] for r in ESCALATION])
def test_it_flags_cases_for_a_conference(
    what: str, facts: rules.CaseFacts, codes: list[str]
) -> None:
    assert [flag.code for flag in rules.escalation_flags(facts, CONFIG)] == codes


def test_the_escalation_rules_are_configurable() -> None:
    facts = rules.CaseFacts(
        now=NOW, incidents=[incident(10), incident(20)], level="high", level_since=NOW
    )
    two = rules.EscalationConfig(incident_count=2, enabled=frozenset({"repeat_incidents"}))
    assert [f.code for f in rules.escalation_flags(facts, two)] == ["repeat_incidents"]


def test_a_flag_discussed_at_a_conference_is_no_longer_open() -> None:
    flags = [rules.Flag("high_level", NOW - 10 * DAY), rules.Flag("strangulation", NOW - DAY)]
    assert [f.code for f in rules.open_flags(flags, NOW - 5 * DAY)] == ["strangulation"]
    assert rules.open_flags(flags, None) == flags


# --- Review dates, expiry, disagreement ----------------------------------------------------------

REVIEWS = [
    ("high", datetime.date(2026, 11, 1), datetime.date(2026, 11, 15)),
    ("medium", datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)),
    ("low", datetime.date(2026, 11, 1), datetime.date(2027, 1, 31)),
]


@pytest.mark.parametrize(("level", "assessed", "due"), REVIEWS)
def test_it_sets_the_reassessment_date_by_level(
    level: str, assessed: datetime.date, due: datetime.date
) -> None:
    assert rules.review_due(level, assessed, rules.DEFAULT_REVIEW_DAYS) == due


def test_it_knows_when_a_reassessment_is_overdue() -> None:
    today = datetime.date(2026, 11, 27)
    assert rules.is_overdue(datetime.date(2026, 11, 26), today)
    assert not rules.is_overdue(today, today)


EXPIRY = [
    (None, False),
    (datetime.date(2026, 12, 31), False),
    (datetime.date(2026, 12, 11), True),
    (datetime.date(2026, 12, 12), False),
    (datetime.date(2026, 11, 20), True),
]


@pytest.mark.parametrize(("expires", "soon"), EXPIRY)
def test_it_raises_measures_before_they_expire(expires: datetime.date | None, soon: bool) -> None:
    assert rules.expires_soon(expires, datetime.date(2026, 11, 27), 14) is soon


DISAGREEMENT = [
    ({}, False),
    ({"police": "high"}, False),
    ({"police": "high", "social_services": "high"}, False),
    ({"police": "high", "victim": "medium"}, True),
    ({"police": "low", "social_services": "high", "victim": None}, True),
]


@pytest.mark.parametrize(("levels", "differ"), DISAGREEMENT)
def test_it_shows_disagreement_between_sources(levels: dict[str, str | None], differ: bool) -> None:
    assert rules.disagreement(levels) is differ
