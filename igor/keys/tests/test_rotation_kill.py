"""`igor keys rotate` killed with SIGKILL mid-run loses nothing and finishes when run again."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()
PERSONS = 200


def _env(tmp_path: Path, master_keys: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "IGOR_TESTING": "1",
        "IGOR_VAR_DIR": str(tmp_path / "var"),
        "IGOR_MASTER_KEYS": master_keys,
        "PYTHONUNBUFFERED": "1",  # progress lines as they happen
    }


def _igor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "igor.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute(sql).fetchone()[0])


def _data_keys(database: Path, condition: str = "data_key <> ''") -> int:
    """Data keys over every table that has them (persons, and e.g. support rows)."""
    with sqlite3.connect(database) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if any(column[1] == "data_key" for column in db.execute(f"PRAGMA table_info({name})"))
        ]
        return sum(
            int(db.execute(f"SELECT COUNT(*) FROM {name} WHERE {condition}").fetchone()[0])  # noqa: S608
            for name in tables
        )


def test_it_survives_a_kill_mid_run_and_finishes_when_run_again(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    database = tmp_path / "var" / "igor.sqlite3"
    before = _env(tmp_path, OLD)
    assert _igor(before, "migrate", "--verbosity", "0").returncode == 0
    made = _igor(before, "demo", "--persons", str(PERSONS), "--seed", "2", "--no-users")
    assert made.returncode == 0, made.stderr
    total = _count(database, "SELECT COUNT(*) FROM people_person")
    assert total >= PERSONS

    rotating = _env(tmp_path, f"{NEW},{OLD}")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "igor.cli", "keys", "rotate", "--batch-size", "1"],
        cwd=REPO,
        env=rotating,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the first batch is committed
    assert "re-wrapped" in line, line + (process.stderr.read() if process.stderr else "")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    rewrapped = _count(
        database, "SELECT COUNT(*) FROM people_person WHERE data_key LIKE 'v2$new$%'"
    )
    events = _count(database, "SELECT COUNT(*) FROM audit_auditevent WHERE object_type='data_keys'")
    assert 0 < rewrapped < total, "the kill should land mid-run"
    assert events == rewrapped  # every committed batch (of one row) has its audit event
    assert _igor(rotating, "audit", "verify").returncode == 0

    left = _data_keys(database) - _data_keys(database, "data_key LIKE 'v2$new$%'")
    again = _igor(rotating, "keys", "rotate", "--batch-size", "50")
    assert again.returncode == 0, again.stderr
    assert f"re-wrapped {left} data keys under new" in again.stdout
    assert "data keys under other master keys: 0" in again.stdout
    assert _igor(rotating, "audit", "verify").returncode == 0

    # Only the new master key from now on: every contact detail still opens.
    read = _igor(
        _env(tmp_path, NEW),
        "shell",
        "-c",
        "from igor.people.models import Person\n"
        "print(sum(1 for p in Person.objects.all() if p.phone and p.city))",
    )
    assert read.returncode == 0, read.stderr
    assert int(read.stdout.strip().splitlines()[-1]) > 0


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
