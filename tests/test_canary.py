"""The canary: unique markers in every sensitive field of both organisations, and a crawl of every
page, API response, export and PDF as each persona without a basis. Zero hits.

Each organisation of unit A writes its own rows through the actions, with a marker in each text a
person could be found by: names, contact details, case title and summary, incident place,
description, injuries and weapon, journal text, a report of concern (concern and justification),
a statutory disclosure still awaiting approval (purpose and details), which discloses nothing
until a second person approves it, the risk assessment's rationale, the safety plan, the
safe-contact code word, conference minutes, and the support work (referral purpose, outreach and
intervention notes). Then every URL pattern of the project is asked with every
planted id in each of its arguments (with and without ?format=csv), the search pages are searched
for every marker, and every API operation that reads is called, as each persona who has no basis
for the other organisation's rows. No response may contain a marker of rows that are not theirs.

A second crawl gives the other organisation a consent covering the person and the case only
(domain-sweden.md §8 requirement 3): the case is then shown, but no marker of its risk
assessment, safety plan or support work may be.
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
from igor.people.models import Person
from igor.risk import actions as risk_actions
from igor.sharing import actions as sharing_actions
from igor.support import actions as support_actions
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
    "rationale",
    "plan",
    "code",
    "minutes",
    "referral",
    "outreach",
    "intervention",
)
# The fields whose rows a basis shows only when it covers risk_assessment, safety_plan or support.
RISK_SAFETY_SUPPORT = (
    "rationale",
    "plan",
    "code",
    "minutes",
    "referral",
    "outreach",
    "intervention",
)


def _markers(side: str) -> dict[str, str]:
    return {name: f"Kanarie{side}{name.capitalize()}Q" for name in FIELDS}


def _plant(owner: User, side: str, lead: User) -> dict[str, list[int]]:
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
        **_plant_risk_and_support(owner, lead, case, person, mark),
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


def _plant_risk_and_support(
    owner: User, lead: User, case: Any, person: Any, mark: dict[str, str]
) -> dict[str, list[int]]:
    """The case's risk work and support work, each text carrying its marker; their ids."""
    today = timezone.localdate()
    assessment = risk_actions.record_external_result(
        actor=owner,
        case=case,
        person=person,
        instrument_name="SARA:SV",
        assessed_on=today,
        assessor_name="Inspektör Kanarie",
        level="high",
        rationale=mark["rationale"],
    )
    risk_actions.write_safety_plan(
        actor=owner, case=case, person=person, sections={"before": (mark["plan"], True)}
    )
    risk_actions.save_safe_contact(actor=owner, person=person, details={"code_word": mark["code"]})
    unit = case.unit
    conference = risk_actions.create_conference(
        actor=owner, unit=unit, kind="huddle", held_on=today
    )
    item = risk_actions.add_to_agenda(
        actor=owner, conference=conference, case=case, reasons=["high_level"]
    )
    risk_actions.write_minutes(actor=owner, item=item, summary="", minutes=mark["minutes"])
    provider = support_actions.add_provider(
        actor=lead,
        unit=unit,
        details={"name": f"Behandling {mark['last'][:14]}", "kind": "treatment"},
    )
    referral = support_actions.send_referral(
        actor=owner,
        case=case,
        person=person,
        provider=provider,
        purpose=mark["referral"],
        sent_on=today,
    )
    support_actions.record_outreach(
        actor=owner,
        case=case,
        person=person,
        method="phone",
        done_at=timezone.now() - DAY,
        result="reached",
        notes=mark["outreach"],
    )
    intervention = support_actions.record_intervention(
        actor=owner,
        case=case,
        person=person,
        kind="advice",
        started_on=today,
        notes=mark["intervention"],
    )
    return {
        "assessment": [assessment.pk],
        "conference": [conference.pk],
        "item": [item.pk],
        "referral": [referral.pk],
        "intervention": [intervention.pk],
    }


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
        if set(route.converters) - {"pk", *_SECOND}:
            continue  # a public page keyed by unit and language (the tip line): no case data
        if not route.converters:
            paths.append(reverse(route.name))
        elif len(route.converters) == 1:
            paths += [reverse(route.name, kwargs={route.converters[0]: i}) for i in every]
        else:
            firsts = ids["case"] + ids["conference"]
            seconds = [i for kind in _SECOND[route.converters[1]] for i in ids.get(kind, [])]
            pairs = itertools.product(firsts, seconds)
            paths += [reverse(route.name, args=pair) for pair in pairs]
    return paths


# The planted rows a route's second argument may name (its first is a case or a conference).
_SECOND: dict[str, tuple[str, ...]] = {
    "incident_pk": ("incident",),
    "extract_pk": ("incident",),
    "person_pk": ("person",),
    "assessment_pk": ("assessment",),
    "measure_pk": (),
    "item_pk": ("item", "referral", "intervention"),
}


@pytest.mark.django_db
def test_no_marker_of_the_other_side_reaches_anyone_without_a_basis(personas: Personas) -> None:
    police_ids = _plant(personas.police_a, "Polis", personas.lead_a)
    social_ids = _plant(personas.social_a, "Soc", personas.lead_a)
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


@pytest.mark.django_db
def test_a_basis_covering_only_the_case_reveals_no_risk_safety_or_support_marker(
    personas: Personas,
) -> None:
    """Requirement 3: a consent for the person and the case shows the case, and nothing of its
    risk assessment, safety plan, safe-contact rules, conference minutes or support work."""
    ids = _plant(personas.police_a, "Polis", personas.lead_a)
    sharing_actions.record_consent(
        actor=personas.police_a,
        subject=Person.objects.get(pk=ids["person"][0]),
        recipient=personas.social_org_a,
        purpose="samordning",
        consent_form="oral",
        witness="Vera Vittne",
        categories={"person", "cases"},
        valid_until=None,
    )
    mark = _markers("Polis")
    hidden = [mark[name] for name in RISK_SAFETY_SUPPORT]
    user = personas.social_a
    client = logged_in(user)
    assert mark["title"] in client.get(reverse("cases:detail", args=ids["case"])).content.decode()
    hits: list[str] = []
    for path in _paths(ids):
        _look(hits, "social_a", path, client.get(path), hidden)
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    every = sorted({i for values in ids.values() for i in values})
    _crawl_api(hits, "social_a", user, schema, every, hidden)
    assert not hits, "\n".join(hits[:50])
    # The control: once a consent names them, the same pages show them.
    sharing_actions.record_consent(
        actor=personas.police_a,
        subject=Person.objects.get(pk=ids["person"][0]),
        recipient=personas.social_org_a,
        purpose="samordnat skydd och stöd",
        consent_form="oral",
        witness="Vera Vittne",
        categories={"person", "cases", "risk_assessment", "safety_plan", "support"},
        valid_until=None,
    )
    case, assessment = ids["case"][0], ids["assessment"][0]
    client = logged_in(user)  # the crawl may have ended the first session
    shown = client.get(reverse("risk:assessment", args=[case, assessment])).content.decode()
    assert mark["rationale"] in shown
    shown = client.get(reverse("support:case", args=[case])).content.decode()
    assert mark["referral"] in shown  # (notes are not shown on the page at all)


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
