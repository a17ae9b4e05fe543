"""`igor keys`: generate a master key, show which master key wraps each table's data keys, rotate."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from igor.keys.rotation import key_status, rotate
from igor.lib.crypto import generate_master_key, master_keys


class Command(BaseCommand):
    help = (
        "Encryption keys. `generate` prints a new master key; `status` counts data keys per "
        "master key; `rotate` re-wraps every data key under the primary (first) master key."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        actions.required = True
        generate = actions.add_parser("generate", help="Print a new master key line.")
        generate.add_argument("--id", required=True, help="key id, e.g. 2026-11 (lowercase)")
        actions.add_parser("status", help="Data keys per table and master key.")
        rotate_parser = actions.add_parser(
            "rotate", help="Re-wrap data keys under the primary master key (restartable)."
        )
        rotate_parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be re-wrapped."
        )
        rotate_parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options["id"])
        elif options["action"] == "status":
            self._status()
        else:
            self._rotate(dry_run=options["dry_run"], batch_size=options["batch_size"])

    def _generate(self, key_id: str) -> None:
        try:
            line = generate_master_key(key_id)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(line)
        self.stderr.write(
            "Put it first in IGOR_MASTER_KEYS (keep the old keys after it), restart, then run "
            "`igor keys rotate`. Store a copy offline: without it the data cannot be read."
        )

    def _status(self) -> int:
        primary = master_keys().primary
        left = 0
        self.stdout.write(f"primary master key: {primary}")
        for table in key_status():
            counts = ", ".join(
                f"{key_id}: {count}" for key_id, count in sorted(table.by_master_key.items())
            )
            # The crypto inventory: every encrypted column, found from the installed models.
            self.stdout.write(f"{table.table} ({', '.join(table.columns)})")
            self.stdout.write(
                f"{table.table}: {counts or 'no rows'}"
                + (f", rows without a data key: {table.without_key}" if table.without_key else "")
            )
            left += table.not_under(primary)
        self.stdout.write(f"data keys under other master keys: {left}")
        return left

    def _rotate(self, *, dry_run: bool, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if dry_run:
            self.stdout.write("dry run: nothing is changed")
            self._status()
            return
        primary = master_keys().primary
        done = rotate(
            batch_size=batch_size,
            progress=lambda label, count: self.stdout.write(f"{label}: {count} re-wrapped"),
        )
        self.stdout.write(f"re-wrapped {sum(done.values())} data keys under {primary}")
        left = self._status()
        if left:
            # Rows written meanwhile by servers that still use the old primary key.
            raise CommandError(
                f"{left} data keys are still under other master keys: restart every server with "
                "the new IGOR_MASTER_KEYS, then run `igor keys rotate` again"
            )
        self.stdout.write("done: the other master keys can now be removed from IGOR_MASTER_KEYS")
