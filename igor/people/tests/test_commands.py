"""`igor match` and `igor dedupe`: encodings, separators, mappings, bad rows, whole-or-nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from igor.people.csvio import InputProblem, open_person_file, parse_mapping
from igor.people.models import DuplicatePair
from tests.builders import make_person
from tests.personas import Personas

LEFT = (
    "Förnamn;Efternamn;Född;Adress\nJohan;Ek;1885-04-12;Ringvägen 12\nÅsa;Öberg;18700101;Storg. 5\n"
)
RIGHT = (
    "given,surname,birth,street\nJohan,Eek,1885-12-04,Ringv. 12\n"
    "Asa,Oberg,1870-01-01,Storgatan 5\nLars,Berg,1861-09-30,Sveavägen 1\n"
)
LEFT_MAP = "given=Förnamn,surname=Efternamn,birth=Född,street=Adress"
RIGHT_MAP = "given=given,surname=surname,birth=birth,street=street"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _links(out: Path) -> list[dict[str, str]]:
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db  # the estimated model, if any, is read from the database
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_match_links_files_in_every_common_encoding(tmp_path: Path, encoding: str) -> None:
    left = _write(tmp_path / "a.csv", LEFT, encoding)
    right = _write(tmp_path / "b.csv", RIGHT)
    out = tmp_path / "links.csv"
    call_command(
        "match",
        left=str(left),
        right=str(right),
        map=LEFT_MAP,
        right_map=RIGHT_MAP,
        out=str(out),
        verbosity=0,
    )
    links = _links(out)
    assert [(row["left_id"], row["right_id"]) for row in links] == [("2", "2"), ("3", "3")]
    assert links[1]["class"] == "certain"
    assert links[0]["reasons"]


def test_a_mapping_to_a_missing_column_names_the_columns(tmp_path: Path) -> None:
    left = _write(tmp_path / "a.csv", LEFT)
    out = tmp_path / "links.csv"
    with pytest.raises(CommandError, match="no column 'Namn'.*'Förnamn'"):
        call_command("match", left=str(left), right=str(left), map="name=Namn", out=str(out))
    assert not out.exists()


def test_bad_rows_are_reported_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    bad = LEFT + "Per;Ek\nOla;Ek;1;2;3\n"
    left = _write(tmp_path / "a.csv", bad)
    out = tmp_path / "links.csv"
    with pytest.raises(CommandError, match="lines 4, 5 do not have the 4 columns"):
        call_command("match", left=str(left), right=str(left), map=LEFT_MAP, out=str(out))
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("a\x00b\n", "not a text file"),
    ],
)
def test_empty_and_binary_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "a.csv", text)
    with pytest.raises(InputProblem, match=message):
        open_person_file(path, {"given": "a"})


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", LEFT)
    with pytest.raises(InputProblem, match="larger than the limit"):
        open_person_file(path, {"given": "Förnamn"}, max_bytes=10)


@pytest.mark.parametrize("text", ["given", "given=", "shoe=Sko", "id=Nr"])
def test_bad_mappings_are_explained(text: str) -> None:
    with pytest.raises(InputProblem):
        parse_mapping(text)


@pytest.mark.django_db
def test_garbage_fields_are_left_out_not_guessed(tmp_path: Path) -> None:
    left = _write(tmp_path / "a.csv", "given,birth,phone\n%%%,31/31/31,abc\n")
    out = tmp_path / "links.csv"
    call_command(
        "match",
        left=str(left),
        right=str(left),
        map="given=given,birth=birth,phone=phone",
        out=str(out),
        verbosity=0,
    )
    assert _links(out) == []


@pytest.mark.django_db
def test_dedupe_stores_pairs_and_writes_clusters(personas: Personas, tmp_path: Path) -> None:
    officer = personas.police_a
    make_person(officer, first_name="Anna", last_name="Lind", street_address="Ringvägen 1")
    make_person(officer, first_name="Ana", last_name="Lind", street_address="Ringv. 1")
    make_person(officer, first_name="Bo", last_name="Ek")
    out = tmp_path / "clusters.csv"
    call_command("dedupe", organisation=personas.police_org_a.pk, out=str(out), verbosity=0)
    assert DuplicatePair.objects.count() == 1
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and rows[0]["cluster"] == rows[1]["cluster"]


@pytest.mark.django_db
def test_match_train_estimates_and_keeps_a_model_that_scoring_then_uses(
    personas: Personas,
) -> None:
    from igor.people.matching import current_model
    from igor.people.models import MatchModelEstimate

    officer = personas.police_a
    for number in range(12):
        make_person(officer, first_name=f"Namn{number}", last_name="Lind")
        make_person(officer, first_name=f"Namn{number}", last_name="Lindh")
    call_command("match_train", sample=100, verbosity=0)
    estimate = MatchModelEstimate.objects.get()
    assert estimate.candidate_pairs > 0 and estimate.random_pairs > 0
    model = current_model()
    for name in model.m:
        assert model.weight(name, 0) > 0, name
