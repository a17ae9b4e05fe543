"""Instrument files: the shipped one is valid and in IGOR's own words; broken ones are refused
with the place of every problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from igor.risk import instruments
from igor.risk.config import parse_review_days
from igor.risk.instruments import InstrumentError, load, parse
from igor.risk.tests.test_rules import tiny


def test_it_ships_igors_own_screening_list_labelled_as_a_screening_aid() -> None:
    screening = instruments.current("igor-screening")
    assert screening is not None and screening.method == "screening"
    assert "not a validated" in screening.notice_by_language["en"]
    assert "inte ett validerat" in screening.notice_by_language["sv"]
    ids = {item.id for item in screening.items}
    assert {
        "violence_before",
        "violence_worse",
        "strangulation",
        "threat_to_kill",
        "weapon",
        "separation",
        "pregnancy",
        "stalking",
        "jealousy_control",
        "criminal_history",
        "substance_misuse",
        "children",
        "victim_fear",
    } <= ids
    for item in screening.items:
        assert item.text_by_language["sv"] and item.text_by_language["en"]


def _shipped_text() -> str:
    return " ".join(p.read_text(encoding="utf-8") for p in instruments.DATA_DIR.glob("*.json"))


def test_requirement_32_no_freda_question_text_is_shipped() -> None:
    """Requirement 32: FREDA's texts are not in the product; a FREDA result is recorded by its
    name, result and summary only."""
    assert "FREDA" not in _shipped_text() and "Socialstyrelsen" not in _shipped_text()
    assert [i.id for i in instruments.registry().values()] == ["igor-screening"]


def test_requirement_33_no_sara_sv_b_safer_or_patriark_text_is_shipped() -> None:
    """Requirement 33: no SARA:SV, B-SAFER or PATRIARK worksheets; factor codes only."""
    for name in ("SARA", "B-SAFER", "PATRIARK", "Kropp", "Belfrage", "Hart"):
        assert name not in _shipped_text()


BROKEN = [
    ("not an object", [], "(file)"),
    ("wrong format", {"format": 2}, "format"),
    ("unknown scale", 'items.0.scale="nope"', "items[0].scale"),
    (
        "weight for an answer off the scale",
        'items.1.weights={"maybe": 1}',
        "items[1].weights.maybe",
    ),
    ("negative weight", 'items.1.weights={"present": -1}', "items[1].weights.present"),
    (
        "unknown level",
        'scoring.thresholds=[{"from": 0, "level": "extreme"}]',
        "scoring.thresholds[0].level",
    ),
    (
        "thresholds not from 0",
        'scoring.thresholds=[{"from": 3, "level": "low"}]',
        "scoring.thresholds",
    ),
    (
        "falling levels",
        'scoring.thresholds=[{"from": 0, "level": "high"}, {"from": 2, "level": "low"}]',
        "scoring.thresholds",
    ),
    ("missing English", 'items.2.text={"sv": "bara svenska"}', "items[2].text.en"),
    ("duplicate item id", 'items.2.id="f1"', "items"),
    ("unknown rule", 'scoring.rule="vibes"', "scoring.rule"),
    ("scored structured judgement", 'method="structured"', "scoring.rule"),
]


def _broken(change: Any) -> Any:
    if not isinstance(change, str):
        return change if not isinstance(change, dict) else {**tiny(), **change}
    data = tiny()
    path, _, value = change.partition("=")
    target: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    target[parts[-1]] = json.loads(value)
    return data


@pytest.mark.parametrize(("what", "change", "place"), BROKEN, ids=[b[0] for b in BROKEN])
def test_it_refuses_a_malformed_instrument_naming_the_place(
    what: str, change: Any, place: str
) -> None:
    with pytest.raises(InstrumentError) as error:
        parse(_broken(change))
    assert place in [p for p, _m in error.value.problems], error.value.problems


def test_it_reports_bad_json_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "instrument-bad-1.json"
    path.write_text('{"format": 1,\n "id": }', encoding="utf-8")
    with pytest.raises(InstrumentError) as error:
        load(path)
    assert error.value.problems[0][0] == "line 2, column 8"


def test_every_scale_kind_of_the_issue_can_be_declared() -> None:
    data = tiny("none", method="structured")
    data["scoring"] = {"rule": "none"}
    data["scales"]["when"] = {
        "answers": [
            {"id": "current", "label": {"sv": "Nu", "en": "Current"}},
            {"id": "past", "label": {"sv": "Tidigare", "en": "Past"}},
        ]
    }
    data["scales"]["ynu"] = {
        "answers": [
            {"id": "yes", "label": {"sv": "Ja", "en": "Yes"}},
            {"id": "no", "label": {"sv": "Nej", "en": "No"}},
            {"id": "unknown", "label": {"sv": "Vet inte", "en": "Unknown"}},
        ]
    }
    data["items"][0]["scale"] = "when"
    data["items"][1]["scale"] = "ynu"
    data["items"][0]["weights"] = data["items"][1]["weights"] = {}
    instrument = parse(data)
    assert [a.id for a in instrument.answers_for(instrument.items[0])] == ["current", "past"]


REVIEW_SPECS = [
    ("high:14,medium:30,low:91", {"high": 14, "medium": 30, "low": 91}),
    ("high:7, medium:14, low:30", {"high": 7, "medium": 14, "low": 30}),
]


@pytest.mark.parametrize(("spec", "days"), REVIEW_SPECS)
def test_it_reads_the_review_intervals(spec: str, days: dict[str, int]) -> None:
    assert parse_review_days(spec) == days


@pytest.mark.parametrize(
    "spec",
    ["high:14,medium:30", "high:0,medium:30,low:91", "urgent:1,high:2,medium:3,low:4", "high=14"],
)
def test_it_refuses_bad_review_intervals(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_review_days(spec)
