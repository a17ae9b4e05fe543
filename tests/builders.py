"""Rows for tests, made through the same actions the pages use (so they are audited too)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from igor.accounts.models import User
from igor.cases.actions import open_case, record_incident, write_journal_entry
from igor.cases.models import Case, Incident, JournalEntry
from igor.people.actions import register_person
from igor.people.models import Person


def check_digit(nine_digits: str) -> str:
    """The Luhn check digit of YYMMDDNNN, as Skatteverket computes it."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def identity_number(date: str, serial: str = "123") -> str:
    """A well-formed number for YYYYMMDD (day + 60 for a coordination number).

    Tests use birth years in the 1800s, so no number can belong to a living person.
    """
    return date + serial + check_digit(date[2:] + serial)


def make_person(actor: User, **details: Any) -> Person:
    fields: dict[str, Any] = {
        "first_name": "Alva",
        "last_name": "Testsson",
        "identity_kind": "none",
        "identity_number": "",
    }
    fields.update(details)
    return register_person(actor=actor, unit=actor.units.get(), details=fields)


def make_case(actor: User, title: str = "Våld i parrelation, test") -> Case:
    return open_case(actor=actor, unit=actor.units.get(), details={"title": title})


def make_incident(actor: User, case: Case) -> Incident:
    return record_incident(
        actor=actor,
        case=case,
        details={
            "occurred_at": timezone.now() - datetime.timedelta(days=2),
            "kinds": ["physical"],
        },
    )


def make_journal_entry(
    actor: User, case: Case, text: str = "Samtal med den utsatta."
) -> JournalEntry:
    return write_journal_entry(actor=actor, case=case, text=text)
