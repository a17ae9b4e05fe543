"""`igor bench_matching`: precision, recall, F1 and p50/p95 latency of finding a known person, at
several register sizes, against the floor (an exact identity-number lookup) and, when a Python
with splink is named, against splink's real-time linkage on the same data and queries."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from igor.accounts.models import User
from igor.accounts.structure import ensure_structure
from igor.demo import bench as page_bench
from igor.people import bench

RESULT = "MATCH-RESULT "
PEER = Path(__file__).resolve().parents[2] / "bench_splink.py"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes", default="10000,100000", help="register sizes, e.g. 10000,100000,1000000"
        )
        parser.add_argument("--queries", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dir", type=Path, default=Path("var-bench-matching"))
        parser.add_argument("--fresh", action="store_true", help="rebuild the databases")
        parser.add_argument("--splink-python", default="", help="a Python with splink installed")
        parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--persons", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        options["dir"].mkdir(parents=True, exist_ok=True)
        if options["child"]:
            self._child(options)
            return
        results: list[dict[str, Any]] = []
        for persons in [int(size) for size in options["sizes"].split(",") if size.strip()]:
            url = page_bench.database_url(persons, options["seed"], options["dir"]).replace(
                "bench_", "bench_match_"
            )
            if options["fresh"]:
                page_bench.drop_database(url)
            if not url.startswith("sqlite:"):
                page_bench.ensure_postgres_database(url)
            self.stdout.write(f"== {persons:,} persons: {url.split('@')[-1]}")
            result = self._run_child(url, persons, options)
            if options["splink_python"]:
                result["peer"] = self._peer(options, persons)
            results.append(result)
        self.stdout.write("")
        for line in table(results):
            self.stdout.write(line)

    def _run_child(self, url: str, persons: int, options: dict[str, Any]) -> dict[str, Any]:
        env = {**os.environ, "DATABASE_URL": url}
        command = [
            sys.executable,
            "-m",
            "igor.cli",
            "bench_matching",
            "--child",
            f"--persons={persons}",
            f"--seed={options['seed']}",
            f"--queries={options['queries']}",
            f"--dir={options['dir']}",
        ]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
        assert process.stdout is not None
        result: dict[str, Any] | None = None
        for line in process.stdout:
            if line.startswith(RESULT):
                result = json.loads(line.removeprefix(RESULT))
            else:
                self.stdout.write(line.rstrip("\n"))
        if process.wait() != 0 or result is None:
            raise RuntimeError(f"the matching benchmark for {persons:,} persons failed")
        return result

    def _peer(self, options: dict[str, Any], persons: int) -> dict[str, Any] | None:
        directory = options["dir"]
        command = [
            options["splink_python"],
            str(PEER),
            "realtime",
            str(directory / f"register_{persons}.csv"),
            str(directory / f"queries_{persons}.csv"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        for line in done.stdout.splitlines():
            if line.startswith(RESULT):
                return json.loads(line.removeprefix(RESULT))
        self.stdout.write(f"   splink failed: {done.stderr.strip().splitlines()[-1:]}")
        return None

    def _child(self, options: dict[str, Any]) -> None:
        call_command("migrate", verbosity=0)
        ensure_structure(password=None)
        user = User.objects.get(username=page_bench.OFFICER)
        result = bench.run_size(
            options["persons"],
            options["queries"],
            options["seed"],
            user,
            options["dir"],
            lambda line: self.stdout.write("   " + line),
        )
        self.stdout.write(RESULT + json.dumps(result.as_json()))


def table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"{'persons':>10} {'p50 ms':>8} {'p95 ms':>8} {'floor p95':>10} {'p95/floor':>10} "
        f"{'precision':>9} {'recall':>7} {'F1':>6} {'index MB':>9}"
    ]
    for r in results:
        ratio = r["p95_ms"] / r["floor_p95_ms"] if r["floor_p95_ms"] else float("inf")
        size = f"{r['index_bytes'] / 1e6:.1f}" if r["index_bytes"] else "n/a"
        if r["index_bytes"] and not r.get("index_measured", True):
            size = "~" + size  # estimated from the rows' sizes (SQLite without dbstat)
        lines.append(
            f"{r['persons']:>10,} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['floor_p95_ms']:>10.2f} "
            f"{ratio:>10.1f} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} {size:>9}"
        )
        peer = r.get("peer")
        if peer:
            speed = peer["p95_ms"] / r["p95_ms"] if r["p95_ms"] else float("inf")
            lines.append(
                f"{'  splink':>10} {peer['p50_ms']:>8.2f} {peer['p95_ms']:>8.2f} {'':>10} "
                f"{'':>10} {peer['precision']:>9.3f} {peer['recall']:>7.3f} {peer['f1']:>6.3f} "
                f"  (igor {speed:.0f}× faster at p95)"
            )
    if len(results) > 1 and results[0]["p95_ms"]:
        growth = results[-1]["p95_ms"] / results[0]["p95_ms"]
        lines.append(
            f"p95 at {results[-1]['persons']:,} ÷ p95 at {results[0]['persons']:,}: {growth:.2f} "
            "(goal ≤ 2)"
        )
    lines.append("goals: p95 ≤ 5× the floor; ≥ 10× faster than splink; F1 not below splink's")
    return lines
