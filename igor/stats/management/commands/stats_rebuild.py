"""`igor stats_rebuild`: recount the figures' daily summaries from the rows.

Needed only after rows were loaded past the actions (a bulk import or restore); the actions keep
the summaries up to date themselves (igor.stats.summaries).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from igor.stats import summaries
from igor.stats.models import DailyCount


class Command(BaseCommand):
    help = __doc__ or ""

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # After a bulk load the planner may not know the tables' sizes yet.
                cursor.execute("ANALYZE cases_case, cases_incident, cases_party, people_person")
        summaries.rebuild()
        self.stdout.write(
            f"Daily summaries rebuilt: {DailyCount.objects.count():,} counters "
            f"in {time.monotonic() - started:.1f} s."
        )
