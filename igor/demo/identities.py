"""Identity numbers for demo persons that can never belong to a living person.

Personnummer come only from Skatteverket's list of test numbers (shipped in data/). Persons beyond
that list get a reserve number starting with letters, which no personnummer can be, or none.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from igor.lib.identity import IdentityKind, birth_date, normalise

DATA_FILE = Path(__file__).resolve().parent / "data" / "testpersonnummer.txt"
RESERVE_PREFIX = "RES"


@lru_cache(maxsize=1)
def test_numbers() -> tuple[str, ...]:
    """Skatteverket's test numbers, each checked by the same validation as staff input."""
    numbers = []
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            # A number that fails validation would be a copying error: refuse rather than skip.
            numbers.append(normalise(IdentityKind.PERSONNUMMER, line))
    return tuple(numbers)


def reserve_number(person_id: int) -> str:
    """A local reserve number; the letters make it impossible to read as a personnummer."""
    return f"{RESERVE_PREFIX}{person_id:09d}"


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class NumberPool:
    """Hands out test numbers per organisation: never twice within one organisation.

    The same number may be used once in each organisation, as for one person known to both.
    """

    def __init__(self, rng: random.Random, today: datetime.date, organisation_ids: list[int]):
        adults, children = [], []
        for number in test_numbers():
            born = birth_date(IdentityKind.PERSONNUMMER, number)
            assert born is not None
            age = age_on(born, today)
            if 18 <= age <= 85:
                adults.append(number)
            elif 0 <= age < 18:
                children.append(number)
        self._queues: dict[tuple[int, bool], list[str]] = {}
        for org in organisation_ids:
            for is_adult, numbers in ((True, adults), (False, children)):
                queue = list(numbers)
                rng.shuffle(queue)
                self._queues[org, is_adult] = queue
        self._used: dict[int, set[str]] = {org: set() for org in organisation_ids}

    def exclude(self, organisation_id: int, numbers: Iterable[str]) -> None:
        """Numbers already in the database for this organisation (a second run adds to the first)."""
        self._used.setdefault(organisation_id, set()).update(numbers)

    def take(self, organisation_ids: list[int], adult: bool) -> str | None:
        """A number free in every given organisation, marked as used there; None when exhausted."""
        queue = self._queues[organisation_ids[0], adult]
        while queue:
            number = queue.pop()
            if all(number not in self._used[org] for org in organisation_ids):
                for org in organisation_ids:
                    self._used[org].add(number)
                return number
        return None
