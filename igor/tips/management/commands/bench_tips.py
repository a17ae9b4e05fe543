"""`igor bench_tips`: tip submissions per second ÷ a minimal Django view that writes one row.

What is timed, on the tip side: the final send of a real tip. Each of `--count` anonymous
sessions has first been walked through steps 1-4 of the form (untimed), so it holds an encrypted
draft; the send is one POST that checks the form token, the limits and the draft, makes the
receipt code and its Argon2id hash, and stores the tip (encrypted), the receipt handover, the
audit event, the end of the draft and the session change, then redirects to the receipt page
(not fetched). The baseline is one POST to a view that inserts one row in its own transaction.

Both are served by one threaded WSGI server in this process, with the project's settings and
middleware (DEBUG off), in the same run; the load comes from another process on loopback
(igor.tips.bench_load), `--workers` requests at a time, alternating between the two in rounds.
Only the abuse limits are raised, since every request comes from one address. The database is
the one configured: `make bench-tips` uses a fresh SQLite file under var-bench-tips/, then
PostgreSQL when BENCH_TIPS_POSTGRES is reachable (its database is created if missing).
Goal: ratio ≥ 0.5.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection
from django.test.utils import override_settings

from igor.accounts.models import Unit
from igor.accounts.structure import ensure_structure
from igor.demo.bench import ensure_postgres_database
from igor.tips.anonymity import limiter
from igor.tips.bench_load import BASELINE_PATH
from igor.tips.bench_urls import BASELINE_TABLE
from igor.tips.models import TipLine


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return


class _ServerTime:
    """The WSGI app, timed: the server's own CPU time per request of each side, in this process.

    The server is one process, so its threads share one interpreter lock: when the ratio is
    near the ratio of CPU times, the server's CPU is what limits both sides."""

    def __init__(self) -> None:
        self.app = WSGIHandler()
        self.seconds: dict[str, list[float]] = {"tip": [], "baseline": []}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        started = time.thread_time()
        try:
            return self.app(environ, start_response)
        finally:
            side = "baseline" if environ.get("PATH_INFO") == BASELINE_PATH else "tip"
            self.seconds[side].append(time.thread_time() - started)

    def per_request_ms(self, side: str, last: int) -> float:
        """Milliseconds of CPU per request over the side's last `last` requests (the timed ones:
        the tip side's untimed form steps come first)."""
        timed = self.seconds[side][-last:]
        return 1000 * sum(timed) / len(timed) if timed else 0.0


class Command(BaseCommand):
    help = (
        "Final tip sends (a draft already in the session) per second ÷ POSTs to a view that "
        "inserts one row; one server, same settings and run, load from another process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=200)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--port", type=int, default=8101)
        parser.add_argument("--rounds", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor == "postgresql":
            ensure_postgres_database(os.environ["DATABASE_URL"])
        call_command("migrate", verbosity=0)
        ensure_structure(password=None)
        unit = Unit.objects.order_by("pk").first()
        assert unit is not None
        # The load tool sends to /t/bench/: the unit's own line gets that address.
        own_line = TipLine.objects.filter(unit=unit)
        if own_line.exists():
            own_line.update(slug="bench")
        else:
            TipLine.objects.update_or_create(slug="bench", defaults={"unit": unit})
        key = (
            "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id {key}, note TEXT)")
        connection.close()
        limiter.clear()
        overrides = {
            "ROOT_URLCONF": "igor.tips.bench_urls",
            "DEBUG": False,
            # Abuse limits would stop a load test from one address; they cost the same either way.
            "TIPS_SENDS_PER_CLIENT_HOUR": 10**9,
            "TIPS_SENDS_GLOBAL_HOUR": 10**9,
        }
        with override_settings(**overrides):
            server = ThreadedWSGIServer(("127.0.0.1", options["port"]), _Quiet)
            app = _ServerTime()
            server.set_app(app)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                result = self._load(options)
            finally:
                server.shutdown()
                server.server_close()
        result["tip_cpu_ms"] = app.per_request_ms("tip", options["count"])
        result["baseline_cpu_ms"] = app.per_request_ms("baseline", options["count"])
        self._report(result)

    def _load(self, options: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.2)
        command = [
            sys.executable,
            "-m",
            "igor.tips.bench_load",
            "--port",
            str(options["port"]),
            "--count",
            str(options["count"]),
            "--workers",
            str(options["workers"]),
            "--rounds",
            str(options["rounds"]),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)  # noqa: S603
        if done.returncode != 0:
            raise CommandError(f"the load tool failed:\n{done.stderr[-2000:]}")
        loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return loaded

    def _report(self, result: dict[str, Any]) -> None:
        count = result["count"]
        if result["tips_ok"] != count or result["baseline_ok"] != count:
            raise CommandError(f"not every request succeeded: {result}")
        tips = count / result["tip_seconds"]
        baseline = count / result["baseline_seconds"]
        ratio = tips / baseline
        self.stdout.write(
            f"database: {connection.vendor}; tip sends: {tips:.1f}/s, baseline one-row view: "
            f"{baseline:.1f}/s ({count} each, {result['workers']} concurrent clients, "
            f"{result['rounds']} alternating rounds, another process on loopback)"
        )
        self.stdout.write(
            f"server CPU per request: tip send {result['tip_cpu_ms']:.2f} ms, baseline "
            f"{result['baseline_cpu_ms']:.2f} ms (ratio of CPU times "
            f"{result['baseline_cpu_ms'] / result['tip_cpu_ms']:.2f})"
        )
        verdict = "meets" if ratio >= 0.5 else "misses"
        self.stdout.write(f"ratio {ratio:.2f} ({verdict} the goal of 0.5)")
