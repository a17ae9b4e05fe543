"""`igor bench_stats`: the dashboard over N cases ÷ one plain SQL aggregate over the same rows.

Both are timed in the same process on the same database, so the ratio does not depend on the
machine. The database is the benchmark's own (a SQLite file, or a PostgreSQL database named after
DATABASE_URL's), filled once with N cases spread over five years in the two demo units, each with
an incident and, for half of them, a victim and a person using violence; it is reused. The rows
are bulk-loaded past the actions, so the figures' daily summaries are rebuilt once after loading
(igor.stats.summaries), as after any bulk import; from then on the timed dashboard keeps nothing
between its cold runs but those summaries.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from igor.accounts.models import Unit, User
from igor.accounts.structure import ensure_structure
from igor.cases.models import Case, Incident, Party
from igor.demo import bench
from igor.people.models import Person
from igor.stats import passes, summaries
from igor.stats.models import SummaryState

RESULT = "BENCH-STATS "
BATCH = 20_000
PERIODS = {
    "start": "2025-01-01",
    "end": "2025-12-31",
    "comparison_start": "2024-01-01",
    "comparison_end": "2024-12-31",
}


class Command(BaseCommand):
    help = __doc__ or ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side")
        parser.add_argument("--dir", type=Path, default=None, help="folder for the SQLite file")
        parser.add_argument("--fresh", action="store_true", help="rebuild the database")
        parser.add_argument("--child", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["child"]:
            self._child(options["cases"], options["repeat"])
            return
        url = bench.database_url(options["cases"], 0, options["dir"]).replace(
            "bench_", "bench_stats_"
        )
        if options["fresh"]:
            bench.drop_database(url)
        if not url.startswith("sqlite:"):
            bench.ensure_postgres_database(url)
        self.stdout.write(f"== {options['cases']:,} cases: {url.split('@')[-1]}")
        env = {**os.environ, "DATABASE_URL": url}
        command = [sys.executable, "-m", "igor.cli", "bench_stats", "--child"]
        command += [f"--cases={options['cases']}", f"--repeat={options['repeat']}"]
        output = subprocess.run(  # noqa: S603 - our own command
            command, env=env, check=True, capture_output=True, text=True
        ).stdout
        for line in output.splitlines():
            if line.startswith(RESULT):
                found = json.loads(line.removeprefix(RESULT))
                engine = "sqlite" if url.startswith("sqlite") else "postgresql"
                self.stdout.write(
                    f"   {engine}: plain aggregate {found['aggregate_ms']:.1f} ms; dashboard "
                    f"computed {found['cold_ms']:.1f} ms (ratio {found['cold_ratio']:.2f}), "
                    f"remembered {found['warm_ms']:.1f} ms (ratio {found['warm_ratio']:.2f}); "
                    "goal ≤ 3"
                )
            else:
                self.stdout.write(line)

    # --- inside the benchmark database -----------------------------------------------------------

    def _child(self, cases: int, repeat: int) -> None:
        call_command("migrate", verbosity=0)
        ensure_structure(password=None)
        if Case.objects.count() != cases:
            if Case.objects.exists():
                raise SystemExit("The benchmark database holds other data; use --fresh.")
            started = time.monotonic()
            _fill(cases)
            self.stdout.write(f"   generated {cases:,} cases in {time.monotonic() - started:.0f} s")
        else:
            self.stdout.write(f"   reusing {cases:,} cases")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # the planner's statistics of the loaded rows
        if not SummaryState.objects.filter(version=summaries.VERSION).exists():
            started = time.monotonic()
            summaries.rebuild()  # the rows were bulk-loaded, past the actions' signals
            self.stdout.write(f"   daily summaries rebuilt in {time.monotonic() - started:.0f} s")
        client, _user = _lead_client()

        def get() -> int:
            response = client.get("/statistik/", PERIODS)
            if response.status_code != 200 or b"<figure" not in response.content:
                raise SystemExit(f"the dashboard answered {response.status_code}")
            return 200

        def cold() -> int:
            cache.clear()  # nothing remembered: every figure computed from the rows
            passes.forget()  # not even the passes a request's figures share
            return get()

        cold_ms = _median_ms(cold, repeat)
        warm_ms = _median_ms(get, repeat)
        aggregate = _median_ms(_plain_aggregate(), repeat)
        self.stdout.write(
            RESULT
            + json.dumps(
                {
                    "cold_ms": cold_ms,
                    "warm_ms": warm_ms,
                    "aggregate_ms": aggregate,
                    "cold_ratio": cold_ms / aggregate,
                    "warm_ratio": warm_ms / aggregate,
                }
            )
        )


def _median_ms(run: Any, repeat: int) -> float:
    run()  # warm caches and the chart renderer once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _plain_aggregate() -> Any:
    """One SQL aggregate over the rows the dashboard reads: the cases of both periods. On SQLite
    it is tried with and without the opening-time index (a unary + keeps SQLite off an index),
    and the faster form is the one timed: a full scan can beat the index's row lookups."""
    sql = (
        "SELECT unit_id, COUNT(*) FROM cases_case WHERE {column} >= %s AND {column} < %s "
        "GROUP BY unit_id"
    )
    span = [
        datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    ]
    columns = ["opened_at", "+opened_at"] if connection.vendor == "sqlite" else ["opened_at"]
    fastest = sql.format(
        column=min(columns, key=lambda column: _time_once(sql.format(column=column), span))
    )

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(fastest, span)
            return len(cursor.fetchall())

    return run


