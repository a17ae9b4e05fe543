"""The authorization matrix against the JSON API: every operation of the published schema.

The operations are read from /api/v1/openapi.json and the API's URL patterns from the URL
configuration; anything the matrix does not classify, or classifies but no longer exists, fails.
Then every operation is called as every persona in every sharing state, every answer is checked
against the schema, and every cell whose outcome, disclosures or contents differ is collected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from igor.accounts.actions import create_api_token
from igor.api.tests.schema import OpenApi, openapi
from igor.audit.models import AuditEvent, Disclosure
from tests.authz import fixtures
from tests.authz.harness import Run, build_run, walk
from tests.authz.matrix import (
    API_NAMESPACE,
    API_OPERATIONS,
    API_OTHER_URLS,
    API_PERSONAS,
    STATES,
    Operation,
    Who,
    expected_api,
    sees,
)
from tests.authz.world import CANARY_PHONE, CANARY_STREET, World
from tests.personas import Personas

module_db = fixtures.module_db
module_personas = fixtures.module_personas
OTHER_METHODS = ("PUT", "PATCH", "DELETE")


# --- Discovery -------------------------------------------------------------------------------------


def test_it_classifies_every_operation_of_the_published_schema(db: None) -> None:
    published = {op.operation_id: op.method for op in openapi().operations}
    missing = sorted(set(published) - set(API_OPERATIONS))
    stale = sorted(set(API_OPERATIONS) - set(published))
    assert not missing, f"API operations missing from the authorization matrix: {missing}"
    assert not stale, f"matrix entries with no API operation any more: {stale}"
    wrong = {k: m for k, m in published.items() if API_OPERATIONS[k].method != m}
    assert not wrong, f"operations whose method changed: {wrong}"


def test_it_classifies_every_url_pattern_of_the_api() -> None:
    found = {r.name for r in walk() if r.name.startswith(API_NAMESPACE + ":")}
    known = {f"{API_NAMESPACE}:{name}" for name in API_OPERATIONS} | set(API_OTHER_URLS)
    assert not sorted(found - known), f"API URL patterns not in the matrix: {sorted(found - known)}"
    assert not sorted(known - found), f"matrix API entries without a URL: {sorted(known - found)}"


def test_it_answers_the_api_urls_that_are_no_operation(db: None) -> None:
    for name, status in API_OTHER_URLS.items():
        route = next(r for r in walk() if r.name == name)
        assert str(Client().get("/" + route.route).status_code) == status, name


# --- The cells -------------------------------------------------------------------------------------


class ApiRun:
    """A run of the matrix's rows with a token for every staff persona."""

    def __init__(self, run: Run, schema: OpenApi) -> None:
        self.run = run
        self.schema = schema
        self.tokens = {
            name: create_api_token(actor=user, user=user, name="matrix")[1]
            for name, user in run.personas.all_staff().items()
        }
        self.mismatches: list[str] = []

    def call(self, who: Who, method: str, path: str, body: Any = None) -> Any:
        headers = {}
        if who.kind == "staff":
            headers["Authorization"] = f"Bearer {self.tokens[who.name]}"
        # A verified session is worth nothing to the API: it takes tokens only.
        client = self.run.client(who) if who.kind == "session" else Client()
        data = json.dumps(body) if body is not None else ""
        response = client.generic(
            method, path, data=data, content_type="application/json", headers=headers
        )
        self.schema.validate(method, path, response)
        return response


