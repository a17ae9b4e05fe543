"""Case work as a police officer does it in Chromium: the acceptance scenario of the foundation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from igor.cases import actions as case_actions
from igor.cases.models import Case, JournalEntry
from igor.people import actions as people_actions
from igor.people.models import Person
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _submit(site: Site, page, button_text: str | re.Pattern[str]) -> None:
    # An exact name for plain text: "Sök" must not also pick "Sök kandidater".
    exact = isinstance(button_text, str)
    page.get_by_role("button", name=button_text, exact=exact).click()
    page.wait_for_load_state("load")
    site.check(page)


def _follow(site: Site, page, link_text: str | re.Pattern[str]) -> None:
    page.locator("main").get_by_role("link", name=link_text).first.click()
    page.wait_for_load_state("load")
    site.check(page)


def test_it_takes_a_case_from_login_to_a_corrected_journal_entry(site: Site) -> None:
    officer = site.personas.police_a
    page = site.new_page()
    site.log_in(page, officer)
    assert page.locator("html").get_attribute("lang") == "sv"

    # A failed submit on a staff form: error summary first, focused, linked to the fields.
    site.goto(page, "/personer/ny/")
    _submit(site, page, "Spara")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.locator("#id_first_name").get_attribute("aria-invalid") == "true"
    assert Person.objects.count() == 0

    page.locator("#id_first_name").fill("Alva")
    page.locator("#id_last_name").fill("Testsson")
    page.locator("input[name=identity_kind][value=none]").check()
    _submit(site, page, "Spara")
    person = Person.objects.get(last_name="Testsson")
    assert page.url.endswith(f"/personer/{person.pk}/")

    site.goto(page, "/arenden/nytt/")
    page.locator("#id_title").fill("Våld i parrelation, Hornstull")
    _submit(site, page, "Spara")
    case = Case.objects.get(title="Våld i parrelation, Hornstull")
    assert page.url.endswith(f"/arenden/{case.pk}/")

    _follow(site, page, re.compile("part", re.I))
    page.locator("#id_q").fill("Testsson")
    _submit(site, page, "Sök")
    page.locator("input[name=role][value=victim]").check()
    _submit(site, page, re.compile("Lägg till", re.I))
    assert page.url.endswith(f"/arenden/{case.pk}/")
    assert page.locator("main").get_by_role("link", name="Alva Testsson").is_visible()

    _follow(site, page, re.compile("händelse", re.I))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("#id_date").fill(yesterday.isoformat())
    page.locator("input[name=kinds][value=physical]").check()
    page.locator("#id_place").fill("Hemmet")
    _submit(site, page, "Spara")
    assert "/handelser/" in page.url

    site.goto(page, f"/arenden/{case.pk}/")
    _follow(site, page, re.compile("journal", re.I))
    page.locator("#id_text").fill("Första samtalet med den våldsutsatta.")
    _submit(site, page, "Spara")

    _follow(site, page, re.compile("Rätta", re.I))
    page.locator("#id_text").fill("Rättelse: samtalet var det andra.")
    _submit(site, page, "Spara")
    original, correction = JournalEntry.objects.filter(case=case).order_by("pk")
    assert correction.corrects_id == original.pk

    timeline = page.locator(".timeline")
    assert timeline.locator(".timeline__item--journal").count() == 2
    assert timeline.locator(".timeline__item--incident").count() == 1
    assert "Rättelse: samtalet var det andra." in timeline.inner_text()
    assert "Första samtalet med den våldsutsatta." in timeline.inner_text()

    # Person search: htmx swaps #results, focus goes to the results heading, the count is spoken.
    site.goto(page, "/personer/")
    page.locator("#id_q").fill("Testsson")
    with page.expect_response(
        lambda r: r.url.endswith("/personer/") and r.request.method == "POST"
    ):
        page.get_by_role("button", name="Sök", exact=True).click()
    page.locator("#results table").wait_for()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-focus-after-swap')")
    page.wait_for_function(
        "() => document.querySelector('[data-live-region]').textContent.length > 0"
    )
    site.check(page)
    assert page.locator("#results").get_by_role("link", name="Testsson, Alva").is_visible()

    # Case list: filters swap #table on change and push the address, sorting included.
    site.goto(page, "/arenden/")
    with page.expect_response(lambda r: "sort=reference" in r.url):
        page.locator("#id_sort").select_option("reference")
    page.wait_for_url(re.compile(r"sort=reference"))
    with page.expect_response(lambda r: "status=closed" in r.url):
        page.locator("#id_status").select_option("closed")
    page.locator("#table").get_by_text(re.compile("0 ärenden|Inga ärenden")).first.wait_for()
    site.check(page)
    with page.expect_response(lambda r: "status=all" in r.url):
        page.locator("#id_status").select_option("all")
    page.locator("#table").get_by_role("link", name=case.reference).wait_for()
    site.check(page)

    # Language: Swedish to English in the footer; staff are offered only these two.
    options = page.locator("#language option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["sv", "en"]
    page.locator("#language").select_option("en")
    page.locator(".site-footer button[type=submit]").click()
    page.wait_for_load_state("load")
    site.check(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Cases"
    site.goto(page, f"/arenden/{case.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"


def _seed_case(site: Site) -> Case:
    officer = site.personas.police_a
    unit = site.personas.unit_a
    person = people_actions.register_person(
        actor=officer,
        unit=unit,
        details={"first_name": "Bo", "last_name": "Utanskript", "identity_kind": "none"},
    )
    case = case_actions.open_case(
        actor=officer, unit=unit, details={"title": "Ärende utan skript", "owner": officer}
    )
    case_actions.add_party(actor=officer, case=case, person=person, role="victim")
    case_actions.write_journal_entry(actor=officer, case=case, text="En anteckning.")
    return case


def test_it_works_without_javascript(site: Site) -> None:
    case = _seed_case(site)
    page = site.new_page(javascript=False)
    site.log_in(page, site.personas.police_a)

    site.goto(page, "/arenden/")
    page.locator("#id_status").select_option("all")
    page.locator("#id_sort").select_option("reference")
    _submit(site, page, "Visa")
    assert "status=all" in page.url and "sort=reference" in page.url
    page.locator("#table").get_by_role("link", name=case.reference).click()
    page.wait_for_load_state("load")
    site.check(page)
    assert page.locator("h1").inner_text() == "Ärende utan skript"

    site.goto(page, "/personer/")
    page.locator("#id_q").fill("Utanskript")
    _submit(site, page, "Sök")
    assert page.locator("#results").get_by_role("link", name="Utanskript, Bo").is_visible()

    site.goto(page, f"/arenden/{case.pk}/journal/ny/")
    _submit(site, page, "Spara")
    assert page.locator("[data-error-summary]").is_visible()
    assert page.locator("#id_text").get_attribute("aria-invalid") == "true"


def test_it_reflows_the_case_page_at_320_pixels(site: Site) -> None:
    case = _seed_case(site)
    page = site.new_page(width=320, height=700)
    site.log_in(page, site.personas.police_a, next_path=f"/arenden/{case.pk}/")
    assert page.url.endswith(f"/arenden/{case.pk}/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"the page scrolls sideways: {scroll_width} px"


def test_it_warns_before_the_session_ends_and_keeps_it_on_request(site: Site) -> None:
    page = site.new_page()
    page.clock.install()
    site.log_in(page, site.personas.social_a)
    warning = page.locator("dialog.session-warning")
    assert not warning.is_visible()

    page.clock.run_for("12:50")
    assert not warning.is_visible()
    page.clock.run_for("00:20")
    warning.wait_for(state="visible")
    assert page.evaluate("document.activeElement.hasAttribute('data-session-continue')")
    site.check(page)

    with page.expect_response(lambda r: "/konto/session/" in r.url) as ping:
        warning.get_by_role("button").click()
    assert ping.value.status == 204
    warning.wait_for(state="hidden")

    # Unattended to the end: the page goes to the login page, which sends a live session home.
    page.clock.run_for("13:10")
    warning.wait_for(state="visible")
    with (
        page.expect_event("load"),
        page.expect_request(lambda r: "/konto/logga-in/?next=%2F" in r.url),
    ):
        page.clock.run_for("02:00")
    site.check(page)
