"""The shared PDF renderer makes tagged PDF/UA documents and refuses to fetch anything remote."""

from __future__ import annotations

import io

import pytest
import segno
from pypdf import PdfReader

from igor.lib.pdf import render_pdf


@pytest.fixture
def tiny_template(tmp_path, settings):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "tiny.html").write_text(
        '<!doctype html><html lang="{{ pdf_language }}"><head><title>T</title></head>'
        '<body><h1>{{ heading }}</h1><img src="{{ image }}" alt="x"></body></html>',
        encoding="utf-8",
    )
    # Changing the setting resets Django's template engines (the setting_changed signal).
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder]}]
    return "tiny.html"


def test_it_makes_a_tagged_pdf_in_the_language_asked_for(tiny_template) -> None:
    qr = segno.make("https://igor.example/tips/").png_data_uri(scale=2)
    pdf = render_pdf(tiny_template, {"heading": "Rubrik", "image": qr}, language="sv")
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sv"
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page["/Resources"]["/XObject"], "the inline image is drawn"


def test_it_refuses_to_load_anything_from_another_host(tiny_template) -> None:
    pdf = render_pdf(
        tiny_template, {"heading": "x", "image": "https://example.org/x.png"}, language="en"
    )
    # The image is left out (WeasyPrint logs the refusal), and the document is still made.
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert not page["/Resources"].get("/XObject")
