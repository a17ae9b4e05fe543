"""Session lifetime, the second factor for all staff pages, and no caching of anything we serve."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import urlencode

LOGIN_AT = "igor_login_at"

# Paths that are not staff pages: static files (served by WhiteNoise before us) and the API,
# which authenticates every request with a bearer token instead of a session.
_OPEN_PREFIXES = ("/static/", "/api/")


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after login however active it is (idle expiry is Django's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None or time.time() - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class RequireVerifiedStaffMiddleware:
    """Private by default: every view needs a logged-in user who has passed the TOTP step.

    Views open to everyone are marked with Django's @login_not_required.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(_OPEN_PREFIXES) or not getattr(
            view_func, "login_required", True
        ):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{_login_url()}?{urlencode({'next': request.path})}")
        if not is_verified(user):
            return redirect("accounts:verify")
        return None


def is_verified(user: Any) -> bool:
    """Whether the session has passed the TOTP step (django-otp adds is_verified to the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def _login_url() -> str:
    from django.urls import reverse

    return reverse(settings.LOGIN_URL)


class StaffLanguageMiddleware:
    """Staff pages exist in Swedish and English only: a staff member who chose Arabic or Persian
    on a public page gets Swedish once fully logged in, rather than a half-translated page.
    The login steps themselves are public pages and keep the chosen language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_verified(request.user) and translation.get_language() not in settings.STAFF_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing IGOR serves may be kept by a browser or proxy cache (except static files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
