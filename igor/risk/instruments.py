"""Instruments as data: versioned JSON files with items, answer scales, scoring and summary rules.

IGOR ships an engine and its own wording only. A file is validated when it is loaded, and every
problem is reported with its place in the file (``items[3].scale``), so a broken file never reaches
a form. The loader is pure: it reads a mapping and returns an `Instrument` or raises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from igor.risk.levels import ORDER

DATA_DIR = Path(__file__).parent / "data"
RULES = ("count", "weighted_sum", "none")
LANGUAGES = ("sv", "en")
MAX_ITEMS = 200


class InstrumentError(ValueError):
    """The file is not a valid instrument; `problems` lists (place, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{place}: {message}" for place, message in problems))


def _local(texts: dict[str, str]) -> str:
    language = (get_language() or "sv")[:2]
    return texts.get(language) or texts.get("en") or texts.get("sv") or ""


@dataclass(frozen=True)
class Answer:
    id: str
    label: dict[str, str]

    @property
    def text(self) -> str:
        return _local(self.label)


@dataclass(frozen=True)
class Item:
    id: str
    scale: str
    text_by_language: dict[str, str]
    help_by_language: dict[str, str]
    weights: dict[str, int]
    at_least: dict[str, str]

    @property
    def text(self) -> str:
        return _local(self.text_by_language)

    @property
    def help(self) -> str:
        return _local(self.help_by_language)


@dataclass(frozen=True)
class Combination:
    items: tuple[str, ...]
    answer: str
    at_least: str
    reason: dict[str, str]


@dataclass(frozen=True)
class Threshold:
    start: int
    level: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    method: str  # "screening" (scored) or "structured" (structured professional judgement)
    name_by_language: dict[str, str]
    notice_by_language: dict[str, str]
    scales: dict[str, tuple[Answer, ...]]
    rule: str
    counts: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    items: tuple[Item, ...]
    combinations: tuple[Combination, ...] = ()
    unknown_warning: int | None = None
    unknown_answers: tuple[str, ...] = field(default=("unknown",))

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def name(self) -> str:
        return _local(self.name_by_language)

    @property
    def notice(self) -> str:
        return _local(self.notice_by_language)

    def answers_for(self, item: Item) -> tuple[Answer, ...]:
        return self.scales[item.scale]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)


