"""Root pytest configuration: test settings apply before Django starts."""

from __future__ import annotations

import os

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
