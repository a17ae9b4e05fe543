"""The authorization matrix against the running project: every URL, persona, state and method.

One test walks the URL configuration and fails for any URL pattern the matrix does not classify
(and for any matrix entry without a URL). Another builds one world per sharing state through the
actions, then asks every page as every persona in every state, with GET and POST, and collects
every cell whose outcome differs from the matrix; it fails listing all of them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse
from pypdf import PdfReader

from igor.accounts.models import User
from igor.audit.models import AuditEvent, Disclosure
from tests.authz import fixtures
from tests.authz.harness import Route, Run, build_run, walk
from tests.authz.matrix import (
    API_NAMESPACE,
    OBJECT_TARGETS,
    PAGE_PERSONAS,
    PAGES,
    RISK_TARGETS,
    ROLE_CAN,
    STATES,
    Page,
    PageContext,
    Who,
    expected,
    sees,
)
from tests.authz.world import CANARY_PHONE, CANARY_STREET, World
from tests.personas import Personas, logged_in

SAMPLE_KWARGS = {
    "pk": 1,
    "incident_pk": 1,
    "extract_pk": 1,
    "item_pk": 1,
    "person_pk": 1,
    "assessment_pk": 1,
    "measure_pk": 1,
    "unit": "sodermalm",
    "lang": "sv",
}

module_db = fixtures.module_db
module_personas = fixtures.module_personas


# --- Discovery -------------------------------------------------------------------------------------


def page_routes() -> list[Route]:
    return [r for r in walk() if not r.name.startswith(API_NAMESPACE + ":")]


def test_it_classifies_every_url_pattern_of_the_project() -> None:
    found = {route.name for route in page_routes()}
    missing = sorted(found - set(PAGES))
    stale = sorted(set(PAGES) - found)
    assert not missing, f"URL patterns missing from the authorization matrix: {missing}"
    assert not stale, f"matrix entries with no URL pattern any more: {stale}"


def test_it_builds_and_resolves_a_path_for_every_url_pattern() -> None:
    for route in page_routes():
        kwargs = {name: SAMPLE_KWARGS[name] for name in route.converters}
        path = reverse(route.name, kwargs=kwargs)
        assert resolve(path).view_name == route.name, path


# --- The cells -------------------------------------------------------------------------------------


def _kwargs(page: Page, world: World, run: Run) -> dict[str, Any]:
    public_line = {"unit": run.tips.line.slug, "lang": "sv"}
    match page.target:
        case "tip_line":
            return public_line
        case "tip_line_message":
            return {**public_line, "pk": run.tips.message.pk}
        case "tip":
            return {"pk": run.tips.tip.pk}
        case "tip_person":
            return {"pk": run.tips.tip.pk, "person_pk": world.subject.pk}
        case "help_entry":
            return {"pk": run.tips.help_entry.pk}
        case "person":
            return {"pk": world.subject.pk}
        case "case" if page.item:
            return {"pk": world.case.pk, "item_pk": world.extra[page.item].pk}
        case "case":
            return {"pk": world.case.pk}
        case "task" | "provider":
            return {"pk": world.extra[page.target].pk}
        case "incident":
            return {"pk": world.case.pk, "incident_pk": world.incident.pk}
        case "staff_user":
            return {"pk": run.spare_user.pk}
        case "risk_assessment":
            return {"pk": world.case.pk, "assessment_pk": world.extra["risk_assessment"].pk}
        case "safety_plan":
            return {"pk": world.case.pk, "person_pk": world.subject.pk}
        case "protective_measure":
            return {"pk": world.case.pk, "measure_pk": world.extra["protective_measure"].pk}
        case "conference":
            return {"pk": world.extra["conference"].pk}
        case "conference_item":
            item = world.extra["conference_item"]
            return {"pk": item.conference_id, "item_pk": item.pk}
        case "report":
            return {"pk": world.report.pk}
        case "study":
            return {"pk": run.study.pk}
        case "extract":
            return {"pk": run.study.pk, "extract_pk": run.extract.pk}
    return {}


def _outcome(response: HttpResponse, path: str) -> str:
    status = response.status_code
    if status != 302:
        return str(status)
    location = urlsplit(response["Location"])
    if location.path == reverse("accounts:login") and location.query:
        sent_back = parse_qs(location.query).get("next") == [path]
        return "login" if sent_back else f"302 → {response['Location']}"
    if location.path == reverse("accounts:verify"):
        return "verify"
    return "302"


def _request(run: Run, page: Page, who: Who, world: World, method: str) -> tuple[str, Any]:
    path = reverse(page.name, kwargs=_kwargs(page, world, run))
    client = run.client(who, fresh=page.fresh_session)
    if method == "GET":
        response = client.get(path)
    else:
        units = sorted(who.unit_ids)
        context = PageContext(who, units[0] if units else None, run.spare_user.pk)
        data = page.payload(world, context) if page.payload else {}
        response = client.post(path, data)
    return path, response


def _check_cell(run: Run, page: Page, who: Who, world: World, method: str) -> None:
    cell = f"{method} {page.name} as {who.name} [{world.state}]"
    want = expected(page, run.wall, who, world.state, method)
    user = run.user(who) if who.kind == "staff" else None
    audited = user is not None and page.target in OBJECT_TARGETS  # what _check_audit counts
    disclosures = Disclosure.objects.filter(actor=user).count() if audited else 0
    reads = AuditEvent.objects.filter(actor=user, verb="read").count() if audited else 0
    path, response = _request(run, page, who, world, method)
    run.cells += 1
    got = _outcome(response, path)
    if got != want:
        run.miss(cell, f"expected {want}, got {got}")
        return
    if not audited:
        _check_markers(run, cell, page, who, world, method, response)
        return
    assert user is not None
    _check_audit(run, cell, page, who, world, method, response, user, disclosures, reads)
    _check_markers(run, cell, page, who, world, method, response)


def _check_audit(
    run: Run,
    cell: str,
    page: Page,
    who: Who,
    world: World,
    method: str,
    response: HttpResponse,
    user: User,
    disclosures_before: int,
    reads_before: int,
) -> None:
    """A4: a read across the wall writes one disclosure with its basis; an own read an event."""
    new = Disclosure.objects.filter(actor=user).order_by("-id")
    added = new.count() - disclosures_before
    is_read = method == "GET" and response.status_code == 200 and not page.writes
    across = is_read and not run.wall.owns(who)
    if added != (1 if across else 0):
        run.miss(cell, f"{added} disclosure rows written, expected {1 if across else 0}")
    if across:
        row = new.first()
        assert row is not None
        target = {"person": world.subject.pk, "case": world.case.pk, "incident": world.incident.pk}
        target.update({name: world.extra[name].pk for name in RISK_TARGETS})
        wanted = (
            page.disclosed or page.target,
            target[page.target or ""],
            world.basis.pk if world.basis else None,
        )
        if (row.object_type, row.object_id, row.basis_id) != wanted:
            run.miss(
                cell,
                f"disclosure names {(row.object_type, row.object_id, row.basis_id)}, "
                f"expected {wanted}",
            )
    own_read = is_read and run.wall.owns(who)
    read_events = AuditEvent.objects.filter(actor=user, verb="read").count() - reads_before
    if own_read and read_events != 1:
        run.miss(cell, f"{read_events} read events written for an own read, expected 1")


def _expected_markers(
    run: Run, page: Page, who: Who, world: World, method: str
) -> dict[tuple[World, str], bool]:
    """What a 200 response must (True) or must not (False) show, by rules A2 and A5."""
    wall, state = run.wall, world.state

    def seen(*categories: str) -> bool:
        return sees(wall, who, state, frozenset(categories))

    if page.name == "cases:detail":
        return {
            (world, "case_title"): True,
            (world, "subject_name"): seen("person"),
            (world, "perpetrator_name"): wall.owns(who),
            (world, "incident_place"): seen("incidents"),
            (world, "journal_text"): seen("journal"),
        }
    if page.name == "tips:detail":
        # The triage rule: the raw tip and the tipster's contact details for triage alone.
        triage = "triage_tips" in who.can
        return {
            (world, "tip_summary"): True,
            (world, "tip_raw"): triage,
            (world, "tip_contact"): triage,
        }
    if page.name == "tips:queue":
        return {(world, "tip_raw"): False, (world, "tip_contact"): False}
    if page.name == "cases:incident":
        return {(world, "incident_place"): True, (world, "journal_text"): False}
    if page.name == "people:detail":
        return {
            (world, "subject_name"): True,
            (world, "case_title"): seen("cases"),
            (world, "safe_code"): seen("person", "safety_plan"),
        }
    if page.name in ("risk:assessment", "risk:case"):
        shown = page.name == "risk:assessment"
        return {(world, "risk_rationale"): shown, (world, "plan_text"): False}
    if page.name == "support:case":
        # Support under the support category; the legal process under the incidents (A2).
        return {
            (world, "support_text"): True,
            (world, "legal_number"): seen("incidents"),
            (world, "risk_rationale"): False,
            (world, "journal_text"): False,
        }
    if page.name == "risk:plan":
        return {(world, "plan_text"): True, (world, "risk_rationale"): False}
    if page.name == "risk:conference_item" and method == "GET":
        return {(world, "minutes_text"): True, (world, "case_title"): True}
    if page.name == "risk:conference":
        return {(world, "case_title"): wall.owns(who), (world, "minutes_text"): False}
    if page.name == "people:reveal":
        return {(world, "contact_street"): True, (world, "contact_phone"): True}
    if page.name == "cases:list":
        return {
            (w, "case_title"): sees(wall, who, w.state, frozenset({"cases"})) for w in run.worlds
        }
    if page.name == "people:search" and method == "POST":
        return {
            (w, "subject_name"): sees(wall, who, w.state, frozenset({"person"})) for w in run.worlds
        }
    return {}


def _body(response: HttpResponse) -> str:
    """The text of a response; of a PDF its text; of a ZIP (an extract, an XLSX) the text of
    every file in it, so a marker cannot slip out inside a download."""
    content = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if not content.startswith(b"PK"):
        return content.decode()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def _check_markers(
    run: Run, cell: str, page: Page, who: Who, world: World, method: str, response: HttpResponse
) -> None:
    if response.status_code != 200 or response["Content-Type"] == "application/pdf":
        return  # a PDF's text is checked by its own tests
    body = _body(response)
    wanted = _expected_markers(run, page, who, world, method)
    for (shown, marker), present in wanted.items():
        text = shown.markers[marker]
        if (text in body) != present:
            verb = "missing" if present else "leaks"
            run.miss(cell, f"{verb} {marker} of [{shown.state}] ({text!r})")
    revealing = any(marker.startswith("contact_") for _world, marker in wanted)
    if not revealing and (CANARY_STREET in body or CANARY_PHONE in body):
        run.miss(cell, "leaks protected contact details (A5)")


def _cells(run: Run, page: Page) -> Iterator[tuple[Who, World, str]]:
    """GETs first, then POSTs, so the owner's writes cannot change what a read cell sees."""
    worlds = run.worlds if page.target in OBJECT_TARGETS else run.worlds[:1]
    for method in ("GET", "POST"):
        for world in worlds:
            for name in PAGE_PERSONAS:
                yield run.who[name], world, method


