"""Demo logins: the staff of ensure_structure() with one known password and fixed TOTP keys.

Only in demo mode (IGOR_DEMO=1, which settings refuse without DEBUG). The TOTP key of each user is
derived from the username alone, so a person adds it to an authenticator app once and it keeps
working after the database is recreated. These keys are public by design: demo only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import User
from igor.accounts.roles import Role
from igor.accounts.structure import STAFF, ensure_structure
from igor.audit.record import record

# Public on purpose (demo mode only); 15+ characters, as the password policy asks.
DEMO_PASSWORD = "igor-demo-losenord"  # noqa: S105
DEVICE_NAME = "demo"
_KEY_LABEL = b"igor demo totp key"


def require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo users with a known password need demo mode: set DEBUG=1 and IGOR_DEMO=1."
        )


def totp_key(username: str) -> str:
    """The demo user's TOTP key as django-otp stores it: 20 bytes in hex."""
    return hmac.new(_KEY_LABEL, username.encode(), hashlib.sha256).hexdigest()[:40]


def base32_secret(username: str) -> str:
    return base64.b32encode(bytes.fromhex(totp_key(username))).decode().rstrip("=")


@transaction.atomic
def ensure_demo_users() -> dict[str, User]:
    """The demo staff with the demo password and one confirmed TOTP device each."""
    require_demo_mode()
    users = ensure_structure(password=DEMO_PASSWORD)
    changed = []
    for username, user in users.items():
        key = totp_key(username)
        devices = TOTPDevice.objects.filter(user=user)
        if [(d.name, d.key, d.confirmed) for d in devices] == [(DEVICE_NAME, key, True)]:
            continue
        # The login step uses the user's first device, so the demo device must be the only one.
        devices.delete()
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
        changed.append(username)
    if changed:
        record(
            actor=None,
            verb="create",
            object_type="totp_device",
            actor_label="system",
            purpose="demo logins: fixed TOTP keys",
            data={"users": changed},
        )
    return users


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    secret: str
    url: str


def demo_logins() -> list[DemoLogin]:
    require_demo_mode()
    logins = []
    for spec in STAFF:
        device = TOTPDevice.objects.filter(
            user__username=spec.username, name=DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            continue
        logins.append(
            DemoLogin(
                username=spec.username,
                role=str(Role(spec.role).label),
                unit=spec.unit or "–",
                secret=base32_secret(spec.username),
                url=device.config_url,
            )
        )
    return logins
