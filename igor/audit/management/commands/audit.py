"""`igor audit`: verify the hash chain, publish its head outside the database, reseal a restore.

igor audit verify [--anchors FILE]    chain intact, and nothing anchored cut or rewritten
igor audit anchor [--file FILE]       append the signed chain head to FILE and print it
igor audit reseal --reason TEXT       after restoring an older database on purpose
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from igor.audit.anchor import Anchor, AnchorFileError, read_anchors
from igor.audit.chain import ChainProblem
from igor.audit.models import AuditEvent
from igor.audit.record import ChainBroken, anchor, reseal, verify


class Command(BaseCommand):
    help = (
        "Work with the audit trail. `verify` checks that no event was altered, removed or moved "
        "(and, with anchors, that none was cut off); `anchor` publishes the chain head; "
        "`reseal` records a deliberate restore of an older database."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        # A subcommand per task keeps room for later ones (export, review) under one name.
        actions.required = True
        check = actions.add_parser("verify", help="Verify the hash chain; exit 1 on any break.")
        check.add_argument(
            "--anchors",
            help="anchor file to check against (default: IGOR_AUDIT_ANCHOR_FILE); use the copy "
            "kept on another system",
        )
        publish = actions.add_parser(
            "anchor", help="Append the chain head to the anchor file and print it."
        )
        publish.add_argument("--file", help="anchor file (default: IGOR_AUDIT_ANCHOR_FILE)")
        restore = actions.add_parser(
            "reseal", help="Accept a restored older database: record it and anchor the new head."
        )
        restore.add_argument("--reason", required=True, help="what was restored, and why")
        restore.add_argument("--file", help="anchor file (default: IGOR_AUDIT_ANCHOR_FILE)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options["anchors"])
        elif options["action"] == "anchor":
            self._anchor(self._file(options["file"]))
        else:
            self._reseal(self._file(options["file"]), options["reason"])

    def _file(self, given: str | None) -> Path:
        name = given or str(settings.AUDIT_ANCHOR_FILE)
        if not name:
            raise CommandError("no anchor file: pass --file or set IGOR_AUDIT_ANCHOR_FILE")
        return Path(name)

    def _anchors(self, given: str | None) -> tuple[list[Anchor], str]:
        name = given or str(settings.AUDIT_ANCHOR_FILE)
        if not name or (not given and not Path(name).exists()):
            return [], "no anchors: a cut of the newest events would not show (igor audit anchor)"
        try:
            anchors = read_anchors(Path(name))
        except AnchorFileError as exc:
            raise CommandError(f"anchor file {exc}") from exc
        if not anchors:
            return [], f"{name} holds no anchors yet"
        last = anchors[-1]
        return anchors, f"matches {len(anchors)} anchors; the last: event {last.seq} at {last.at}"

    def _verify(self, anchors_file: str | None) -> None:
        anchors, note = self._anchors(anchors_file)
        problems = verify(anchors)
        if problems:
            self._fail(problems)
        self.stdout.write(f"intact: {AuditEvent.objects.count()} events")
        self.stdout.write(note)

    def _anchor(self, path: Path) -> None:
        try:
            line = anchor(path)
        except AnchorFileError as exc:
            raise CommandError(f"anchor file {exc}") from exc
        except ChainBroken as broken:
            self._fail(broken.problems, "nothing anchored")
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        # The same line on stdout, for a scheduler to send to a second place.
        self.stdout.write(line.line())

    def _reseal(self, path: Path, reason: str) -> None:
        if not reason.strip():
            raise CommandError("--reason must say what was restored")
        try:
            line = reseal(path, reason=reason.strip())
        except AnchorFileError as exc:
            raise CommandError(f"anchor file {exc}") from exc
        except ChainBroken as broken:
            self._fail(broken.problems, "the restored chain itself is broken; nothing resealed")
        self.stdout.write(line.line())

    def _fail(self, problems: list[ChainProblem], consequence: str = "") -> NoReturn:
        for problem in problems:
            self.stderr.write(f"event {problem.seq}: {problem.reason}")
        suffix = f"; {consequence}" if consequence else ""
        # CommandError makes the console command exit non-zero, so a scheduled check can alert.
        raise CommandError(f"the audit trail is broken: {len(problems)} problem(s){suffix}")
