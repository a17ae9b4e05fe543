"""`igor bench_crypto`: what encryption at rest costs, against the same work without it.

Run by `make bench-crypto` on a throwaway SQLite database. Everything it writes is rolled back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from igor.accounts.structure import ensure_structure
from igor.lib import crypto
from igor.people.models import Person

CONTACT = {
    "phone": "070-123 45 67",
    "email": "vera.exempel@example.se",
    "street_address": "Exempelgatan 12 B, lgh 1102",
    "postal_code": "118 20",
    "city": "Stockholm",
}


def _per_call_us(work: Callable[[int], Any], count: int, rounds: int = 3) -> float:
    """The best of a few rounds, in microseconds per call (the least disturbed by neighbours)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(count):
            work(i)
        best = min(best, (time.perf_counter() - started) / count)
    return best * 1e6


class Command(BaseCommand):
    help = "Measure encryption at rest: primitives, and person saves/loads with and without it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = options["rows"]
        self._primitives(rows * 10)
        with transaction.atomic():
            self._orm(rows)
            transaction.set_rollback(True)

    def _primitives(self, count: int) -> None:
        data_key = crypto.new_data_key()
        sealed = crypto.seal(CONTACT["street_address"], data_key, table="t", column="c")
        fresh_keys = [crypto.new_data_key().stored for _ in range(count)]
        lines = {
            "new data key (random + AES key wrap)": lambda i: crypto.new_data_key(),
            "unwrap a data key (not cached)": lambda i: crypto._open_data_key.__wrapped__(
                fresh_keys[i], str(settings.MASTER_KEYS)
            ),
            "seal one value (AES-256-GCM)": lambda i: crypto.seal(
                CONTACT["street_address"], data_key, table="t", column="c"
            ),
            "open one value": lambda i: crypto.unseal(sealed, data_key, table="t", column="c"),
        }
        self.stdout.write("primitives, µs per call:")
        for name, work in lines.items():
            self.stdout.write(f"  {name:<40} {_per_call_us(work, count):8.1f}")

    def _orm(self, rows: int) -> None:
        staff = ensure_structure(password=None)
        actor = next(u for u in staff.values() if u.organisation_id and u.units.exists())
        unit = actor.units.first()
        base = {
            "organisation_id": actor.organisation_id,
            "unit": unit,
            "created_by": actor,
            "first_name": "Bench",
            "last_name": "Marksson",
        }
        plain = [Person.objects.create(**base) for _ in range(rows)]
        sealed = [Person.objects.create(**base, **CONTACT) for _ in range(rows)]
        plain_ids, sealed_ids = [p.pk for p in plain], [p.pk for p in sealed]

        def load_name(i: int) -> str:
            return Person.objects.get(pk=plain_ids[i % rows]).first_name

        def load_contact(i: int) -> list[str]:
            person = Person.objects.get(pk=sealed_ids[i % rows])
            return [getattr(person, name) for name in CONTACT]

        def load_list(ids: list[int], read_contact: bool) -> Callable[[int], Any]:
            def work(i: int) -> Any:
                people = Person.objects.filter(pk__in=ids[:50])
                if read_contact:
                    return [getattr(p, name) for p in people for name in CONTACT]
                return [p.first_name for p in people]

            return work

        pairs = [
            (
                # Both sides make the row's data key; the difference is sealing five values.
                "save a person: 5 contact details vs none",
                lambda i: Person.objects.create(**base, **CONTACT),
                lambda i: Person.objects.create(**base),
            ),
            ("load a person: read contact details vs name", load_contact, load_name),
            (
                "list 50 persons: read contact details vs names",
                load_list(sealed_ids, True),
                load_list(plain_ids, False),
            ),
        ]
        self.stdout.write(f"\nORM on {Person.objects.count()} persons, µs per operation:")
        self.stdout.write(f"  {'':<48} {'encrypted':>10} {'baseline':>10} {'ratio':>7}")
        for name, measured, baseline in pairs:
            base_us = _per_call_us(baseline, rows)
            enc_us = _per_call_us(measured, rows)
            self.stdout.write(
                f"  {name:<48} {enc_us:10.1f} {base_us:10.1f} {enc_us / base_us:7.2f}"
            )
