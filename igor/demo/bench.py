"""The page benchmark (`igor bench_pages`): p95 latency with a small and a large database.

The parent process prepares one database per size and runs a child process per size (each with
its own DATABASE_URL), which generates the demo data if the database does not already hold it,
then times the pages in-process with Django's test Client as the police officer of
IGOR Södermalm. Timings come back as one JSON line.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.middleware import LOGIN_AT
from igor.accounts.models import User

RESULT_PREFIX = "BENCH-RESULT "
OFFICER = "polis.sodermalm"


# --- where the benchmark databases live ------------------------------------------------------


def database_url(persons: int, seed: int, directory: Path | None) -> str:
    """A database of the benchmark's own, named after size and seed, beside the configured one."""
    db = settings.DATABASES["default"]
    suffix = f"bench_{persons}_s{seed}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        url = os.environ["DATABASE_URL"]
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{db['NAME']}_{suffix}"))
    folder = directory or Path(tempfile.gettempdir()) / "igor-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'igor_{suffix}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database if missing (connecting to the server's `postgres` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    """Start a size over: only ever called on the benchmark's own databases."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert "_bench_" in name
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


# --- the parent: one child per size, then the table -------------------------------------------


@dataclass(frozen=True)
class SizeResult:
    persons: int
    generated_seconds: float | None  # None: the database was reused
    p95_ms: dict[str, float]


def run_child(
    url: str, persons: int, seed: int, requests: int, write: Callable[[str], None]
) -> SizeResult:
    if not url.startswith("sqlite:"):
        ensure_postgres_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("IGOR_DEMO", None)
    command = [
        sys.executable,
        "-m",
        "igor.cli",
        "bench_pages",
        "--child",
        f"--persons={persons}",
        f"--seed={seed}",
        f"--requests={requests}",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own command, arguments from this process
        command, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    result: dict[str, Any] | None = None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line.removeprefix(RESULT_PREFIX))
        else:
            write(line.rstrip("\n"))
    if process.wait() != 0 or result is None:
        raise RuntimeError(f"the benchmark for {persons:,} persons failed")
    return SizeResult(persons, result["generated_seconds"], result["p95_ms"])


def table(small: SizeResult, large: SizeResult) -> list[str]:
    lines = [
        f"{'page':<32} {'p95 ' + format(small.persons, ','):>16} "
        f"{'p95 ' + format(large.persons, ','):>18} {'ratio':>7}"
    ]
    for page, small_ms in small.p95_ms.items():
        large_ms = large.p95_ms[page]
        ratio = large_ms / small_ms if small_ms else math.inf
        flag = "" if ratio <= 1.5 else "  above 1.5"
        lines.append(f"{page:<32} {small_ms:>13.1f} ms {large_ms:>15.1f} ms {ratio:>7.2f}{flag}")
    return lines


# --- the child: data, login, warm-up, timing ----------------------------------------------------


def officer_client() -> tuple[Client, User]:
    """A client past both login steps, as tests.personas.logged_in does (no password needed)."""
    user = User.objects.get(username=OFFICER)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client(HTTP_HOST="localhost")  # a host ALLOWED_HOSTS knows, as a browser would send
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[LOGIN_AT] = time.time()
    session.save()
    return client, user


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_requests(send: Callable[[int], int], requests: int, warmup: int) -> float:
    """p95 in milliseconds of `requests` calls after `warmup` untimed ones; each must give 200."""
    samples = []
    for i in range(warmup + requests):
        started = time.perf_counter()
        status = send(i)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"request {i} answered {status}")
        if i >= warmup:
            samples.append(elapsed * 1000)
    return p95(samples)
