"""The personas every test speaks of (ARCHITECTURE §7), built through the same code as the demo."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.middleware import LOGIN_AT
from igor.accounts.models import Organisation, Unit, User
from igor.accounts.structure import ensure_structure

PASSWORD = "korrekt häst batteri häftklammer"  # 15+ characters, as the policy asks


@dataclass
class Personas:
    police_a: User
    social_a: User
    lead_a: User
    police_b: User
    social_b: User
    lead_b: User
    triage_a: User
    triage_b: User
    researcher: User
    admin: User
    unit_a: Unit
    unit_b: Unit
    police_org_a: Organisation
    social_org_a: Organisation
    police_org_b: Organisation
    social_org_b: Organisation

    def all_staff(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "police_a",
                "social_a",
                "lead_a",
                "police_b",
                "social_b",
                "lead_b",
                "triage_a",
                "triage_b",
                "researcher",
                "admin",
            )
        }


@functools.cache
def _password_hash() -> str:
    # Argon2id costs about a second under load; one hash shared by all personas keeps the suite fast.
    return make_password(PASSWORD)


def make_personas() -> Personas:
    users = ensure_structure(password=None)
    User.objects.filter(pk__in=[user.pk for user in users.values()]).update(
        password=_password_hash()
    )
    for user in users.values():
        user.password = _password_hash()
        TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    unit_a = Unit.objects.get(name="IGOR Södermalm")
    unit_b = Unit.objects.get(name="IGOR Norrmalm")
    return Personas(
        police_a=users["polis.sodermalm"],
        social_a=users["soc.sodermalm"],
        lead_a=users["chef.sodermalm"],
        police_b=users["polis.norrmalm"],
        social_b=users["soc.norrmalm"],
        lead_b=users["chef.norrmalm"],
        triage_a=users["tips.sodermalm"],
        triage_b=users["tips.norrmalm"],
        researcher=users["forskare"],
        admin=users["admin"],
        unit_a=unit_a,
        unit_b=unit_b,
        police_org_a=unit_a.police,
        social_org_a=unit_a.social_services,
        police_org_b=unit_b.police,
        social_org_b=unit_b.social_services,
    )


def logged_in(user: User, client: Client | None = None) -> Client:
    """A client with a session past both login steps (password and TOTP)."""
    import time

    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user).first()
    session = client.session
    session["otp_device_id"] = device.persistent_id if device else ""
    session[LOGIN_AT] = time.time()
    session.save()
    return client
