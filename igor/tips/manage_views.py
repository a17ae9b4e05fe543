"""The unit lead's tip-line pages: address and opening, public texts, help directory, posters."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.models import Unit
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.lib.pdf import pdf_response, render_pdf
from igor.lib.web import add_action_errors, staff
from igor.tips import access, actions
from igor.tips.forms import HelpEntryForm, PosterForm, TextsForm, TipLineForm
from igor.tips.models import HelpEntry, TextKey, TipLine, TipLineText
from igor.tips.public import PUBLIC_LANGUAGES, unit_text


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def _page(request: HttpRequest, unit: Unit, status: int = 200, **forms: object) -> TemplateResponse:
    line = TipLine.objects.filter(unit=unit).first()
    language = (
        request.GET.get("language") if request.GET.get("language") in PUBLIC_LANGUAGES else "sv"
    )
    texts = (
        {
            key: TipLineText.objects.filter(tip_line=line, key=key, language=language)
            .values_list("text", flat=True)
            .first()
            or ""
            for key in TextKey.values
        }
        if line
        else {}
    )
    context = {
        "unit": unit,
        "line": line,
        "language": language,
        "languages": _languages(),
        "line_form": forms.get("line_form")
        or TipLineForm(
            initial={"slug": line.slug if line else "", "open": line.open if line else True}
        ),
        "texts_form": forms.get("texts_form") or TextsForm(initial=texts),
        "entries": HelpEntry.objects.filter(unit=unit),
        "entry_form": forms.get("entry_form") or HelpEntryForm(),
        "poster_form": PosterForm(
            languages=[c for c in _languages() if c[0] != "sv"], initial={"language": "en"}
        ),
    }
    return TemplateResponse(request, "tips/line.html", context, status=status)


@requires(Cap.MANAGE_TIP_LINE)
@require_http_methods(["GET", "POST"])
def line(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    unit = access.managed_unit(user, request.GET.get("unit"))
    if request.method == "GET":
        return _page(request, unit)
    form = TipLineForm(request.POST)
    if form.is_valid():
        try:
            actions.save_tip_line(
                actor=user,
                unit=unit,
                slug=form.cleaned_data["slug"],
                open=form.cleaned_data["open"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The tip line is saved."))
            return redirect("tips:line")
    return _page(request, unit, status=422, line_form=form)


@requires(Cap.MANAGE_TIP_LINE)
@require_http_methods(["POST"])
def texts(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    unit = access.managed_unit(user, request.GET.get("unit"))
    form = TextsForm(request.POST)
    language = request.POST.get("language", "")
    if form.is_valid():
        try:
            actions.save_texts(actor=user, unit=unit, language=language, texts=form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The texts are saved."))
            return redirect(f"{reverse('tips:line')}?language={language}")
    return _page(request, unit, status=422, texts_form=form)


@requires(Cap.MANAGE_TIP_LINE)
@require_http_methods(["POST"])
def add_help_entry(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    unit = access.managed_unit(user, request.GET.get("unit"))
    form = HelpEntryForm(request.POST)
    if form.is_valid():
        try:
            actions.save_help_entry(actor=user, unit=unit, entry=None, details=form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The entry is added to the help directory."))
            return redirect("tips:line")
    return _page(request, unit, status=422, entry_form=form)


@requires(Cap.MANAGE_TIP_LINE)
@require_http_methods(["GET", "POST"])
def help_entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    entry = access.get_help_entry_for(user, pk)
    form = HelpEntryForm(
        request.POST or None,
        initial={name: getattr(entry, name) for name in actions.HELP_FIELDS},
    )
    if request.method == "POST" and "delete" in request.POST:
        actions.delete_help_entry(actor=user, entry=entry)
        messages.success(request, _("The entry is removed."))
        return redirect("tips:line")
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_help_entry(
                actor=user, unit=entry.unit, entry=entry, details=form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("tips:line")
    status = 422 if form.errors else 200
    return TemplateResponse(
        request, "tips/help_entry.html", {"form": form, "entry": entry}, status=status
    )


@requires(Cap.MANAGE_TIP_LINE)
@require_http_methods(["GET"])
def poster(request: HttpRequest) -> HttpResponse:
    """A printable A4/A3 poster: Swedish and one other language, each with a QR code to the tip
    page in that language."""
    user = staff(request)
    unit = access.managed_unit(user, request.GET.get("unit"))
    line = TipLine.objects.filter(unit=unit).first()
    form = PosterForm(request.GET or None, languages=[c for c in _languages() if c[0] != "sv"])
    if line is None or not form.is_valid():
        messages.error(request, _("Set up the tip line and choose a language for the poster."))
        return redirect("tips:line")
    blocks = [_poster_block(request, line, code) for code in ("sv", form.cleaned_data["language"])]
    pdf = render_pdf(
        "tips/poster.html",
        {"blocks": blocks, "size": form.cleaned_data["size"], "line": line},
        language="sv",
    )
    record(
        actor=user,
        verb="export",
        object_type="tip_poster",
        object_id=line.pk,
        purpose="campaign poster",
        data={"language": form.cleaned_data["language"], "size": form.cleaned_data["size"]},
    )
    return pdf_response(pdf, filename=f"affisch-{line.slug}-{form.cleaned_data['language']}.pdf")


def public_url(request: HttpRequest, path: str) -> str:
    base = settings.TIPS_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _poster_block(request: HttpRequest, line: TipLine, code: str) -> dict[str, str]:
    url = public_url(request, reverse("tipline:tip", kwargs={"unit": line.slug, "lang": code}))
    qr = segno.make(url, error="m").png_data_uri(scale=10, border=2)
    with translation.override(code):
        return {
            "lang": code,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "heading": unit_text(line, TextKey.POSTER_HEADING, code),
            "body": unit_text(line, TextKey.POSTER_BODY, code),
            "qr": qr,
            "qr_alt": _("QR code to the tip form"),
            "url": url,
            "anonymous": _("You can be anonymous."),
            "emergency": _("Emergency: call 112. Police, not urgent: 114 14."),
        }
