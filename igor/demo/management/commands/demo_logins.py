"""`igor demo_logins`: the demo users, the demo password and each user's TOTP key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from igor.demo.users import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins = demo_logins()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if not logins:
            raise CommandError("No demo users yet: run `igor demo` first.")
        write = self.stdout.write
        write("Demo logins (demo mode only; never use these anywhere else)")
        write(f"Password for every user: {DEMO_PASSWORD}")
        write(
            "Add each TOTP key to an authenticator app once (type the key, or open the "
            "otpauth:// link on the phone); the keys stay the same when the demo is recreated."
        )
        for login in logins:
            write("")
            write(f"  {login.username:<16} {login.role} – {login.unit}")
            write(f"  {'TOTP key':<16} {login.secret}")
            write(f"  {'':<16} {login.url}")
