"""Pages that belong to no single app: the start page and the accessibility statement."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from igor.accounts.roles import Cap


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return TemplateResponse(
        request,
        "home.html",
        {"works_with_cases": user.can(Cap.VIEW_CASE_DATA)},  # type: ignore[union-attr]
    )


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accessibility.html")


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
