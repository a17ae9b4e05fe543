"""The unit lead compares two periods in Chromium: a chart, its table, the XLSX download; axe."""

from __future__ import annotations

import io
import zipfile

import pytest

from igor.stats.tests.world import build
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _compare(site: Site, page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_start").fill("2025-01-01")
    page.locator("#id_end").fill("2025-12-31")
    page.locator("#id_comparison_start").fill("2024-01-01")
    page.locator("#id_comparison_end").fill("2024-12-31")
    page.get_by_role("button", name="Jämför").click()
    page.wait_for_load_state("load")
    site.check(page)


def test_the_unit_lead_compares_two_periods_and_downloads_the_xlsx(site: Site) -> None:
    build(site.personas)
    page = site.new_page()
    site.log_in(page, site.personas.lead_a)
    page.get_by_role("navigation").get_by_role("link", name="Statistik").click()
    page.wait_for_load_state("load")
    site.check(page)

    # A comparison period overlapping the main one: a message beside the field and a summary.
    page.locator("#id_start").fill("2025-01-01")
    page.locator("#id_end").fill("2025-12-31")
    page.locator("#id_comparison_start").fill("2025-06-01")
    page.locator("#id_comparison_end").fill("2026-01-31")
    page.get_by_role("button", name="Jämför").click()
    page.wait_for_load_state("load")
    site.check(page)
    assert "överlappar" in page.locator(".error-summary").inner_text()

    _compare(site, page)
    cases = page.locator("section").filter(
        has=page.get_by_role("heading", name="Ärenden och mörkertalet")
    )
    chart = cases.locator("figure img").first
    assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    row = cases.locator("table tr").filter(has_text="Öppnade ärenden")
    assert row.locator("td").nth(0).inner_text() == "6"
    assert row.locator("td").nth(1).inner_text() == "färre än 5"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner XLSX").click()
    content = open(download_info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Öppnade ärenden" in strings and "färre än 5" in strings

    site.goto(page, "/statistik/definitioner/")
    assert page.locator("#cases_opened").is_visible()


def test_the_dashboard_works_without_javascript(site: Site) -> None:
    build(site.personas)
    page = site.new_page(javascript=False)
    site.log_in(page, site.personas.lead_a)
    site.goto(
        page,
        "/statistik/?start=2025-01-01&end=2025-12-31&comparison_start=2024-01-01&comparison_end=2024-12-31",
    )
    assert page.locator("figure img").count() >= 1
    assert page.locator("table").count() >= 1
