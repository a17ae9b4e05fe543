"""`igor audit verify`: check the whole audit hash chain against the key and the chain head."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from igor.audit.models import AuditEvent
from igor.audit.record import verify


class Command(BaseCommand):
    help = "Work with the audit trail. `verify` checks that no event was altered, removed or moved."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        # A subcommand per task keeps room for later ones (export, review) under one name.
        actions.required = True
        actions.add_parser("verify", help="Verify the hash chain; exit 1 on any break.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()

    def _verify(self) -> None:
        problems = verify()
        if not problems:
            count = AuditEvent.objects.count()
            self.stdout.write(f"intact: {count} events")
            return
        for problem in problems:
            self.stderr.write(f"event {problem.seq}: {problem.reason}")
        # CommandError makes the console command exit non-zero, so a scheduled check can alert.
        raise CommandError(f"the audit trail is broken: {len(problems)} problem(s)")