def _time_once(sql: str, params: list[Any]) -> float:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return time.perf_counter() - started


def _lead_client() -> Any:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from igor.accounts.middleware import LOGIN_AT

    lead = User.objects.get(username="chef.sodermalm")
    device, _created = TOTPDevice.objects.get_or_create(
        user=lead, name="bench", defaults={"confirmed": True}
    )
    client = Client(HTTP_HOST="localhost")  # a host ALLOWED_HOSTS knows
    client.force_login(lead, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[LOGIN_AT] = time.time()
    session.save()
    return client, lead


def _fill(cases: int) -> None:
    rng = random.Random(1)
    now = timezone.now()
    units = list(Unit.objects.order_by("pk"))
    author = User.objects.get(username="polis.sodermalm")
    with transaction.atomic():
        persons = []
        for unit in units:
            for i in range(500):
                persons.append(
                    Person(
                        organisation_id=unit.police_id,
                        unit=unit,
                        first_name="Bench",
                        last_name=f"Person{i}",
                        created_by=author,
                    )
                )
        Person.objects.bulk_create(persons, batch_size=BATCH)
        by_unit = {u.pk: [p.pk for p in persons if p.unit_id == u.pk] for u in units}
        for start in range(0, cases, BATCH):
            rows = []
            for number in range(start, min(cases, start + BATCH)):
                unit = units[number % len(units)]
                opened = now - datetime.timedelta(seconds=rng.randint(86_400, 5 * 365 * 86_400))
                closed = (
                    opened + datetime.timedelta(days=rng.randint(20, 400))
                    if rng.random() < 0.5
                    else None
                )
                if closed and closed >= now:
                    closed = None
                rows.append(
                    Case(
                        organisation_id=unit.police_id,
                        unit=unit,
                        reference=f"B-{number:08d}",
                        title="Benchmark",
                        status="closed" if closed else "open",
                        opened_at=opened,
                        updated_at=opened,
                        closed_at=closed,
                        created_by=author,
                    )
                )
            Case.objects.bulk_create(rows, batch_size=BATCH)
            incidents, parties = [], []
            for case in rows:
                incidents.append(
                    Incident(
                        case=case,
                        occurred_at=case.opened_at - datetime.timedelta(days=1),
                        kinds=["physical"],
                        police_report_number="K-1" if rng.random() < 0.4 else "",
                        children_present=rng.random() < 0.2,
                        created_by=author,
                    )
                )
                if rng.random() < 0.5:
                    pool = by_unit[case.unit_id]
                    victim, perpetrator = rng.sample(pool, 2)
                    parties.append(Party(case=case, person_id=victim, role="victim"))
                    parties.append(Party(case=case, person_id=perpetrator, role="perpetrator"))
            Incident.objects.bulk_create(incidents, batch_size=BATCH)
            Party.objects.bulk_create(parties, batch_size=BATCH)
