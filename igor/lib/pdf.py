"""Printable documents: Django templates rendered to tagged, accessible PDF (PDF/UA-1) with WeasyPrint.

Every PDF the product makes (posters, consent forms, plans) goes through here, so each is tagged for
screen readers, carries its language, and never fetches anything from another host.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """The template rendered in `language` as tagged PDF/UA-1 bytes."""
    # Imported here: loading Pango costs time that pages without a PDF should not pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language})
    # Only data: URLs (inline images, QR codes): a PDF must never reach out to the network or disk.
    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return pdf


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """An attachment response; the file name should be neutral (it can show in a download list)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
