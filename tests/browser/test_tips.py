"""The public tip line in a real browser: an Arabic tip with JavaScript off and the dialogue from a
second session, the quick exit mid-form, and axe on every public page in four languages."""

from __future__ import annotations

import re

import pytest

from igor.tips import actions
from igor.tips.models import Draft, Message, Tip, TipLine
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

LANGUAGES = {"sv": "ltr", "en": "ltr", "ar": "rtl", "fa": "rtl"}
PAGES = ["", "tipsa/", "kontakt/", "sluta/", "stod/", "dolj/", "svar/", "skickat/", "tack/"]


def _line(site: Site) -> TipLine:
    return TipLine.objects.get_or_create(unit=site.personas.unit_a, defaults={"slug": "sodermalm"})[
        0
    ]


def _submit(site: Site, page) -> None:
    page.locator("main button[type=submit][value=next]").first.click()
    page.wait_for_load_state("load")
    site.check(page)


def test_an_arabic_tip_without_javascript_and_the_answer_from_a_second_session(site: Site) -> None:
    _line(site)
    page = site.new_page(javascript=False, locale="ar")
    site.goto(page, "/t/sodermalm/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("main a[href='/t/sodermalm/ar/tipsa/']").click()
    page.wait_for_load_state("load")
    site.check(page)
    page.locator("input[name=danger_now][value=no]").check()
    _submit(site, page)
    page.locator("textarea[name=what_happened]").fill("أسمع صراخًا من الشقة المقابلة كل ليلة.")
    page.locator("input[name=place]").fill("Götgatan")
    _submit(site, page)
    page.locator("textarea[name=people_involved]").fill("رجل وامرأة وطفلان")
    page.locator("input[name=children_in_home][value=yes]").check()
    _submit(site, page)
    page.locator("input[name=how_known][value=neighbour]").check()
    _submit(site, page)
    assert "أسمع صراخًا" in page.locator("main").inner_text()
    _submit(site, page)  # send
    assert "/kod/" in page.url
    code = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"(\d{4} ){6}\d{4}", code)
    page.locator("input[name=last_digits]").fill(code[-4:])
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    site.check(page)
    assert "/skickat/" in page.url
    tip = Tip.objects.get()
    assert tip.language == "ar" and tip.children_in_home == "yes"
    actions.reply_to_tipster(actor=site.personas.triage_a, tip=tip, body="كم عمر الطفلين؟")

    later = site.new_page(javascript=False, locale="ar")
    site.goto(later, "/t/sodermalm/ar/svar/")
    later.locator("input[name=code]").fill(code)
    later.locator("main button[type=submit]").click()
    later.wait_for_load_state("load")
    site.check(later)
    assert "كم عمر الطفلين؟" in later.locator("main").inner_text()
    later.locator("textarea[name=body]").fill("حوالي خمس وسبع سنوات")
    later.locator("form[action$='/svar/samtal/'] button[type=submit]").click()
    later.wait_for_load_state("load")
    site.check(later)
    assert Message.objects.get(tip=tip, from_unit=False).body == "حوالي خمس وسبع سنوات"


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_the_quick_exit_mid_form_deletes_the_draft_on_the_server(
    site: Site, javascript: bool, settings
) -> None:
    # A neutral page of our own stands in for the weather site: tests never leave the machine.
    settings.TIPS_QUICK_EXIT_URL = site.url("/tillganglighet/")
    _line(site)
    page = site.new_page(javascript=javascript)
    site.goto(page, "/t/sodermalm/sv/tipsa/")
    page.locator("input[name=danger_now][value=no]").check()
    _submit(site, page)
    page.locator("textarea[name=what_happened]").fill("Halvfärdigt tips")
    _submit(site, page)
    assert Draft.objects.count() == 1
    entries = page.evaluate("history.length") if javascript else 0
    if javascript:
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
    else:
        page.locator("[data-quick-exit]").click()
    page.wait_for_url("**/tillganglighet/")
    site.check(page)
    assert Draft.objects.count() == 0
    if javascript:
        # location.replace: the form's history entry was replaced, not added to.
        assert page.evaluate("history.length") == entries


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_public_page_passes_axe_in_four_languages(site: Site, javascript: bool) -> None:
    _line(site)
    page = site.new_page(javascript=javascript)
    for code, direction in LANGUAGES.items():
        for path in PAGES:
            site.goto(page, f"/t/sodermalm/{code}/{path}")
            html = page.locator("html")
            assert html.get_attribute("lang") == code, path
            assert html.get_attribute("dir") == direction, path
    # The steps of the form and the receipt and danger pages, in Persian.
    site.goto(page, "/t/sodermalm/fa/tipsa/")
    page.locator("input[name=danger_now][value=yes]").check()
    _submit(site, page)
    assert page.locator("a[href='tel:112']").count() == 1
