"""The canary: unique markers in every sensitive field of both organisations, and a crawl of every
page, API response, export and PDF as each persona without a basis. Zero hits.

Each organisation of unit A writes its own rows through the actions, with a marker in each text a
person could be found by: names, contact details, case title and summary, incident place,
description, injuries and weapon, journal text, a report of concern (concern and justification),
and a statutory disclosure still awaiting approval (purpose and details), which discloses nothing
until a second person approves it. Then every URL pattern of the project is asked with every
planted id in each of its arguments (with and without ?format=csv), the search pages are searched
for every marker, and every API operation that reads is called, as each persona who has no basis
for the other organisation's rows. No response may contain a marker of rows that are not theirs.
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from igor.accounts.actions import create_api_token
from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.cases import actions as case_actions
from igor.people import actions as people_actions
from igor.sharing import actions as sharing_actions
from tests.authz.harness import walk
from tests.personas import Personas, logged_in

DAY = datetime.timedelta(days=1)
FIELDS = (
    "first",
    "last",
    "phone",
    "email",
    "street",
    "city",
    "title",
    "summary",
    "place",
    "description",
    "injuries",
    "weapon",
    "journal",
    "concern",
    "justification",
    "purpose",
    "detail",
)


def _markers(side: str) -> dict[str, str]:
    return {name: f"Kanarie{side}{name.capitalize()}Q" for name in FIELDS}


def _plant(owner: User, side: str) -> dict[str, list[int]]:
    """One organisation's rows, every sensitive text carrying its marker; their ids."""
    mark = _markers(side)
    unit = owner.units.get()
    person = people_actions.register_person(
        actor=owner,
        unit=unit,
        details={
            "first_name": mark["first"],
            "last_name": mark["last"],
            "identity_kind": "none",
            "phone": "070" + str(abs(hash(side)) % 10_000_000).zfill(7),
            "email": f"{mark['email'].lower()}@example.se",
            "street_address": mark["street"],
            "postal_code": "11800",
            "city": mark["city"],
        },
    )
    child = people_actions.register_person(
        actor=owner,
        unit=unit,
        details={"first_name": "Barn", "last_name": mark["last"] + "B", "identity_kind": "none"},
    )
    case = case_actions.open_case(
        actor=owner, unit=unit, details={"title": mark["title"], "summary": mark["summary"]}
    )
    case_actions.add_party(actor=owner, case=case, person=person, role="victim")
    case_actions.add_party(actor=owner, case=case, person=child, role="child")
    incident = case_actions.record_incident(
        actor=owner,
        case=case,
        details={
            "occurred_at": timezone.now() - DAY,
            "kinds": ["physical"],
            "place": mark["place"],
            "description": mark["description"],
            "injuries": mark["injuries"],
            "weapon": True,
            "weapon_description": mark["weapon"],
            "children_present": True,
            "children_heard": True,
        },
    )
    entry = case_actions.write_journal_entry(actor=owner, case=case, text=mark["journal"])
    ids: dict[str, list[int]] = {
        "person": [person.pk, child.pk],
        "case": [case.pk],
        "incident": [incident.pk],
        "journal": [entry.pk],
        "report": [],
    }
    if owner.organisation and owner.organisation.kind == "police":
        report = sharing_actions.draft_report_of_concern(
            actor=owner,
            case=case,
            child=child,
            concern=mark["concern"],
            justification=mark["justification"],
            incident=incident,
        )
        ids["report"].append(report.pk)
    else:
        sharing_actions.record_statutory_basis(
            actor=owner,
            subject=person,
            recipient=unit.police,
            ground="osl_10_2",
            conditions={"necessary": True},
            details={"justification": mark["detail"]},
            purpose=mark["purpose"],
            categories={"person", "cases"},
            valid_until=None,
        )
    return ids


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    return response.content.decode(errors="replace")


def _paths(ids: dict[str, list[int]]) -> list[str]:
    """Every page path: with every planted id in a one-argument route, and each case with each
    of its incidents in a two-argument one."""
    every = sorted({i for values in ids.values() for i in values})
    paths = []
    for route in walk():
        if route.name.startswith("api:") or route.name == "accounts:logout":
            continue
        if set(route.converters) - {"pk", "incident_pk", "extract_pk", "person_pk"}:
            continue  # a public page keyed by unit and language (the tip line): no case data
        if not route.converters:
            paths.append(reverse(route.name))
        elif len(route.converters) == 1:
            paths += [reverse(route.name, kwargs={route.converters[0]: i}) for i in every]
        else:
            pairs = itertools.product(ids["case"], ids["incident"])
            paths += [reverse(route.name, args=pair) for pair in pairs]
    return paths


@pytest.mark.django_db
def test_no_marker_of_the_other_side_reaches_anyone_without_a_basis(personas: Personas) -> None:
    police_ids = _plant(personas.police_a, "Polis")
    social_ids = _plant(personas.social_a, "Soc")
    owner_of = {personas.police_org_a.pk: "Polis", personas.social_org_a.pk: "Soc"}
    planted = {"Polis": police_ids, "Soc": social_ids}
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    hits: list[str] = []
    for name, user in personas.all_staff().items():
        own = (
            owner_of.get(user.organisation_id or 0)
            if personas.unit_a.pk in user.unit_ids()
            else None
        )
        foreign = [side for side in ("Polis", "Soc") if side != own]
        markers = [m for side in foreign for m in _markers(side).values()]
        client = logged_in(user)
        ids = {key: [i for side in foreign for i in planted[side][key]] for key in police_ids}
        for path in _paths(ids):
            suffixes = ("", "?format=csv") if "register" in path else ("",)
            for suffix in suffixes:
                _look(hits, name, path + suffix, client.get(path + suffix), markers)
        for marker in markers[:2]:
            # The page repeats what was typed into the search field; anything else is a leak.
            response = client.post(reverse("people:search"), {"q": marker})
            _look(hits, name, "people:search", response, [m for m in markers if m != marker])
        every = sorted({i for values in ids.values() for i in values})
        _crawl_api(hits, name, user, schema, every, markers)
    assert not hits, "\n".join(hits[:50])


def _look(hits: list[str], name: str, path: str, response: Any, markers: list[str]) -> None:
    if response.status_code >= 300:
        return
    body = _text(response)
    found = [m for m in markers if m in body or m.lower() in body]
    if found:
        hits.append(f"{name} GET {path}: {found}")


def _crawl_api(
    hits: list[str],
    name: str,
    user: User,
    schema: dict[str, Any],
    ids: list[int],
    markers: list[str],
) -> None:
    if not user.can(Cap.USE_API):
        return
    _token, secret = create_api_token(actor=user, user=user, name="kanarie")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    for path, methods in schema["paths"].items():
        if "get" not in methods:
            continue
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        for values in itertools.product(ids, repeat=len(names)):
            url = path
            for key, value in zip(names, values, strict=True):
                url = url.replace("{" + key + "}", str(value))
            _look(hits, name, url, client.get(url), markers)
        if "post" in methods and "search" in path:
            for marker in markers[:2]:
                response = client.post(
                    path, json.dumps({"q": marker}), content_type="application/json"
                )
                _look(hits, name, path, response, markers)
