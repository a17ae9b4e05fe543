"""The pages anyone can reach, in all four languages, with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Site, current_code
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser

LANGUAGES = {"sv": "ltr", "en": "ltr", "ar": "rtl", "fa": "rtl"}
PUBLIC_PATHS = ["/konto/logga-in/", "/tillganglighet/", "/finns-inte/"]


def _choose_language(site: Site, page, code: str) -> None:
    """The footer's language form: a plain POST to Django's set_language, no script needed."""
    page.locator("#language").select_option(code)
    page.locator(".site-footer button[type=submit]").click()
    page.wait_for_load_state("load")
    site.check(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_serves_the_public_pages_in_four_languages_with_direction(
    site: Site, javascript: bool
) -> None:
    page = site.new_page(javascript=javascript)
    site.goto(page, "/konto/logga-in/")
    assert page.locator("html").get_attribute("lang") == "sv"
    for code, direction in LANGUAGES.items():
        _choose_language(site, page, code)
        for path in PUBLIC_PATHS:
            site.goto(page, path)
            html = page.locator("html")
            assert html.get_attribute("lang") == code, path
            assert html.get_attribute("dir") == direction, path
            options = page.locator("#language option").evaluate_all(
                "options => options.map(o => o.value)"
            )
            assert options == ["sv", "en", "ar", "fa"]


def test_it_explains_a_failed_login_in_an_error_summary_linked_to_the_fields(site: Site) -> None:
    page = site.new_page()
    site.goto(page, "/konto/logga-in/")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    site.check(page)
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    username = page.locator("#id_username")
    assert username.get_attribute("aria-invalid") == "true"
    assert "id_username_error" in (username.get_attribute("aria-describedby") or "")
    assert page.locator("#id_username_error").is_visible()
    summary.locator("a[href='#id_password']").click()
    assert page.evaluate("document.activeElement.id") == "id_password"


def test_it_reflows_the_login_page_at_320_pixels_in_arabic(site: Site) -> None:
    page = site.new_page(width=320, height=640, locale="ar")
    site.goto(page, "/konto/logga-in/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"the page scrolls sideways: {scroll_width} px"


def test_it_serves_the_code_and_lockout_pages_right_to_left(site: Site) -> None:
    user = site.personas.police_a
    page = site.new_page(locale="fa")
    site.goto(page, "/konto/logga-in/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/konto/verifiera/")
    site.check(page)
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("input[name=code]").fill("000000" if current_code(user) != "000000" else "111111")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    site.check(page)
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"

    stranger = site.new_page(locale="ar", javascript=False)
    for _attempt in range(8):
        site.goto(stranger, "/konto/logga-in/")
        stranger.locator("input[name=username]").fill("ingen.sadan")
        stranger.locator("input[name=password]").fill("fel lösenord som är långt nog")
        stranger.locator("main button[type=submit]").click()
        stranger.wait_for_load_state("load")
        site.check(stranger)
        if not stranger.locator("input[name=password]").count():
            break
    assert stranger.locator("html").get_attribute("dir") == "rtl"
    assert stranger.locator("main a[href='/konto/logga-in/']").count() == 1


def test_it_offers_the_skip_link_first_and_keeps_focus_visible(site: Site) -> None:
    page = site.new_page()
    site.goto(page, "/tillganglighet/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] >= 24
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert outline != "none" or background == "rgb(255, 210, 63)"
