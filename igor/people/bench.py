"""The matching benchmark (`igor bench_matching`): quality and latency at several register sizes.

For each size a child process fills a database of its own with a synthetic register in one
organisation and unit (igor/people/synthetic.py), then asks, as the unit's police officer and so
through the access policy, for the person behind each of a set of queries: noisy copies of
registered persons (the true link is known) and strangers (no link). It measures precision,
recall and F1 of the best certain-or-probable candidate, p50/p95 latency, and in the same run the
floor: an exact identity-number lookup in the same database. The register and the queries are
also written as CSV files, so that a peer (splink) can be run on exactly the same data.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import DatabaseError, OperationalError, connection, transaction

from igor.accounts.models import User
from igor.lib.identity import IdentityKind, normalise_name
from igor.people.matching import find_candidates, rebuild_index
from igor.people.models import MatchKey, MatchProfile, Person
from igor.people.scoring import MatchRecord, make_record
from igor.people.synthetic import Generator, Synthetic, write_csv

ACCEPTED = ("certain", "probable")


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


@dataclass
class Quality:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, predicted: str | None, truth: str) -> None:
        if predicted and predicted == truth:
            self.true_positive += 1
            return
        if predicted:
            self.false_positive += 1
        if truth:
            self.false_negative += 1

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0


def record_of_synthetic(row: Synthetic) -> MatchRecord:
    return make_record(
        given=row.given,
        surname=row.surname,
        identity=row.identity,
        birth=row.birth,
        street=row.street,
        postcode=row.postcode,
        phone=row.phone,
    )


def load_register(
    rows: Sequence[Synthetic], user: User, progress: Callable[[str], None]
) -> dict[int, str]:
    """Insert the register as the user's organisation and unit; returns person pk → synthetic id."""
    unit = user.units.get()
    assert user.organisation_id is not None
    ids: dict[int, str] = {}
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        persons = [
            Person(
                organisation_id=user.organisation_id,
                unit=unit,
                created_by=user,
                first_name=row.given,
                last_name=row.surname,
                search_name=normalise_name(f"{row.surname} {row.given}"),
                identity_kind=IdentityKind.PERSONNUMMER,
                identity_number=row.identity,
                birth_date=datetime.date.fromisoformat(row.birth),
                street_address=row.street,
                postal_code=row.postcode,
                phone=row.phone,
            )
            for row in chunk
        ]
        with transaction.atomic():
            created = Person.objects.bulk_create(persons)
            if created and created[0].pk is None:  # SQLite before RETURNING: read the ids
                created = list(Person.objects.order_by("-pk")[: len(chunk)])[::-1]
            ids.update({person.pk: row.id for person, row in zip(created, chunk, strict=True)})
            rebuild_index(created)
        progress(f"{start + len(chunk):,} persons loaded and indexed")
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk insert: the planner's statistics, and on PostgreSQL
        # the visibility map too, without which the lookup's covering index cannot be read
        # without the table (at 1,000,000 persons: p95 75 ms before, 36 ms after).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    return ids


def warm_tables() -> None:
    """Read the lookup's tables and their indexes once, into the operating system's cache: the
    state of a server that has served lookups for a while and whose memory holds them. Without
    it, at 1,000,000 persons (a database of 3 GB) the timed lookups were the first to touch most
    pages, and read them from disk, which the floor, measured last, mostly did not."""
    names = [MatchKey._meta.db_table, MatchProfile._meta.db_table, Person._meta.db_table]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            except DatabaseError:  # a server without the contrib modules: measured cold
                return
            cursor.execute(
                "SELECT pg_prewarm(c.oid, 'read') FROM pg_class c WHERE c.relname = ANY(%s)"
                " OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t"
                " ON t.oid = i.indrelid WHERE t.relname = ANY(%s))",
                [names, names],
            )
        return
    path = Path(str(connection.settings_dict["NAME"]))
    if path.is_file():  # not an in-memory database
        with path.open("rb") as database:
            while database.read(1 << 20):
                pass


