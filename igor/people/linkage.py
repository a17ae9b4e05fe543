"""Batch linkage of two lists of records in memory: block, score, keep the best. Pure.

The right-hand records are kept as match profiles (igor/people/profile.py), each filed under the
hashes of its blocking keys; the left-hand ones stream through, so memory grows with the right
file only. A pair is compared field by field, the names last and only when the other fields
leave the pair a chance of a shown class; the result is `match()` on the two records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from igor.people.blocking import index_keys, query_keys
from igor.people.normalise import streets_close
from igor.people.profile import Profile, ProfileComparison, compare_profile, profile_of
from igor.people.scoring import (
    DEFAULT_MODEL,
    POSSIBLE,
    MatchRecord,
    MatchResult,
    Model,
    score,
)

SHOWN = ("certain", "probable", "possible")


def plain_hasher(value: str) -> str:
    # In memory only: the keys never leave the process, a short digest keeps them small.
    return hashlib.blake2b(value.encode(), digest_size=8).hexdigest()


def _kept_in_memory(street: str) -> str:
    return street  # the street a profile compares in full; this profile is never stored


class BlockIndex:
    """Profiles filed under their blocking keys (by the keys' hashes; a shared hash only adds
    candidates); keys shared by more than `cap` are dropped. A key held by one record maps to
    its position, else to the list of positions."""

    def __init__(self, records: Iterable[MatchRecord], cap: int = 200) -> None:
        self.profiles: list[Profile] = []
        blocks: dict[int, int | list[int]] = {}
        for position, record in enumerate(records):
            self.profiles.append(profile_of(record, plain_hasher, seal=_kept_in_memory))
            for key in index_keys(record, plain_hasher):
                slot = hash(key)
                found = blocks.get(slot)
                if found is None:
                    blocks[slot] = position
                elif isinstance(found, int):
                    blocks[slot] = [found, position]
                else:
                    found.append(position)
        self.blocks = {
            key: rows for key, rows in blocks.items() if isinstance(rows, int) or len(rows) <= cap
        }

    def candidates(self, record: MatchRecord) -> set[int]:
        found: set[int] = set()
        for key in query_keys(record, plain_hasher):
            rows = self.blocks.get(hash(key))
            if rows is None:
                continue
            if isinstance(rows, int):
                found.add(rows)
            else:
                found.update(rows)
        return found


@dataclass(frozen=True)
class Link:
    left: int
    right: int
    result: MatchResult


def _result(
    record: MatchRecord, compared: ProfileComparison, other: Profile, model: Model
) -> MatchResult | None:
    if compared.address_options is None:
        comparison = compared.comparison
    else:
        assert record.address is not None
        close = streets_close(record.address.street, other.street_sealed)
        comparison = compared.decided(close)
    if ProfileComparison(comparison).bound(model) < POSSIBLE:
        return None
    return score(comparison, model)


def link(
    left: Iterable[MatchRecord],
    index: BlockIndex,
    model: Model = DEFAULT_MODEL,
    best_only: bool = True,
    tick: Callable[[], None] | None = None,
) -> Iterator[Link]:
    """For each left record, its matches on the right (the best one, or all of them)."""
    for position, record in enumerate(left):
        query = profile_of(record, plain_hasher)
        found = []
        for other in index.candidates(record):
            profile = index.profiles[other]
            compared = compare_profile(query, profile, model, POSSIBLE)
            if compared is None or compared.bound(model) < POSSIBLE:
                continue
            result = _result(record, compared, profile, model)
            if result is not None and result.match_class in SHOWN:
                found.append(Link(position, other, result))
        found.sort(key=lambda item: (-item.result.weight, item.right))
        yield from found[:1] if best_only else found
        if tick:
            tick()


def clusters(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Connected groups of linked ids: id → the smallest id of its group (union–find)."""
    parent: dict[int, int] = {}

    def root(item: int) -> int:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for first, second in pairs:
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {item: root(item) for item in parent}
