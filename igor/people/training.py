"""Estimating m and u from the register (`igor match_train`).

u from pairs drawn at random (nearly all non-matches); m by expectation–maximisation over the
pairs the blocking keys bring together. A field whose estimated top-level m does not exceed its
u (too few duplicates to learn from) keeps the built-in m: weights never turn upside down.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from igor.people.matching import candidate_ids, record_of
from igor.people.models import Person
from igor.people.scoring import DEFAULT_MODEL, Model, Vector, compare, estimate_m, estimate_u


def _sample(ids: list[int], count: int, rng: random.Random) -> list[int]:
    return ids if len(ids) <= count else rng.sample(ids, count)


def train(
    sample: int = 5000, seed: int = 1, progress: Callable[[int], None] | None = None
) -> tuple[Model, int, int]:
    """The estimated model, and the numbers of random and candidate pairs it came from."""
    rng = random.Random(seed)
    ids = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    if len(ids) < 2:
        return DEFAULT_MODEL, 0, 0
    chosen = _sample(ids, sample, rng)
    people = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
    records = {pk: record_of(person) for pk, person in people.items()}
    keys = list(records)
    random_vectors: list[Vector] = []
    for _ in range(sample * 4):
        first, second = rng.sample(keys, 2) if len(keys) > 1 else (keys[0], keys[0])
        random_vectors.append(compare(records[first], records[second]).levels)
    candidate_vectors: list[Vector] = []
    for done, (pk, record) in enumerate(records.items(), start=1):
        person = people[pk]
        found = candidate_ids(record, [person.unit_id], person.organisation_id) - {pk}
        for other in Person.objects.filter(pk__in=found, merged_into__isnull=True):
            candidate_vectors.append(compare(record, record_of(other)).levels)
        if progress and done % 100 == 0:
            progress(100)
    u = estimate_u(random_vectors)
    model = estimate_m(candidate_vectors, u)
    m = {
        name: model.m[name] if model.m[name][0] > u[name][0] else DEFAULT_MODEL.m[name]
        for name in model.m
    }
    return Model(m, u, model.prior), len(random_vectors), len(candidate_vectors)
