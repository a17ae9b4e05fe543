"""`igor authenticator issue USERNAME`: a new TOTP key for a staff member, shown once."""

from __future__ import annotations

import base64
import io
from typing import Any

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser

from igor.accounts.actions import issue_authenticator
from igor.accounts.models import User


class Command(BaseCommand):
    help = "Issue a new authenticator (TOTP) key for a staff member and show it once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        issue = sub.add_parser("issue", help="replace the user's key; ends their sessions")
        issue.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff member {options['username']!r}.")
        device = issue_authenticator(actor=None, user=user)
        key = base64.b32encode(device.bin_key).decode().rstrip("=")
        self.stdout.write(f"Key for {user.username} (shown once): {key}")
        self.stdout.write(f"URL: {device.config_url}")
        picture = io.StringIO()
        segno.make(device.config_url, micro=False).terminal(out=picture, compact=True)
        self.stdout.write(picture.getvalue())
