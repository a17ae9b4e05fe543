"""`igor stats_verify`: recount every day of the figures' summaries from the rows and compare.

Prints each difference and exits with status 1 if there is one; `igor stats_rebuild` repairs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from igor.stats import summaries


class Command(BaseCommand):
    help = __doc__ or ""

    def handle(self, *args: Any, **options: Any) -> None:
        problems = summaries.differences()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} daily counters differ from the rows; run `igor stats_rebuild`."
            )
        self.stdout.write("The daily summaries match the rows.")
