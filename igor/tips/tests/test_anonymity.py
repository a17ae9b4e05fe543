"""Anonymous means anonymous: no address, user agent or device identifier of a visitor reaches the
database, a log or a cache, and the public pages send the headers that keep the visit private."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator

import pytest
from django.core.cache.backends import locmem
from django.db import connection

from igor.tips.anonymity import bucket_for, limiter
from igor.tips.models import Tip
from igor.tips.tests.make import TipWorld, Visitor

SUBMISSIONS = 200
AGENT = "CanaryAgent/7.7 (IGOR-UA-MARKER)"
DEVICE = "device-marker-5f3c"


def _address(number: int) -> str:
    return f"203.0.113.{number % 250 + 1}" if number < 250 else f"198.51.100.{number % 250 + 1}"


def _markers() -> list[str]:
    return [AGENT, "IGOR-UA-MARKER", DEVICE, "203.0.113.", "198.51.100.", "192.0.2.77"]


class _Everything(logging.Handler):
    """Every record of every logger, formatted with all its arguments and extras."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__!r}")


@pytest.fixture
def every_log() -> Iterator[_Everything]:
    handler = _Everything()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield handler
    for lg, level in levels:
        lg.removeHandler(handler)
        lg.setLevel(level)


def _database_text() -> str:
    """Every row of every table, as text: what a copy of the database would show."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _cache_text() -> str:
    parts: list[str] = []
    for store in getattr(locmem, "_caches").values():  # noqa: B009 - a private store, read on purpose
        for key, value in store.items():
            parts.append(repr(key))
            parts.append(repr(value if isinstance(value, bytes) else pickle.dumps(value)))
    return "\n".join(parts)


def test_no_address_agent_or_device_id_is_kept_after_200_submissions(
    world: TipWorld, every_log: _Everything
) -> None:
    before = Tip.objects.count()
    for number in range(SUBMISSIONS):
        visitor = Visitor(
            REMOTE_ADDR=_address(number),
            HTTP_USER_AGENT=AGENT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.77, {_address(number)}",
            HTTP_X_DEVICE_ID=DEVICE,
            HTTP_REFERER=f"https://example.org/{DEVICE}",
        )
        if number % 2:
            visitor.send_tip()
        else:  # a self-referral, a wrong code and a missing page on the way
            visitor.get("kontakt/")
            visitor.post(
                "kontakt/",
                {
                    "phone": "070-174 06 61",
                    "others_read_phone": "no",
                    "voicemail_ok": "no",
                    "sms_ok": "no",
                },
            )
            visitor.get("svar/")
            visitor.post("svar/", {"code": "1" * 28})
            visitor.client.get("/t/finns-inte/sv/")
    assert Tip.objects.count() == before + SUBMISSIONS
    places = {
        "database": _database_text(),
        "logs": "\n".join(every_log.lines),
        "cache": _cache_text(),
        "rate limiter": repr(limiter.keys()),
    }
    for place, text in places.items():
        for marker in _markers():
            assert marker not in text, f"{marker!r} found in the {place}"


def test_the_limiter_keys_change_with_the_day_and_never_hold_the_address() -> None:
    today = bucket_for("203.0.113.9", now=86400 * 20_000 + 10)
    same_day = bucket_for("203.0.113.9", now=86400 * 20_000 + 5000)
    tomorrow = bucket_for("203.0.113.9", now=86400 * 20_001 + 10)
    assert today == same_day != tomorrow
    assert "203.0.113.9" not in today
