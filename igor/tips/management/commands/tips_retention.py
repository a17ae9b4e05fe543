"""`igor tips_retention [--dry-run]`: delete tips that led to nothing, after the retention period.

A tip closed with the outcome "no action" is deleted IGOR_TIPS_RETENTION_DAYS (default 90) days
after it was closed, with its dialogue, contact details and links. `--dry-run` lists what would
go and deletes nothing; run it first. Meant for a daily timer (cron or systemd).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from igor.tips import actions, session


class Command(BaseCommand):
    help = "Delete tips that led to nothing after the retention period (--dry-run lists them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list only, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.TIPS_RETENTION_DAYS
        if options["dry_run"]:
            due = actions.due_for_deletion()
            for tip in due:
                closed = tip.closed_at.date().isoformat() if tip.closed_at else "?"
                self.stdout.write(f"{tip.reference}\tunit {tip.unit_id}\tclosed {closed}")
            self.stdout.write(
                f"{len(due)} tip(s) would be deleted (no action, closed over {days} days ago). "
                "Nothing was deleted."
            )
            return
        deleted = actions.delete_for_retention()
        purged = session.purge_expired()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {len(deleted)} tip(s) closed without action over {days} days ago, "
                f"and {purged} expired draft(s) or unsaved receipt(s)."
            )
        )