class _Checker:
    """Collects problems with their places while reading one file."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, place: str, message: str) -> None:
        self.problems.append((place, message))

    def text(self, data: Any, place: str, *, required: bool = True, limit: int = 200) -> str:
        if data is None and not required:
            return ""
        if not isinstance(data, str) or (required and not data.strip()):
            self.fail(place, "must be a non-empty text")
            return ""
        if len(data) > limit:
            self.fail(place, f"is longer than {limit} characters")
        return data

    def translations(self, data: Any, place: str, *, required: bool = True) -> dict[str, str]:
        if data is None and not required:
            return {}
        if not isinstance(data, dict):
            self.fail(place, "must be an object with a text per language (sv, en)")
            return {}
        texts = {}
        for language in LANGUAGES:
            if language in data or required:
                texts[language] = self.text(
                    data.get(language), f"{place}.{language}", required=required, limit=1000
                )
        for extra in sorted(set(data) - set(LANGUAGES)):
            self.fail(f"{place}.{extra}", "is not a language IGOR knows (sv, en)")
        return texts

    def level(self, data: Any, place: str) -> str:
        if data not in ORDER:
            self.fail(place, f"must be one of {', '.join(ORDER)}")
            return "low"
        return str(data)


def _scales(check: _Checker, data: Any) -> dict[str, tuple[Answer, ...]]:
    if not isinstance(data, dict) or not data:
        check.fail("scales", "must name at least one answer scale")
        return {}
    scales: dict[str, tuple[Answer, ...]] = {}
    for name, scale in data.items():
        answers = scale.get("answers") if isinstance(scale, dict) else None
        if not isinstance(answers, list) or len(answers) < 2:
            check.fail(f"scales.{name}.answers", "must list at least two answers")
            continue
        parsed = []
        for index, answer in enumerate(answers):
            place = f"scales.{name}.answers[{index}]"
            if not isinstance(answer, dict):
                check.fail(place, "must be an object with id and label")
                continue
            parsed.append(
                Answer(
                    id=check.text(answer.get("id"), f"{place}.id", limit=40),
                    label=check.translations(answer.get("label"), f"{place}.label"),
                )
            )
        ids = [answer.id for answer in parsed]
        if len(set(ids)) != len(ids):
            check.fail(f"scales.{name}.answers", "answer ids must be unique")
        scales[name] = tuple(parsed)
    return scales


def _item(
    check: _Checker, data: Any, place: str, scales: dict[str, tuple[Answer, ...]]
) -> Item | None:
    if not isinstance(data, dict):
        check.fail(place, "must be an object")
        return None
    scale = check.text(data.get("scale"), f"{place}.scale", limit=40)
    answers = {answer.id for answer in scales.get(scale, ())}
    if scale and scale not in scales:
        check.fail(f"{place}.scale", f"names an unknown scale {scale!r}")
    weights = data.get("weights", {})
    if not isinstance(weights, dict):
        check.fail(f"{place}.weights", "must map answers to whole numbers")
        weights = {}
    for answer, weight in weights.items():
        if answers and answer not in answers:
            check.fail(f"{place}.weights.{answer}", "is not an answer of the item's scale")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
            check.fail(f"{place}.weights.{answer}", "must be a whole number from 0 to 100")
    at_least = data.get("at_least", {})
    if not isinstance(at_least, dict):
        check.fail(f"{place}.at_least", "must map answers to a level")
        at_least = {}
    for answer, level in at_least.items():
        if answers and answer not in answers:
            check.fail(f"{place}.at_least.{answer}", "is not an answer of the item's scale")
        check.level(level, f"{place}.at_least.{answer}")
    return Item(
        id=check.text(data.get("id"), f"{place}.id", limit=60),
        scale=scale,
        text_by_language=check.translations(data.get("text"), f"{place}.text"),
        help_by_language=check.translations(data.get("help"), f"{place}.help", required=False),
        weights={str(k): int(v) for k, v in weights.items() if isinstance(v, int)},
        at_least={str(k): str(v) for k, v in at_least.items()},
    )


def _thresholds(check: _Checker, scoring: dict[str, Any], rule: str) -> tuple[Threshold, ...]:
    raw = scoring.get("thresholds", [])
    if rule == "none":
        if raw:
            check.fail("scoring.thresholds", "a rule of none (professional judgement) has none")
        return ()
    if not isinstance(raw, list) or not raw:
        check.fail("scoring.thresholds", "must list the score from which each level starts")
        return ()
    thresholds = []
    for index, entry in enumerate(raw):
        place = f"scoring.thresholds[{index}]"
        start = entry.get("from") if isinstance(entry, dict) else None
        if not isinstance(start, int) or isinstance(start, bool) or start < 0:
            check.fail(f"{place}.from", "must be a whole number, 0 or more")
            continue
        thresholds.append(Threshold(start, check.level(entry.get("level"), f"{place}.level")))
    starts = [threshold.start for threshold in thresholds]
    if starts and (starts[0] != 0 or starts != sorted(set(starts))):
        check.fail("scoring.thresholds", "must start at 0 and rise strictly")
    levels = [ORDER[threshold.level] for threshold in thresholds]
    if levels != sorted(levels):
        check.fail("scoring.thresholds", "levels must not fall as the score rises")
    return tuple(thresholds)


def _combinations(
    check: _Checker, summary: dict[str, Any], item_ids: set[str]
) -> tuple[Combination, ...]:
    found = []
    raw = summary.get("combinations", [])
    if not isinstance(raw, list):
        check.fail("summary.combinations", "must be a list")
        return ()
    for index, entry in enumerate(raw):
        place = f"summary.combinations[{index}]"
        if not isinstance(entry, dict):
            check.fail(place, "must be an object")
            continue
        items = entry.get("items")
        if not isinstance(items, list) or len(items) < 2:
            check.fail(f"{place}.items", "must name at least two items")
            items = []
        for item_id in items:
            if item_id not in item_ids:
                check.fail(f"{place}.items", f"names an unknown item {item_id!r}")
        found.append(
            Combination(
                items=tuple(str(i) for i in items),
                answer=check.text(entry.get("answer"), f"{place}.answer", limit=40),
                at_least=check.level(entry.get("at_least"), f"{place}.at_least"),
                reason=check.translations(entry.get("reason"), f"{place}.reason"),
            )
        )
    return tuple(found)


def parse(data: Any) -> Instrument:
    """An instrument from a decoded file; raises InstrumentError listing every problem found."""
    check = _Checker()
    if not isinstance(data, dict):
        raise InstrumentError([("(file)", "must be a JSON object")])
    if data.get("format") != 1:
        check.fail("format", "must be 1")
    method = data.get("method")
    if method not in ("screening", "structured"):
        check.fail("method", "must be screening or structured")
    scales = _scales(check, data.get("scales"))
    raw_scoring = data.get("scoring")
    scoring: dict[str, Any] = raw_scoring if isinstance(raw_scoring, dict) else {}
    if not scoring:
        check.fail("scoring", "must be an object with a rule")
    rule = scoring.get("rule")
    if rule not in RULES:
        check.fail("scoring.rule", f"must be one of {', '.join(RULES)}")
        rule = "none"
    if method == "structured" and rule != "none":
        check.fail("scoring.rule", "a structured professional judgement has no score (none)")
    counts = scoring.get("counts", [])
    if rule == "count" and (not isinstance(counts, list) or not counts):
        check.fail("scoring.counts", "a count rule names the answers it counts")
        counts = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        check.fail("items", "must list at least one item")
        raw_items = []
    if len(raw_items) > MAX_ITEMS:
        check.fail("items", f"must not list more than {MAX_ITEMS} items")
    items = [_item(check, raw, f"items[{i}]", scales) for i, raw in enumerate(raw_items)]
    ids = [item.id for item in items if item]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        check.fail("items", f"the id {duplicate!r} is used twice")
    summary = data.get("summary", {}) if isinstance(data.get("summary", {}), dict) else {}
    unknown_warning = summary.get("unknown_warning")
    if unknown_warning is not None and (
        not isinstance(unknown_warning, int) or unknown_warning < 1
    ):
        check.fail("summary.unknown_warning", "must be a whole number, 1 or more")
        unknown_warning = None
    instrument = Instrument(
        id=check.text(data.get("id"), "id", limit=60),
        version=check.text(data.get("version"), "version", limit=20),
        method=str(method),
        name_by_language=check.translations(data.get("name"), "name"),
        notice_by_language=check.translations(data.get("notice"), "notice"),
        scales=scales,
        rule=str(rule),
        counts=tuple(str(c) for c in counts),
        thresholds=_thresholds(check, scoring, str(rule)),
        items=tuple(item for item in items if item),
        combinations=_combinations(check, summary, set(ids)),
        unknown_warning=unknown_warning,
    )
    if check.problems:
        raise InstrumentError(check.problems)
    return instrument


def load(path: Path) -> Instrument:
    """Read and validate one instrument file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InstrumentError(
            [(f"line {error.lineno}, column {error.colno}", error.msg)]
        ) from error
    return parse(data)


@cache
def registry() -> dict[str, Instrument]:
    """The instruments shipped in igor/risk/data, by key (id@version); loaded once."""
    found = {}
    for path in sorted(DATA_DIR.glob("instrument-*.json")):
        instrument = load(path)
        found[instrument.key] = instrument
    return found


def current(instrument_id: str) -> Instrument | None:
    """The newest version of an instrument (versions compare as numbers where they are)."""
    versions = [i for i in registry().values() if i.id == instrument_id]
    return max(versions, key=lambda i: _version_key(i.version)) if versions else None


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def by_key(key: str) -> Instrument | None:
    return registry().get(key)


DEFAULT = "igor-screening"

# Other instruments the unit may use and record the result of. IGOR stores their names and the
# result only: never their question text (FREDA, SARA:SV, PATRIARK and others are copyrighted).
EXTERNAL_INSTRUMENTS = (
    "SARA:SV",
    "B-SAFER",
    "PATRIARK",
    "SAM",
    "FREDA-farlighetsbedömning",
    "FREDA-kortfrågor",
    "Check-10",
)