@pytest.fixture(scope="module")
def run(module_personas: Personas) -> Run:
    return build_run(module_personas, PAGE_PERSONAS)


@pytest.mark.parametrize("name", list(PAGES))
def test_it_matches_the_authorization_matrix_on_every_page(run: Run, db: None, name: str) -> None:
    page = PAGES[name]
    run.mismatches = []
    # Fresh sessions for every page: each test rolls back the renewals of the idle expiry, so
    # sessions made when the module began would expire once the whole run outlasts the timeout.
    run.clients.clear()
    cells = 0
    for who, world, method in _cells(run, page):
        _check_cell(run, page, who, world, method)
        cells += 1
    print(f"{name}: {cells} cells")
    assert not run.mismatches, f"{len(run.mismatches)} mismatches:\n" + "\n".join(run.mismatches)


def test_it_checks_every_persona_in_every_state_with_both_methods(run: Run) -> None:
    total = sum(1 for page in PAGES.values() for _cell in _cells(run, page))
    print(f"\nauthorization matrix: {total} page cells")
    object_pages = [page for page in PAGES.values() if page.target in OBJECT_TARGETS]
    assert total == len(PAGE_PERSONAS) * 2 * (len(PAGES) + (len(STATES) - 1) * len(object_pages))


def test_it_never_lets_a_write_across_the_wall_succeed(run: Run, db: None) -> None:
    """Writes by the other organisation fail even with consent: only police_a writes here."""
    writers = [run.who[name] for name in ROLE_CAN if name != "police_a"]
    for page in (p for p in PAGES.values() if p.writes):
        for world in run.worlds:
            for who in writers:
                _request(run, page, who, world, "POST")
    strangers = AuditEvent.objects.filter(
        case_id__in=[w.case.pk for w in run.worlds], verb__in=["create", "update"]
    ).exclude(actor=run.personas.police_a)
    assert list(strangers.values_list("actor__username", "verb", "object_type")) == []
    # (The worlds' own setup decides statutory disclosures: an update of a sharing basis.)
    changed = AuditEvent.objects.filter(
        person_id__in=[w.subject.pk for w in run.worlds], verb="update"
    ).exclude(object_type="sharing_basis")
    assert not changed.exists()


def test_it_refuses_a_post_without_csrf_token_on_every_form(run: Run, db: None) -> None:
    """With CSRF checks on, every POST a verified user may make without a token gets 403."""
    owner = run.who["police_a"]
    world = run.worlds[0]
    client = Client(enforce_csrf_checks=True)
    logged_in(run.personas.police_a, client)
    before = AuditEvent.objects.count()
    checked = []
    for page in PAGES.values():
        if "POST" not in page.methods or page.public.get(("staff", "POST")) == "405":
            continue
        if page.access not in ("public", "staff") and page.access not in owner.can:
            continue
        path = reverse(page.name, kwargs=_kwargs(page, world, run))
        context = PageContext(owner, run.personas.unit_a.pk, run.spare_user.pk)
        response = client.post(path, page.payload(world, context) if page.payload else {})
        assert response.status_code == 403, f"POST {page.name} without a CSRF token"
        checked.append(page.name)
    assert "cases:add_journal_entry" in checked
    assert AuditEvent.objects.count() == before
