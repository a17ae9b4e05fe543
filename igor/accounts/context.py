"""What every staff page needs: the acting role (A8), capabilities and the session deadline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from igor.accounts.roles import CAPABILITIES, ActingRole, Role, default_acting_role

ACTING_ROLE = "igor_acting_role"


def acting_role(request: HttpRequest) -> str:
    """The role the user acts in on joint work, stated in the header and recorded with access."""
    user = request.user
    stored = request.session.get(ACTING_ROLE)
    if stored in ActingRole.values:
        return str(stored)
    role = getattr(user, "role", "")
    return default_acting_role(role) if role else ""


def staff_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    role = getattr(user, "role", "")
    caps = {cap.value for cap in CAPABILITIES.get(Role(role), frozenset())} if role else set()
    return {
        "caps": caps,
        "acting_role": acting_role(request),
        "acting_roles": ActingRole.choices,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_idle_minutes": max(1, settings.SESSION_COOKIE_AGE // 60),
        # Staff pages exist in Swedish and English only; the footer offers just those to staff.
        "staff_languages": settings.STAFF_LANGUAGES,
    }
