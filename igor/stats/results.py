"""Computed figures, remembered until the data may have changed.

Every write to case, sharing, tip or support data is an action, and every action appends to the
audit chain in the same transaction (house rule), so the chain's head sequence number moves with
every change. A figure's result is kept under (figure, period, today, head sequence): any write
makes a new key, so a remembered result is never older than the data it counts. Reads that are
audited also move the head; that only costs a recomputation. A short lifetime bounds the rest
(e.g. a data migration that bypasses the actions).
"""

from __future__ import annotations

import datetime

from django.core.cache import cache

from igor.stats.figures import Figure
from igor.stats.formulas import Value
from igor.stats.periods import Period
from igor.stats.sources import data_version as data_version  # the version results are kept under

LIFETIME = 15 * 60  # seconds


def compute(figure: Figure, period: Period, today: datetime.date, version: str) -> dict[int, Value]:
    assert figure.compute is not None
    key = f"igor-stats:{figure.key}:{period.start}:{period.end}:{today}:{version}"
    found: dict[int, Value] | None = cache.get(key)
    if found is None:
        found = figure.compute(period, today)
        cache.set(key, found, LIFETIME)
    return found