def index_bytes() -> tuple[int | None, bool]:
    """Disk size of the match index (keys, profiles, their indexes, and the trigram index), and
    whether it is measured (PostgreSQL, SQLite with dbstat) or estimated from the rows' sizes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('people_matchkey')"
                " + pg_total_relation_size('people_matchprofile')"
                " + COALESCE(pg_relation_size(to_regclass('person_search_name_trgm')), 0)"
            )
            return int(cursor.fetchone()[0]), True
        with contextlib.suppress(OperationalError):  # SQLite built without dbstat: estimate
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE tbl_name IN "
                "('people_matchkey', 'people_matchprofile')"
            )
            value = cursor.fetchone()[0]
            return (int(value) if value else None), True
        # Each key row (text and three integers) is held by its table and two indexes.
        cursor.execute("SELECT COALESCE(SUM(LENGTH(key) + 24), 0) * 3 FROM people_matchkey")
        keys = int(cursor.fetchone()[0])
        cursor.execute("SELECT COALESCE(SUM(LENGTH(data) + 8), 0) FROM people_matchprofile")
        return keys + int(cursor.fetchone()[0]), False


@dataclass
class SizeResult:
    persons: int
    queries: int
    keys: int
    index_bytes: int | None
    index_measured: bool
    p50_ms: float
    p95_ms: float
    floor_p50_ms: float
    floor_p95_ms: float
    precision: float
    recall: float
    f1: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


WARM_UP_QUERIES = 100


def make_queries(
    generator: Generator, register: Sequence[Synthetic], count: int
) -> list[Synthetic]:
    known = count * 4 // 5
    picks = [register[generator.random.randrange(len(register))] for _ in range(known)]
    queries = [generator.noisy_copy(person, n) for n, person in enumerate(picks, start=1)]
    queries += [generator.stranger(10_000_000 + n) for n in range(count - known)]
    return queries


def run_size(
    persons: int,
    queries_wanted: int,
    seed: int,
    user: User,
    out: Path,
    progress: Callable[[str], None],
) -> SizeResult:
    generator = Generator(seed)
    register = list(generator.persons(persons))
    loaded = Person.objects.count()
    if loaded != persons:
        # A load that was stopped resumes where it stopped (chunks commit in order).
        last = Person.objects.order_by("-pk").values_list("identity_number", flat=True).first()
        if loaded > persons or (loaded and last != register[loaded - 1].identity):
            raise RuntimeError("the benchmark database holds another register: use --fresh")
        load_register(register[loaded:], user, progress)
    by_pk = dict(Person.objects.values_list("pk", "identity_number"))
    synthetic_of = {row.identity: row.id for row in register}
    queries = make_queries(generator, register, queries_wanted)
    write_csv(out / f"register_{persons}.csv", register)
    write_csv(out / f"queries_{persons}.csv", queries)

    # The register and its maps are a million objects at the largest size, which no server
    # holds: left to the collector, they make its full passes (tens of milliseconds each) fall
    # on the timed lookups, more often the larger the register. Frozen, the collector skips them.
    gc.collect()
    gc.freeze()
    warm_tables()

    # Untimed first, other queries (drawn with another seed): the timed ones then meet a warm
    # process and database, as the floor measured after them does and as a running server's
    # lookups do.
    for query in make_queries(Generator(seed + 1), register, WARM_UP_QUERIES):
        find_candidates(user, record_of_synthetic(query), limit=5)
    quality = Quality()
    latencies = []
    for query in queries:
        record = record_of_synthetic(query)
        started = time.perf_counter()
        found = find_candidates(user, record, limit=5)
        latencies.append((time.perf_counter() - started) * 1000)
        best = next((c for c in found.found if c.result.match_class in ACCEPTED), None)
        predicted = synthetic_of.get(by_pk[best.person.pk]) if best else None
        quality.add(predicted, query.truth)

    floor = []
    for query in register[: len(queries)]:
        started = time.perf_counter()
        Person.objects.filter(identity_number=query.identity).first()
        floor.append((time.perf_counter() - started) * 1000)
    gc.unfreeze()
    size, measured = index_bytes()
    return SizeResult(
        persons=persons,
        queries=len(queries),
        keys=MatchKey.objects.count(),
        index_bytes=size,
        index_measured=measured,
        p50_ms=percentile(latencies, 0.5),
        p95_ms=percentile(latencies, 0.95),
        floor_p50_ms=percentile(floor, 0.5),
        floor_p95_ms=percentile(floor, 0.95),
        precision=quality.precision,
        recall=quality.recall,
        f1=quality.f1,
    )
