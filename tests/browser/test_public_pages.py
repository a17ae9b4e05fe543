"""The pages anyone can reach, in all four languages, with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Site

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
