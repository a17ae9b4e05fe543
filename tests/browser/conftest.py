"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test loads must be checked with axe-core (WCAG 2.x A/AA rules) before the next one
loads; every request must stay on this machine; the Content-Security-Policy must never fire.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import User
from tests.personas import PASSWORD, Personas, make_personas

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        reason = "Chromium not installed (apt-get install chromium)"
        if os.environ.get("IGOR_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # ORM calls the tests make between browser steps. The live server runs in its own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def _audit_tables_flushable(live_server: Any, transactional_db: None) -> Iterator[None]:
    """Let pytest-django empty the database after a live-server test on PostgreSQL.

    The audit tables refuse TRUNCATE by trigger; the flush after a transactional test would fail.
    This fixture depends on the database fixtures, so its teardown runs before their flush.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


@dataclass
class PageLog:
    """What happened in one tab: loads not yet checked, and anything that broke the rules."""

    javascript: bool = True
    unchecked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


class Site:
    """The live server seen through Chromium, with the checks every page must pass."""

    def __init__(self, browser: Any, base_url: str, personas: Personas) -> None:
        self.browser = browser
        self.base_url = base_url
        self.personas = personas
        self.contexts: list[Any] = []
        self.logs: dict[int, PageLog] = {}
        self._mirror: Any = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def new_page(
        self,
        *,
        javascript: bool = True,
        locale: str = "sv-SE",
        width: int = 1280,
        height: int = 900,
    ) -> Any:
        context = self.browser.new_context(
            java_script_enabled=javascript,
            locale=locale,
            viewport={"width": width, "height": height},
        )
        if javascript:
            context.add_init_script(script=AXE_SCRIPT)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log = PageLog(javascript=javascript)
        self.logs[id(page)] = log

        def on_request(request: Any) -> None:
            host = urlsplit(request.url).hostname or ""
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and (
                host not in LOCAL_HOSTS
            ):
                log.problems.append(f"request left the machine: {request.url}")

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text or "Content-Security-Policy" in (
                message.text
            ):
                log.problems.append(f"CSP: {message.text}")

        def on_load(loaded: Any) -> None:
            if log.unchecked:
                log.problems.append(f"page loaded without an axe check: {log.unchecked[-1]}")
            log.unchecked.append(loaded.url)

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda error: log.problems.append(f"script error: {error}"))
        page.on("load", on_load)
        return page

    def check(self, page: Any) -> None:
        """Run axe on the page as it is now; any WCAG A/AA violation fails the test."""
        page.wait_for_load_state("load")
        log = self.logs[id(page)]
        target = page if log.javascript else self._mirrored(page)
        results = run_axe(target)
        log.unchecked.clear()
        log.checked.append(page.url)
        if results.violations_count:
            pytest.fail(
                f"axe found {results.violations_count} violation(s) on {page.url}"
                f"{'' if log.javascript else ' (without JavaScript)'}:\n"
                + results.generate_report(),
                pytrace=False,
            )

    def _mirrored(self, page: Any) -> Any:
        """The page's current DOM in a tab that runs scripts, for axe to work in.

        With JavaScript off, Chromium runs no timers even for evaluated code, so axe never
        finishes there. The mirror gets the same HTML (without its scripts, so nothing changes it)
        at the same address, so styles load as they did.
        """
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
        if self._mirror is None:
            context = self.browser.new_context(viewport=page.viewport_size)
            context.add_init_script(script=AXE_SCRIPT)
            self.contexts.append(context)
            self._mirror = context.new_page()
        mirror = self._mirror
        mirror.set_viewport_size(page.viewport_size)
        url = page.url

        def serve(route: Any) -> None:
            if route.request.url == url and route.request.resource_type == "document":
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                route.continue_()

        mirror.route("**/*", serve)
        try:
            mirror.goto(url)
        finally:
            mirror.unroute("**/*", serve)
        return mirror

    def goto(self, page: Any, path: str) -> Any:
        response = page.goto(self.url(path))
        self.check(page)
        return response

    def log_in(self, page: Any, user: User, *, next_path: str = "") -> None:
        """Both steps through the real forms: username and password, then the TOTP code."""
        target = "/konto/logga-in/" + (f"?next={next_path}" if next_path else "")
        self.goto(page, target)
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/konto/verifiera/")
        self.check(page)
        page.locator("input[name=code]").fill(current_code(user))
        page.locator("main button[type=submit]").click()
        page.wait_for_url(lambda url: "/konto/" not in url)
        self.check(page)

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def problems(self) -> list[str]:
        found = []
        for log in self.logs.values():
            found.extend(log.problems)
            found.extend(f"page loaded without an axe check: {url}" for url in log.unchecked)
        return found


def run_axe(page: Any) -> AxeResults:
    """axe-core with the WCAG 2.0–2.2 A and AA rules; axe is preloaded into every document."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return AxeResults(page.evaluate("options => axe.run(document, options)", options))


def current_code(user: User) -> str:
    """The code the user's authenticator app shows now, with time left to send it in its step."""
    device = TOTPDevice.objects.get(user=user)
    left = device.step - (time.time() - device.t0) % device.step
    if left < 3:
        time.sleep(left + 0.2)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def site(browser: Any, live_server: Any, _audit_tables_flushable: None) -> Iterator[Site]:
    personas = make_personas()
    site = Site(browser, live_server.url, personas)
    yield site
    problems = site.problems()
    site.close()
    assert not problems, "\n".join(problems)
