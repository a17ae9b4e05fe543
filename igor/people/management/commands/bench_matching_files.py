"""`igor bench_matching_files`: `igor match` on two synthetic files against splink's batch linkage
of the same files, in the same run: time, peak memory and F1 of each."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from igor.people.synthetic import Generator, write_csv

RESULT = "MATCH-RESULT "
PEER = Path(__file__).resolve().parents[2] / "bench_splink.py"
MAPPING = "id=id,given=given,surname=surname,identity=identity,birth=birth,street=street,postcode=postcode,phone=phone"


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [p for child in task.read_text().split() for p in _tree(int(child))]
        except OSError:
            continue  # gone meanwhile
    return found


def _proportional(pid: int) -> int:
    """A process's proportional set size: its resident pages, each shared page divided among
    the processes that share it (forked workers share most of their parent's)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0  # gone meanwhile
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


class TreePeak(threading.Thread):
    """The highest memory in use by a process and its descendants (`igor match` links in several
    processes), as the sum of their proportional set sizes, sampled every 50 ms; the same for
    both sides of the benchmark."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, sum(_proportional(pid) for pid in _tree(self.pid)))


def _measured(command: list[str], capture: bool = False) -> tuple[int, float, int, str]:
    """Run a command; its exit status, wall-clock seconds from start to end (interpreter start
    included, for both sides alike), peak memory of its process tree, and what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command or the peer's script
        command,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
    )
    memory = TreePeak(process.pid)
    memory.start()
    printed, _ = process.communicate()
    seconds = time.perf_counter() - started
    memory.done.set()
    memory.join()
    return process.returncode, seconds, memory.peak, printed or ""


def _f1(links: Path, truth: dict[str, str]) -> dict[str, float]:
    with links.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["class"] in ("certain", "probable")]
    tp = sum(1 for row in rows if truth.get(row["left_id"]) == row["right_id"])
    fp = len(rows) - tp
    fn = sum(1 for value in truth.values() if value) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=500_000, help="records per file")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dir", type=Path, default=Path("var-bench-matching"))
        parser.add_argument("--splink-python", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["dir"]
        directory.mkdir(parents=True, exist_ok=True)
        persons = options["persons"]
        left, right = directory / f"left_{persons}.csv", directory / f"right_{persons}.csv"
        generator = Generator(options["seed"])
        register = list(generator.persons(persons))
        known = persons * 4 // 5
        copies = [generator.noisy_copy(person, n) for n, person in enumerate(register[:known], 1)]
        copies += [generator.stranger(10_000_000 + n) for n in range(persons - known)]
        write_csv(right, register)
        write_csv(left, copies)
        truth = {copy.id: copy.truth for copy in copies}
        del register, copies
        self.stdout.write(f"== two files of {persons:,} records in {directory}")

        out = directory / f"links_{persons}.csv"
        command = ["-m", "igor.cli", "match", f"--left={left}", f"--right={right}"]
        command += [f"--map={MAPPING}", f"--out={out}", "--verbosity=0"]
        returncode, seconds, peak, _ = _measured([sys.executable, *command])
        if returncode:
            self.stdout.write("igor match failed")
            return
        igor = {"seconds": seconds, "peak_bytes": peak, **_f1(out, truth)}
        peer = None
        if options["splink_python"]:
            command = [options["splink_python"], str(PEER), "batch", str(left), str(right)]
            returncode, seconds, peak, printed = _measured(command, capture=True)
            for line in printed.splitlines():
                if line.startswith(RESULT):
                    found = json.loads(line.removeprefix(RESULT))
                    peer = {**found, "seconds": seconds, "peak_bytes": peak}
            if peer is None:
                self.stdout.write(f"splink failed: {printed.strip().splitlines()[-3:]}")
        self.stdout.write(
            f"{'':<8} {'seconds':>9} {'peak MB':>9} {'precision':>9} {'recall':>7} {'F1':>6}"
        )
        for name, r in (("igor", igor), ("splink", peer)):
            if r:
                self.stdout.write(
                    f"{name:<8} {r['seconds']:>9.1f} {r['peak_bytes'] / 1e6:>9.0f} "
                    f"{r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f}"
                )
        if peer:
            self.stdout.write(
                f"igor ÷ splink: time {igor['seconds'] / peer['seconds']:.2f}, "
                f"peak memory {igor['peak_bytes'] / peer['peak_bytes']:.2f} "
                "(goals: < 1 and ≤ 0.5; F1 not below splink's)"
            )
