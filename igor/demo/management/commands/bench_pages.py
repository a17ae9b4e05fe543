"""`igor bench_pages`: p95 of the case list, a case page and the person search, small vs large."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from igor.accounts.models import User
from igor.accounts.structure import ensure_structure
from igor.audit.models import AuditEvent
from igor.cases.models import Case
from igor.demo import bench
from igor.demo.generator import VERSION, analyse, generate
from igor.lib.identity import IdentityKind
from igor.people.models import Person

SAMPLES = 20  # different cases, names and numbers, cycled through the timed requests


class Command(BaseCommand):
    help = (
        "Measure p95 latency of the case list, a case page and the person search as the police "
        "officer of IGOR Södermalm, with --small and --large persons, and print the ratio "
        "(goal: at most 1.5). Uses databases of its own beside the configured one (SQLite files "
        "in --dir, or PostgreSQL databases named after DATABASE_URL's) and reuses them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--small", type=int, default=10_000)
        parser.add_argument("--large", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dir", type=Path, default=None, help="folder for SQLite files")
        parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
        parser.add_argument("--child", action="store_true", help=argparse_hidden())
        parser.add_argument("--persons", type=int, default=0, help=argparse_hidden())

    def handle(self, *args: Any, **options: Any) -> None:
        if options["child"]:
            self._child(options)
            return
        results = []
        for persons in (options["small"], options["large"]):
            url = bench.database_url(persons, options["seed"], options["dir"])
            if options["fresh"]:
                bench.drop_database(url)
            self.stdout.write(f"== {persons:,} persons: {url.split('@')[-1]}")
            results.append(
                bench.run_child(
                    url, persons, options["seed"], options["requests"], self.stdout.write
                )
            )
        self.stdout.write("")
        for line in bench.table(*results):
            self.stdout.write(line)

    # --- one size, inside its own process ----------------------------------------------------

    def _child(self, options: dict[str, Any]) -> None:
        persons, seed = options["persons"], options["seed"]
        call_command("migrate", verbosity=0)
        generated = self._ensure_data(persons, seed)
        client, _user = bench.officer_client()
        targets = _targets()
        pages = {
            "case list GET /arenden/": lambda i: client.get("/arenden/").status_code,
            "case page GET /arenden/<id>/": lambda i: (
                client.get(f"/arenden/{_pick(targets['cases'], i)}/").status_code
            ),
            "person search, name": lambda i: (
                client.post("/personer/", {"q": _pick(targets["names"], i)}).status_code
            ),
            "person search, identity number": lambda i: (
                client.post("/personer/", {"q": _pick(targets["numbers"], i)}).status_code
            ),
        }
        p95 = {}
        for page, send in pages.items():
            p95[page] = bench.time_requests(send, options["requests"], options["warmup"])
            self.stdout.write(f"   {page:<32} p95 {p95[page]:7.1f} ms")
        self.stdout.write(
            bench.RESULT_PREFIX + json.dumps({"generated_seconds": generated, "p95_ms": p95})
        )

    def _ensure_data(self, persons: int, seed: int) -> float | None:
        marker = AuditEvent.objects.filter(
            object_type="demo_data",
            data__persons=persons,
            data__seed=seed,
            data__version=VERSION,
        )
        if marker.exists() and Person.objects.count() == persons:
            self.stdout.write(f"   reusing the {persons:,}-person database")
            analyse()  # a migration may have rebuilt an index since
            return None
        if Person.objects.exists():
            raise CommandError(
                "The benchmark database holds other data; run again with --fresh to rebuild it."
            )
        ensure_structure(password=None)
        started = time.monotonic()
        anchor = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        generate(
            persons=persons,
            seed=seed,
            now=anchor,
            progress=lambda line: self.stdout.write("   " + line),
        )
        elapsed = time.monotonic() - started
        self.stdout.write(f"   generated {persons:,} persons in {elapsed:.1f} s")
        return elapsed


def _targets() -> dict[str, list[Any]]:
    """Cases, surnames and identity numbers of the officer's own organisation, spread evenly."""
    user = User.objects.get(username=bench.OFFICER)
    unit = user.units.get()
    own_cases = list(
        Case.objects.filter(organisation=user.organisation, unit=unit)
        .order_by("id")
        .values_list("id", flat=True)
    )
    own_people = Person.objects.filter(organisation=user.organisation, unit=unit)
    numbers = list(
        own_people.filter(identity_kind=IdentityKind.PERSONNUMMER)
        .order_by("id")
        .values_list("identity_number", flat=True)[:SAMPLES]
    )
    names = list(own_people.order_by("id").values_list("last_name", flat=True)[: SAMPLES * 5])
    if len(own_cases) < SAMPLES or len(numbers) < SAMPLES:
        raise CommandError("Too little data for the benchmark; use at least 1,000 persons.")
    step = len(own_cases) // SAMPLES
    return {
        "cases": own_cases[::step][:SAMPLES],
        "names": sorted(set(names))[:SAMPLES],
        "numbers": numbers,
    }


def _pick(values: list[Any], i: int) -> Any:
    return values[i % len(values)]


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS
