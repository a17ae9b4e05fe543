"""igor match: link two CSV files of persons and write the links with score, class and reasons."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from igor.people.csvio import (
    DEFAULT_MAX_BYTES,
    InputProblem,
    PersonFile,
    open_person_file,
    parse_mapping,
    write_atomically,
)
from igor.people.linkage import Link, Register, link
from igor.people.matching import current_model
from igor.people.reasons import summary
from igor.people.scoring import DEFAULT_MODEL, MatchRecord, Model, make_record


def record_of(values: dict[str, str]) -> MatchRecord:
    return make_record(
        given=values.get("given", ""),
        surname=values.get("surname", ""),
        full_name=values.get("name", ""),
        identity=values.get("identity", ""),
        birth=values.get("birth", ""),
        street=values.get("street", ""),
        postcode=values.get("postcode", ""),
        phone=values.get("phone", ""),
    )


def values_of(
    found: PersonFile, label: str, quiet: bool, ids: list[str]
) -> Iterator[dict[str, str]]:
    """The file's rows one by one (the left file is never held whole); each row's id is
    appended to `ids` as its values are handed out."""
    rows = tqdm(found.rows(), desc=f"reading {label}", unit=" rows", disable=quiet)
    for row in rows:
        ids.append(row.values.get("id") or str(row.line))
        yield row.values


def presented(found: Link) -> tuple[int, int, str, str, str, str]:
    """A link as its output row will show it (the ids by position)."""
    result = found.result
    return (
        found.left,
        found.right,
        f"{result.weight:.2f}",
        f"{result.score:.4f}",
        result.match_class,
        summary(result),
    )


def _model() -> Model:
    """The estimated model when a database with one is at hand; else the built-in one (linking
    two files needs no database)."""
    try:
        return current_model()
    except DatabaseError:
        return DEFAULT_MODEL


class Command(BaseCommand):
    help = (
        "Link two CSV files of persons (e.g. another register's export against ours). "
        "Fields: given, surname, name, identity, birth, street, postcode, phone, id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--left", required=True, help="CSV file whose rows are looked up")
        parser.add_argument("--right", required=True, help="CSV file searched for each row")
        parser.add_argument(
            "--map", required=True, help="field=column,… for both files, e.g. name=Namn,birth=Född"
        )
        parser.add_argument("--right-map", default="", help="field=column,… if the right differs")
        parser.add_argument("--out", required=True, help="CSV file of links to write")
        parser.add_argument("--all", action="store_true", help="every match, not only the best")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that link the left file (default: one per core)",
        )
        parser.add_argument(
            "--max-size", type=float, default=DEFAULT_MAX_BYTES / 1024**3, help="GiB per file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        try:
            left_map = parse_mapping(options["map"])
            right_map = parse_mapping(options["right_map"]) if options["right_map"] else left_map
            limit = int(options["max_size"] * 1024**3)
            left_file = open_person_file(options["left"], left_map, limit)
            right_file = open_person_file(options["right"], right_map, limit)
        except InputProblem as problem:
            raise CommandError(str(problem)) from problem
        left_ids: list[str] = []
        right_ids: list[str] = []
        register = Register(
            values_of(right_file, "right", quiet, right_ids),
            prepare=record_of,
            workers=options["workers"],
        )
        left = values_of(left_file, "left", True, left_ids)
        progress = tqdm(desc="linking", unit=" rows", disable=quiet)
        links = link(
            left,
            register,
            _model(),
            not options["all"],
            progress.update,
            prepare=record_of,
            present=presented,
            workers=options["workers"],
        )

        def rows() -> Iterator[list[str]]:
            for left_at, right_at, *rest in links:
                yield [left_ids[left_at], right_ids[right_at], *rest]

        header = ["left_id", "right_id", "weight", "score", "class", "reasons"]
        written = write_atomically(options["out"], rows(), header)
        progress.close()
        if not quiet:
            self.stdout.write(f"{written} links written to {options['out']}.")
