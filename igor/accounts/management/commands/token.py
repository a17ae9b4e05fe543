"""`igor token create USERNAME [--name NAME] [--days N]`: a personal API token, shown once."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from igor.accounts.actions import create_api_token
from igor.accounts.models import ApiToken, User
from igor.accounts.roles import Cap

LONGEST_DAYS = 365


def _days(raw: str) -> int:
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if not 1 <= days <= LONGEST_DAYS:
        raise argparse.ArgumentTypeError(f"give a whole number of days from 1 to {LONGEST_DAYS}")
    return days


def _name(raw: str) -> str:
    name = raw.strip()
    longest = ApiToken._meta.get_field("name").max_length or 100
    if not name or len(name) > longest:
        raise argparse.ArgumentTypeError(f"give a name of 1 to {longest} characters")
    return name


class Command(BaseCommand):
    help = "Personal API tokens. `create` makes one and prints its secret once."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        actions.required = True
        create = actions.add_parser("create", help="Create a token for a staff member.")
        create.add_argument("username")
        create.add_argument("--name", type=_name, default="API", help="What the token is for.")
        create.add_argument(
            "--days", type=_days, default=90, help=f"Days until it expires (1–{LONGEST_DAYS})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options["username"], options["name"], options["days"])

    def _create(self, username: str, name: str, days: int) -> None:
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"no active staff member is called {username!r}")
        if not user.can(Cap.USE_API):
            # The API would answer 403 to every call; a token would only be a secret to leak.
            raise CommandError(f"{username!r} has a role that may not use the API")
        # Run by an operator on the server, for the staff member: the token's owner is the actor.
        token, secret = create_api_token(actor=user, user=user, name=name, days=days)
        self.stdout.write(secret)
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"Token {token.prefix}… for {username}, expires {expires:%Y-%m-%d %H:%M}. "
            "This is the only time the secret is shown."
        )
