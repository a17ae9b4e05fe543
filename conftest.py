"""Root pytest configuration: test settings apply before Django starts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("IGOR_TESTING", "1")

_skipped_browser_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (IGOR_REQUIRE_BROWSER=1) a skipped browser test fails the run."""
    if os.environ.get("IGOR_REQUIRE_BROWSER") == "1" and _skipped_browser_tests:
        print(f"\n{len(_skipped_browser_tests)} browser test(s) skipped, which CI does not allow:")
        for nodeid in _skipped_browser_tests:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _cache_forgets_each_test() -> Iterator[None]:
    """A test's rows are rolled back after it; what the cache remembered of them must go too."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def _triggers_back_on(django_db_blocker: Any) -> Iterator[None]:
    """Requested before the database fixture, so this teardown runs after its flush: the
    connection's append-only triggers count again for the tests that follow on it."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def committed_db(_triggers_back_on: None, transactional_db: None) -> Iterator[None]:
    """Real commits (on_commit runs, other processes see the rows), emptied afterwards.

    The audit tables refuse TRUNCATE by trigger on PostgreSQL, so the flush after the test runs
    with the triggers off (this teardown runs before the flush) and they are back on after it.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
