"""Finding a known person in Chromium: candidates with reasons before registering, while triaging
a tip and while adding a party, the duplicate review with merge and undo, and a repeat-perpetrator
alert on a case, not shown to a user without access. axe-core on every page."""

from __future__ import annotations

import datetime
import re

import pytest

from igor.audit.models import AuditEvent
from igor.cases.actions import add_party
from igor.people.actions import store_duplicate_pairs
from igor.people.matching import duplicate_pairs
from igor.people.models import Person
from igor.tips.models import PersonLink
from igor.tips.tests.make import send_tip, tip_line
from tests.browser.conftest import Site
from tests.builders import make_case, make_person

pytestmark = pytest.mark.browser


def _submit(site: Site, page, name: str | re.Pattern[str]) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")
    site.check(page)


def test_registering_a_known_person_shows_them_with_reasons_first(site: Site) -> None:
    officer = site.personas.police_a
    known = make_person(
        officer,
        first_name="Johan",
        last_name="Ek",
        street_address="Ringvägen 12",
        birth_date=datetime.date(1885, 4, 12),
    )
    page = site.new_page()
    site.log_in(page, officer)
    site.goto(page, "/personer/ny/")
    page.locator("#id_first_name").fill("Johan")
    page.locator("#id_last_name").fill("Eek")
    page.locator("input[name=identity_kind][value=none]").check()
    page.locator("#id_birth_date").fill("1885-12-04")
    page.locator("#id_street_address").fill("Ringv. 12")
    _submit(site, page, "Spara")
    candidates = page.locator("main section").first
    assert "Ek, Johan" in candidates.inner_text()
    assert "födelsedatum med dag och månad omkastade" in candidates.inner_text()
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(verb="match", data__results=[known.pk]).exists()
    _submit(site, page, re.compile("Ingen av dem"))
    assert Person.objects.count() == 2


def test_a_duplicate_is_merged_and_the_merge_undone(site: Site) -> None:
    officer = site.personas.police_a
    make_person(officer, first_name="Anna", last_name="Lind", birth_date=datetime.date(1880, 5, 6))
    twin = make_person(
        officer, first_name="Ana", last_name="Lind", birth_date=datetime.date(1880, 5, 6)
    )
    unit = site.personas.unit_a.pk
    organisation = site.personas.police_org_a.pk
    store_duplicate_pairs(
        actor=None,
        organisation_id=organisation,
        unit_id=unit,
        found=list(duplicate_pairs(organisation, unit)),
        actor_label="igor dedupe",
    )
    page = site.new_page()
    site.log_in(page, officer)
    site.goto(page, "/personer/dubbletter/")
    assert "samma födelsedatum" in page.locator("main").inner_text()
    _submit(site, page, "Slå ihop")
    assert Person.objects.get(pk=twin.pk).merged_into_id is not None
    _submit(site, page, "Ångra")
    assert Person.objects.get(pk=twin.pk).merged_into_id is None


def test_a_repeat_perpetrator_alert_shows_on_the_new_case(site: Site) -> None:
    officer = site.personas.police_a
    him = make_person(officer, first_name="Rolf", last_name="Hård")
    earlier = make_case(officer, "Misshandel 2024")
    add_party(actor=officer, case=earlier, person=him, role="perpetrator")
    case = make_case(officer, "Hot mot ny partner")
    add_party(
        actor=officer, case=case, person=make_person(officer, first_name="Nora"), role="victim"
    )
    add_party(actor=officer, case=case, person=him, role="perpetrator")
    page = site.new_page()
    site.log_in(page, officer)
    site.goto(page, f"/arenden/{case.pk}/")
    alert = page.locator("#repeat-title")
    assert alert.is_visible()
    assert "Misshandel 2024" in page.locator("main").inner_text()
    site.goto(page, "/personer/larm/")
    assert case.reference in page.locator("main").inner_text()
    # Without access: the other unit's officer gets neither the case nor the alert.
    stranger = site.new_page()
    site.log_in(stranger, site.personas.police_b)
    site.goto(stranger, "/personer/larm/")
    assert case.reference not in stranger.locator("main").inner_text()
    assert "Misshandel 2024" not in stranger.locator("main").inner_text()
    response = stranger.goto(site.url(f"/arenden/{case.pk}/"))
    site.check(stranger)
    assert response is not None and response.status == 404


def test_triaging_a_tip_that_names_a_known_person_shows_them_and_links_with_audit(
    site: Site,
) -> None:
    social = site.personas.social_a
    known = make_person(
        social,
        first_name="Johan",
        last_name="Ek",
        street_address="Ringvägen 12",
        birth_date=datetime.date(1885, 4, 12),
    )
    tip_line(site.personas.unit_a, "sodermalm")
    tip = send_tip(
        site.personas.unit_a,
        people_involved="Johan, mannen i lägenheten ovanför",
        place="Ringvägen 12",
    ).tip
    page = site.new_page(javascript=False)
    site.log_in(page, site.personas.triage_a)
    site.goto(page, f"/tips/{tip.pk}/")
    candidates = page.locator("section[aria-labelledby=candidates-heading]")
    text = candidates.inner_text()
    assert "Ek, Johan" in text
    assert "samma gata och nummer" in text and "samma förnamn" in text
    assert "Trolig" in text or "Säker" in text
    _submit(site, page, "Koppla till Johan Ek")
    assert PersonLink.objects.filter(tip=tip, person=known).exists()
    assert AuditEvent.objects.filter(
        verb="link", object_type="tip", object_id=tip.pk, person_id=known.pk
    ).exists()
    assert "Johan Ek" in page.locator("main dl").first.inner_text()


def test_adding_a_party_finds_candidates_without_javascript(site: Site) -> None:
    officer = site.personas.police_a
    known = make_person(
        officer, first_name="Rolf", last_name="Hård", birth_date=datetime.date(1870, 3, 2)
    )
    case = make_case(officer, "Hot mot ny partner")
    page = site.new_page(javascript=False)
    site.log_in(page, officer)
    site.goto(page, f"/arenden/{case.pk}/parter/ny/")
    page.locator("#id_name").fill("Rolf Hard")
    page.locator("#id_birth_date").fill("1870-03-02")
    _submit(site, page, "Sök kandidater")
    assert "samma födelsedatum" in page.locator("#find-candidates").inner_text()
    page.locator(f"#candidate-{known.pk}").check()
    page.locator("#find-candidates input[name=role][value=perpetrator]").check()
    _submit(site, page, "Lägg till i ärendet")
    assert case.parties.filter(person=known, role="perpetrator").exists()
