"""Risk work as a social worker does it in Chromium: the acceptance scenario of the risk issue.

She assesses with IGOR's own screening list, sees the suggested level, raises it with a
rationale, finds the case flagged for the next conference, makes a safety plan with the person
and prints it in Swedish and in Arabic.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from igor.cases import actions as case_actions
from igor.cases.models import Case
from igor.people import actions as people_actions
from igor.risk.instruments import DEFAULT, current
from igor.risk.models import Assessment, SafetyPlanVersion
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _case(site: Site) -> Case:
    worker, unit = site.personas.social_a, site.personas.unit_a
    victim = people_actions.register_person(
        actor=worker,
        unit=unit,
        details={"first_name": "Amal", "last_name": "Skyddsdotter", "identity_kind": "none"},
    )
    perpetrator = people_actions.register_person(
        actor=worker,
        unit=unit,
        details={"first_name": "Karim", "last_name": "Hotare", "identity_kind": "none"},
    )
    case = case_actions.open_case(actor=worker, unit=unit, details={"title": "Oro för Amal"})
    case_actions.add_party(actor=worker, case=case, person=victim, role="victim")
    case_actions.add_party(actor=worker, case=case, person=perpetrator, role="perpetrator")
    return case


def _submit(site: Site, page, name: str | re.Pattern[str]) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")
    site.check(page)


def _download(page, link: str) -> bytes:
    # Rendering a PDF can take seconds on a busy machine: wait longer than for a page.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name=link).click(timeout=60_000)
    path = info.value.path()
    with open(path, "rb") as stream:
        return stream.read()


def test_a_social_worker_assesses_raises_the_level_and_prints_the_plan(site: Site) -> None:
    case = _case(site)
    instrument = current(DEFAULT)
    assert instrument is not None
    page = site.new_page()
    site.log_in(page, site.personas.social_a)

    site.goto(page, f"/risk/arenden/{case.pk}/")
    page.locator("main").get_by_role("link", name="Bedöm med IGOR:s screeninglista").click()
    page.wait_for_load_state("load")
    site.check(page)
    assert "inte ett validerat" in page.locator("main").inner_text()

    yes = {"violence_before", "violence_worse", "stalking", "jealousy_control"}
    for item in instrument.items:
        answer = "yes" if item.id in yes else "no"
        page.locator(f"input[name=item_{item.id}][value={answer}]").check()
    _submit(site, page, "Visa föreslagen nivå")
    suggestion = page.get_by_role("status").filter(has_text="Föreslagen nivå").inner_text()
    assert "Poäng: 7." in suggestion and "Låg" in suggestion
    assert page.locator("input[name=level][value=low]").is_checked()

    # A judgement without rationale is refused beside the field; nothing is saved.
    page.locator("input[name=level][value=high]").check()
    _submit(site, page, "Spara bedömningen")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert Assessment.objects.count() == 0

    page.locator("input[name=level][value=high]").check()
    page.locator("#id_rationale").fill("Hon beskriver kontroll och upptrappning; hon är rädd.")
    _submit(site, page, "Spara bedömningen")
    assessment = Assessment.objects.get()
    assert (assessment.suggested_level, assessment.level) == ("low", "high")

    site.goto(page, f"/risk/arenden/{case.pk}/")
    assert "Flaggat till nästa ärendedragning." in page.locator("main").inner_text()
    site.goto(page, "/risk/samrad/")
    assert page.locator("main").get_by_role("link", name=case.reference).is_visible()

    # The safety plan, with the code word left off her printed copy.
    site.goto(page, f"/risk/arenden/{case.pk}/")
    page.locator("main").get_by_role("link", name="Gör en säkerhetsplan").click()
    page.wait_for_load_state("load")
    site.check(page)
    page.locator("#id_section_before").fill("Väska med pass och mediciner hos grannen.")
    page.locator("#id_section_code_word").fill("Kodord: kanelbulle")
    page.locator("#id_print_code_word").uncheck()
    page.locator("#id_section_digital").fill("Stäng av platsdelningen i telefonen.")
    page.locator("#id_language").select_option("ar")
    _submit(site, page, "Spara en ny version")
    assert SafetyPlanVersion.objects.get().number == 1

    swedish = PdfReader(io.BytesIO(_download(page, "Skriv ut hennes exemplar på svenska (PDF)")))
    arabic = PdfReader(
        io.BytesIO(_download(page, "Skriv ut hennes exemplar på hennes språk (PDF)"))
    )
    assert swedish.trailer["/Root"]["/Lang"] == "sv"
    assert arabic.trailer["/Root"]["/Lang"] == "ar"
    assert "/StructTreeRoot" in arabic.trailer["/Root"]
    swedish_text = "".join(p.extract_text() for p in swedish.pages)
    arabic_text = "".join(p.extract_text() for p in arabic.pages)
    assert "Min säkerhetsplan" in swedish_text and "Väska med pass" in swedish_text
    assert "kanelbulle" not in swedish_text and "kanelbulle" not in arabic_text
    assert "112" in arabic_text and "Min säkerhetsplan" not in arabic_text


def test_an_owner_marks_a_conference_action_done_without_javascript(site: Site) -> None:
    """Issue 6: an agreed action is marked done (who and when) and opened again, as a plain form."""
    from django.utils import timezone

    from igor.risk import actions as risk_actions
    from igor.risk.models import ConferenceAction

    case = _case(site)
    worker = site.personas.social_a
    conference = risk_actions.create_conference(
        actor=worker, unit=site.personas.unit_a, kind="huddle", held_on=timezone.localdate()
    )
    item = risk_actions.add_to_agenda(actor=worker, conference=conference, case=case, reasons=[])
    risk_actions.add_conference_action(
        actor=worker,
        item=item,
        description="Ansök om larmpaket",
        owner=worker,
        due_on=timezone.localdate(),
    )
    page = site.new_page(javascript=False)
    site.log_in(page, worker)
    site.goto(page, f"/risk/samrad/{conference.pk}/arenden/{item.pk}/")
    _submit(site, page, re.compile(r"^Markera som klar\W+Ansök om larmpaket$"))
    action = ConferenceAction.objects.get()
    assert action.done_at is not None and action.done_by == worker
    assert "Åtgärden är markerad som klar." in page.locator("main").inner_text()
    _submit(site, page, re.compile(r"^Öppna igen\W+Ansök om larmpaket$"))
    action.refresh_from_db()
    assert action.done_at is None
