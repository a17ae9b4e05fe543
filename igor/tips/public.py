"""What every public page shares: the unit's tip line from the address, the language from the
address, the neutral page frame, and the public forms' token check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from igor.tips import session
from igor.tips.models import TextKey, TipLine, TipLineText

PUBLIC_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

DEFAULT_TEXTS = {
    TextKey.INTRO: _(
        "Are you worried that someone close to you, a neighbour or a colleague is being hurt at "
        "home? Tell us. You can be anonymous. We are police officers and social workers who work "
        "together against violence in close relationships."
    ),
    TextKey.POSTER_HEADING: _("Are you worried about someone?"),
    TextKey.POSTER_BODY: _(
        "Tell us if you think someone is being hurt at home. You can be anonymous. "
        "Scan the code or visit the address below."
    ),
}


def unit_text(line: TipLine, key: str, language: str) -> str:
    """The unit's own text in this language, else the built-in one (translated)."""
    own = TipLineText.objects.filter(tip_line=line, key=key, language=language).first()
    if own is not None:
        return own.text
    with translation.override(language):
        return str(DEFAULT_TEXTS[TextKey(key)])


class UnsupportedLanguage(Http404):
    pass


def public_page(
    methods: list[str], draft_kind: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A public page of a unit's tip line: /t/<unit>/<language>/…

    Open to everyone; the language comes from the address (so a shared link keeps it and no
    language cookie is set); an unknown language gets a page that lists the ones there are.
    The public forms check their own token (igor.tips.session.check_form_token) instead of
    Django's CSRF check, which `Referrer-Policy: no-referrer` makes browsers fail.
    A page that keeps a draft of `draft_kind` gets it read with the line (see
    igor.tips.session.find_line).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_not_required
        @csrf_exempt
        @require_http_methods(methods)
        @wraps(view)
        def wrapper(request: HttpRequest, unit: str, lang: str, **kwargs: Any) -> HttpResponse:
            line = session.find_line(request, unit, draft_kind)
            if line is None:
                raise Http404
            if lang not in PUBLIC_LANGUAGES:
                return unsupported_language(request, line, lang)
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
            session.purge_now_and_then()
            if request.method == "POST" and not session.check_form_token(request):
                return expired(request, line, lang)
            return view(request, line, lang, **kwargs)

        return wrapper

    return decorate


def render(
    request: HttpRequest,
    line: TipLine,
    lang: str,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> TemplateResponse:
    base = {
        "line": line,
        "lang": lang,
        "form_token": session.form_token(request),
        "languages": _language_links(request, lang),
        "exit_url": "/t/exit/",
    }
    return TemplateResponse(request, template, {**base, **context}, status=status)


def _language_links(request: HttpRequest, current: str) -> list[dict[str, str]]:
    """The same page in every public language (the language is the address's second part)."""
    parts = request.path.split("/")
    links = []
    for code in PUBLIC_LANGUAGES:
        info = translation.get_language_info(code)
        path = "/".join([*parts[:3], code, *parts[4:]]) if len(parts) > 4 else request.path
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "path": path,
                "current": str(code == current),
            }
        )
    return links


def expired(request: HttpRequest, line: TipLine, lang: str) -> TemplateResponse:
    """A form sent without a valid token: an expired session or a cross-site post. Nothing is
    saved; the visitor is told plainly and may start again."""
    return render(request, line, lang, "tips/public/expired.html", {}, status=403)


def unsupported_language(request: HttpRequest, line: TipLine, lang: str) -> TemplateResponse:
    translation.activate(settings.LANGUAGE_CODE)
    links = [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "path": f"/t/{line.slug}/{code}/",
        }
        for code in PUBLIC_LANGUAGES
    ]
    return TemplateResponse(
        request,
        "tips/public/unsupported_language.html",
        {"line": line, "lang": settings.LANGUAGE_CODE, "choices": links, "exit_url": "/t/exit/"},
        status=404,
    )