def _path(template: str, world: World) -> str:
    values = {
        "person_id": world.subject.pk,
        "case_id": world.case.pk,
        "incident_id": world.incident.pk,
        "entry_id": world.journal.pk,
        "basis_id": world.basis.pk if world.basis else 0,  # 0: no basis, so not found
        "report_id": world.report.pk,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def _template(schema: OpenApi, op: Operation) -> str:
    return next(o.path for o in schema.operations if o.operation_id == op.operation_id)


def _disclosed_id(op: Operation, world: World) -> int:
    return {
        "person": world.subject.pk,
        "case": world.case.pk,
        "incident": world.incident.pk,
        "journal_entry": world.journal.pk,
        "case_risk": world.case.pk,
        "case_support": world.case.pk,
    }[op.disclosed or ""]


def _expected_markers(
    api: ApiRun, op: Operation, who: Who, world: World
) -> dict[tuple[World, str], bool]:
    """What a successful answer must (True) or must not (False) contain, by rules A2 and A5."""
    wall, state = api.run.wall, world.state

    def seen(*categories: str) -> bool:
        return sees(wall, who, state, frozenset(categories))

    def per_world(marker: str, category: str) -> dict[tuple[World, str], bool]:
        return {
            (w, marker): sees(wall, who, w.state, frozenset({category})) for w in api.run.worlds
        }

    match op.operation_id:
        case "persons_detail":
            return {(world, "subject_name"): True}
        case "cases_detail":
            return {
                (world, "case_title"): True,
                (world, "subject_name"): seen("person"),
                (world, "perpetrator_name"): wall.owns(who),
            }
        case "incidents_list" | "incidents_detail":
            return {(world, "incident_place"): True, (world, "journal_text"): False}
        case "journal_list" | "journal_detail":
            return {(world, "journal_text"): True, (world, "incident_place"): False}
        case "referrals_list":  # the support and treatment status, nothing of the case's risk
            return {(world, "support_text"): True, (world, "risk_rationale"): False}
        case "assessments_list":
            return {(world, "risk_rationale"): True, (world, "support_text"): False}
        case "cases_list":
            return per_world("case_title", "cases")
        case "persons_search":
            return per_world("subject_name", "person")
        case "persons_match":  # the named subject if seen; no other world's unless seen
            hidden = {
                (w, "subject_name"): False
                for w in api.run.worlds
                if not sees(wall, who, w.state, frozenset({"person"}))
            }
            return {**hidden, (world, "subject_name"): seen("person")}
        case "persons_list" if not wall.owns(who):  # the owner's first page holds only some
            return per_world("subject_name", "person")
    return {}


def _check_cell(api: ApiRun, op: Operation, who: Who, world: World) -> None:
    cell = f"{op.method} {op.operation_id} as {who.name} [{world.state}]"
    want = expected_api(op, api.run.wall, who, world.state)
    user = api.run.user(who) if who.kind == "staff" else None
    disclosures = Disclosure.objects.filter(actor=user).count() if user else 0
    reads = AuditEvent.objects.filter(actor=user, verb="read").count() if user else 0
    path = _path(_template(api.schema, op), world)
    response = api.call(who, op.method, path, op.payload(world) if op.payload else None)
    got = str(response.status_code)
    if got != want:
        api.mismatches.append(f"{cell}: expected {want}, got {got}")
        return
    if not got.startswith("2"):
        if user and Disclosure.objects.filter(actor=user).count() != disclosures:
            api.mismatches.append(f"{cell}: a refused call wrote a disclosure")
        return
    text = json.dumps(response.json(), ensure_ascii=False)
    _check_contents(api, cell, op, who, world, text)
    if user is not None and op.method == "GET":
        _check_audit(api, cell, op, who, world, response.json(), disclosures, reads)


def _check_contents(
    api: ApiRun, cell: str, op: Operation, who: Who, world: World, text: str
) -> None:
    for (shown, marker), present in _expected_markers(api, op, who, world).items():
        if (shown.markers[marker] in text) != present:
            problem = "missing" if present else "leaks"
            api.mismatches.append(f"{cell}: {problem} {marker} of [{shown.state}]")
    if CANARY_STREET in text or CANARY_PHONE in text:
        api.mismatches.append(f"{cell}: leaks protected contact details (A5)")


def _check_audit(
    api: ApiRun,
    cell: str,
    op: Operation,
    who: Who,
    world: World,
    body: Any,
    disclosures_before: int,
    reads_before: int,
) -> None:
    """A4: every row read across the wall is a disclosure with its basis; own reads events."""
    user = api.run.user(who)
    rows = Disclosure.objects.filter(actor=user).order_by("-id")
    added = rows.count() - disclosures_before
    if op.target is None:
        shared = sum(1 for item in body.get("items", []) if item.get("shared"))
        if added != shared:
            api.mismatches.append(f"{cell}: {added} disclosures for {shared} shared rows")
        return
    across = not api.run.wall.owns(who)
    if added != (1 if across else 0):
        api.mismatches.append(f"{cell}: {added} disclosures written, expected {int(across)}")
    if across and added == 1:
        row = rows.first()
        assert row is not None
        wanted = (op.disclosed, _disclosed_id(op, world), world.basis.pk if world.basis else None)
        if (row.object_type, row.object_id, row.basis_id) != wanted:
            named = (row.object_type, row.object_id, row.basis_id)
            api.mismatches.append(f"{cell}: disclosure names {named}, expected {wanted}")
    reads = AuditEvent.objects.filter(actor=user, verb="read").count() - reads_before
    if not across and reads != 1:
        api.mismatches.append(f"{cell}: {reads} read events for an own read, expected 1")


def _cells(api: ApiRun, op: Operation) -> Iterator[tuple[Who, World]]:
    worlds = api.run.worlds if op.target else api.run.worlds[:1]
    for world in worlds:
        for name in API_PERSONAS:
            yield api.run.who[name], world


@pytest.fixture(scope="module")
def api(module_personas: Personas) -> ApiRun:
    return ApiRun(build_run(module_personas, ("session",)), openapi())


@pytest.mark.parametrize("operation_id", list(API_OPERATIONS))
def test_it_matches_the_authorization_matrix_on_every_operation(
    api: ApiRun, db: None, operation_id: str
) -> None:
    op = API_OPERATIONS[operation_id]
    api.mismatches = []
    cells = 0
    for who, world in _cells(api, op):
        _check_cell(api, op, who, world)
        cells += 1
    print(f"{operation_id}: {cells} cells")
    assert not api.mismatches, f"{len(api.mismatches)} mismatches:\n" + "\n".join(api.mismatches)


def test_it_answers_405_to_every_method_a_path_does_not_have(api: ApiRun, db: None) -> None:
    world, wrong = api.run.worlds[0], []
    for template in api.schema.document["paths"]:
        declared = {op.method for op in api.schema.operations if op.path == template}
        for method in (m for m in OTHER_METHODS if m not in declared):
            for name in API_PERSONAS:
                status = api.call(api.run.who[name], method, _path(template, world)).status_code
                if status != 405:
                    wrong.append(f"{method} {template} as {name}: {status}")
    assert not wrong, "\n".join(wrong)


def test_it_checks_every_operation_as_every_persona_in_every_state(api: ApiRun) -> None:
    total = sum(1 for op in API_OPERATIONS.values() for _cell in _cells(api, op))
    print(f"\nAPI authorization matrix: {total} operation cells")
    object_ops = [op for op in API_OPERATIONS.values() if op.target]
    assert total == len(API_PERSONAS) * (len(API_OPERATIONS) + (len(STATES) - 1) * len(object_ops))
