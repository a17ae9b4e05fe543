"""`igor demo --persons N --seed S [--if-empty] [--no-users]`: deterministic demo data."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from igor.accounts.structure import ensure_structure
from igor.demo import matching
from igor.demo.generator import generate
from igor.demo.risk import generate_risk
from igor.demo.sharing import add_sharing_showcase
from igor.demo.stats import add_demo_study
from igor.demo.tips import load_demo_tips
from igor.demo.users import ensure_demo_users
from igor.people.models import Person
from igor.stats import summaries


class Command(BaseCommand):
    help = (
        "Create demo persons, cases, incidents, journals and sharing bases (deterministic per "
        "seed). In demo mode also the demo users with the demo password and fixed TOTP keys; "
        "outside demo mode only with --no-users, which leaves staff passwords alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any person exists"
        )
        parser.add_argument(
            "--no-users",
            action="store_true",
            help="no known passwords: staff that must be created get unusable passwords",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        persons, seed = options["persons"], options["seed"]
        if persons < 1:
            raise CommandError("--persons must be at least 1.")
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("Persons exist already: no demo data added.")
            return
        try:
            if options["no_users"]:
                ensure_structure(password=None)
            else:
                ensure_demo_users()
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc} Or pass --no-users to add data only.") from exc
        # Midnight as the anchor: the same seed gives the same rows all day.
        anchor = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        started = time.monotonic()
        counts = generate(persons=persons, seed=seed, now=anchor, progress=self.stdout.write)
        risk = generate_risk(seed=seed, now=anchor)
        add_sharing_showcase()  # consent, approval, reports of concern, by the unit's staff
        load_demo_tips(seed)
        matching.load(seed, self.stdout.write)
        from igor.demo.support import add_support_demo

        add_support_demo(now=anchor, seed=seed)
        if not options["no_users"]:
            add_demo_study(anchor)  # a study needs the demo lead and researcher
        summaries.rebuild()  # the rows above were written in bulk, without the actions' signals
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {counts.persons:,} persons ({counts.personnummer:,} with a "
                f"Skatteverket test number, {counts.protected:,} protected), {counts.cases:,} "
                f"cases, {counts.incidents:,} incidents, {counts.journal_entries:,} journal "
                f"entries, {counts.sharing_bases:,} sharing bases, {risk.assessments:,} risk "
                f"assessments in {elapsed:.1f} s."
            )
        )
