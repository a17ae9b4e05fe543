"""What both halves of the authorization matrix (pages and API) share: the URL walk, the
personas as the matrix sees them, their clients, and one run's rows and findings."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from igor.accounts.middleware import LOGIN_AT
from igor.accounts.models import User
from igor.cases import actions as case_actions
from igor.cases.models import Case
from igor.stats import actions as stats_actions
from igor.stats.models import Extract, Study
from igor.tips import actions as tip_actions
from igor.tips.models import HelpEntry, Message, Tip, TipLine
from tests.authz.matrix import ROLE_CAN, SOCIAL_CASE_TITLE, Wall, Who
from tests.authz.world import (
    TIP_CONTACT_MARKER,
    TIP_RAW_MARKER,
    TIP_SUMMARY_MARKER,
    World,
    build_worlds,
)
from tests.personas import Personas, logged_in


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"; the bare route when a pattern has no name
    route: str
    converters: tuple[str, ...]


def walk(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the project, through every include, with its full route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = ":".join(part for part in (namespace, inner) if part)
            yield from walk(pattern.url_patterns, route, joined)
            continue
        assert isinstance(pattern, URLPattern)
        name = ":".join(part for part in (namespace, pattern.name or "") if part)
        converters = tuple(pattern.pattern.converters)
        yield Route(name if pattern.name else route, route, converters)


@dataclass(frozen=True)
class TipRows:
    """Unit A's public tip line, one tip with a summary and a message from the unit, and one help
    directory entry: the rows the tip pages of the matrix are about."""

    line: TipLine
    tip: Tip
    message: Message
    help_entry: HelpEntry
    case: Case  # social services' case in unit A, which triage (social services) may add tips to


def build_tip_rows(personas: Personas) -> TipRows:
    line = TipLine.objects.create(unit=personas.unit_a, slug="sodermalm")
    TipLine.objects.create(unit=personas.unit_b, slug="norrmalm")
    sent = tip_actions.submit(
        unit=personas.unit_a,
        kind="tip",
        language="sv",
        details={"what_happened": TIP_RAW_MARKER, "people_involved": "En man och en kvinna"},
        contact={"name": TIP_CONTACT_MARKER, "phone": "070-174 06 70"},
        submission_key="matrix-tip",
    )
    triage = personas.triage_a
    tip = tip_actions.write_summary(
        actor=triage, tip=sent.tip, summary=TIP_SUMMARY_MARKER, protect_tipster=False
    )
    message = tip_actions.reply_to_tipster(actor=triage, tip=tip, body="Finns det barn där?")
    entry = tip_actions.save_help_entry(
        actor=personas.lead_a,
        unit=personas.unit_a,
        entry=None,
        details={"name": "Kvinnojouren", "helps_with": "Stöd", "position": 1},
    )
    case = case_actions.open_case(
        actor=personas.social_a, unit=personas.unit_a, details={"title": SOCIAL_CASE_TITLE}
    )
    return TipRows(line=line, tip=tip, message=message, help_entry=entry, case=case)


@dataclass
class Run:
    personas: Personas
    wall: Wall
    worlds: list[World]
    spare_user: User
    who: dict[str, Who]
    tips: TipRows
    clients: dict[str, Client] = field(default_factory=dict)
    study: Study | None = None
    extract: Extract | None = None
    cells: int = 0
    mismatches: list[str] = field(default_factory=list)

    def user(self, who: Who) -> User | None:
        if who.kind == "anonymous":
            return None
        name = "police_a" if who.kind in ("unverified", "session") else who.name
        return getattr(self.personas, name)

    def client(self, who: Who, *, fresh: bool = False) -> Client:
        if who.kind == "anonymous":
            return Client()
        if fresh or who.name not in self.clients:
            client = _client_for(who, self.user(who))
            if fresh:
                return client
            self.clients[who.name] = client
        return self.clients[who.name]

    def miss(self, cell: str, problem: str) -> None:
        self.mismatches.append(f"{cell}: {problem}")


def _client_for(who: Who, user: User | None) -> Client:
    """A client past both login steps; only the password step for "unverified"."""
    if user is None:
        return Client()
    if who.kind == "unverified":
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[LOGIN_AT] = time.time()
        session.save()
        return client
    return logged_in(user)


def _who(personas: Personas) -> dict[str, Who]:
    people: dict[str, Who] = {
        "anonymous": Who("anonymous", "anonymous"),
        "unverified": Who("unverified", "unverified"),
    }
    for name, user in personas.all_staff().items():
        people[name] = Who(
            name,
            "staff",
            organisation_id=user.organisation_id,
            unit_ids=frozenset(user.unit_ids()),
            can=ROLE_CAN[name],
        )
    return people


def who_is_who(personas: Personas) -> dict[str, Who]:
    people: dict[str, Who] = {
        "anonymous": Who("anonymous", "anonymous"),
        "unverified": Who("unverified", "unverified"),
        "session": Who("session", "session"),
    }
    for name, user in personas.all_staff().items():
        people[name] = Who(
            name,
            "staff",
            organisation_id=user.organisation_id,
            unit_ids=frozenset(user.unit_ids()),
            can=ROLE_CAN[name],
        )
    return people


def build_run(personas: Personas, asking: tuple[str, ...]) -> Run:
    """The worlds, a spare staff account for the administrators' pages, and a client for each
    persona, made before any test so that their sessions outlive every test's rollback."""
    spare = User.objects.create(
        username="vikarie.sodermalm",
        role="social_worker",
        organisation=personas.social_org_a,
    )
    spare.units.add(personas.unit_a)
    run = Run(
        personas=personas,
        wall=Wall(personas.police_org_a.pk, personas.social_org_a.pk, personas.unit_a.pk),
        worlds=build_worlds(personas),
        spare_user=spare,
        who=who_is_who(personas),
        tips=build_tip_rows(personas),
    )
    run.study, run.extract = _research(personas)
    for name in asking:
        run.client(run.who[name])
    return run


def _research(personas: Personas) -> tuple[Study, Extract]:
    """A study of unit A for the researcher, with one finished extract."""
    study = stats_actions.register_study(
        actor=personas.lead_a,
        name="Matrisstudie i världen",
        ethics_reference="Dnr 2026-00000-01",
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2030, 12, 31),
        units=[personas.unit_a],
        variables=["status", "opened_month"],
        researcher=personas.researcher,
        k=5,
    )
    extract = Extract.objects.create(
        study=study,
        period_start=study.period_start,
        period_end=study.period_end,
        requested_by=personas.researcher,
    )
    extract.units.set([personas.unit_a])
    return study, stats_actions.run_extract(extract_id=extract.pk)
