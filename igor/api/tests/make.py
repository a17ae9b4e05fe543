"""Test data made through the same actions the pages and the API use."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from igor.accounts.models import Organisation, User
from igor.cases.actions import add_party, open_case, record_incident, write_journal_entry
from igor.cases.models import Case, Incident, JournalEntry, Party
from igor.people.actions import register_person
from igor.people.models import Person
from igor.sharing.actions import record_consent
from igor.sharing.models import SharingBasis

# From Skatteverket's published test numbers: valid, and never assigned to a real person.
TEST_PERSONNUMMER = "201701012393"


def person(actor: User, **details: Any) -> Person:
    unit = actor.units.get()
    fields = {"first_name": "Anna", "last_name": "Andersson", "identity_kind": "none"}
    return register_person(actor=actor, unit=unit, details={**fields, **details})


def case(actor: User, **details: Any) -> Case:
    return open_case(actor=actor, unit=actor.units.get(), details={"title": "Ärende", **details})


def party(actor: User, in_case: Case, who: Person, role: str = "victim") -> Party:
    return add_party(actor=actor, case=in_case, person=who, role=role)


def incident(actor: User, in_case: Case, **details: Any) -> Incident:
    fields = {
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "kinds": ["physical"],
        "place": "Hemmet",
    }
    return record_incident(actor=actor, case=in_case, details={**fields, **details})


def entry(actor: User, in_case: Case, text: str = "Samtal med den utsatta.") -> JournalEntry:
    return write_journal_entry(actor=actor, case=in_case, text=text)


def consent(
    actor: User,
    subject: Person,
    recipient: Organisation,
    scope: dict[str, bool] | None = None,
    *,
    in_case: Case | None = None,
) -> SharingBasis:
    """The subject's oral consent, before a witness, to let `recipient` see what `scope` names."""
    return record_consent(
        actor=actor,
        subject=subject,
        recipient=recipient,
        purpose="Samverkan i IGOR",
        consent_form="oral",
        witness="Vera Vittne",
        scope=scope or {"covers_person": True, "covers_contact": True},
        valid_until=None,
        case=in_case,
    )
