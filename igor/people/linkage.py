"""Batch linkage of two lists of records in memory: block, score, keep the best. Pure."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from igor.people.blocking import index_keys, query_keys
from igor.people.scoring import DEFAULT_MODEL, MatchRecord, MatchResult, Model, match

SHOWN = ("certain", "probable", "possible")


def plain_hasher(value: str) -> str:
    # In memory only: the keys never leave the process, a short digest keeps them small.
    return hashlib.blake2b(value.encode(), digest_size=8).hexdigest()


class BlockIndex:
    """Records filed under their blocking keys; keys shared by more than `cap` are dropped."""

    def __init__(self, records: Iterable[MatchRecord], cap: int = 200) -> None:
        self.records: list[MatchRecord] = []
        blocks: dict[str, list[int]] = defaultdict(list)
        for position, record in enumerate(records):
            self.records.append(record)
            for key in index_keys(record, plain_hasher):
                blocks[key].append(position)
        self.blocks = {key: rows for key, rows in blocks.items() if len(rows) <= cap}

    def candidates(self, record: MatchRecord) -> set[int]:
        found: set[int] = set()
        for key in query_keys(record, plain_hasher):
            found.update(self.blocks.get(key, ()))
        return found


@dataclass(frozen=True)
class Link:
    left: int
    right: int
    result: MatchResult


def link(
    left: Sequence[MatchRecord],
    index: BlockIndex,
    model: Model = DEFAULT_MODEL,
    best_only: bool = True,
    tick: Callable[[], None] | None = None,
) -> Iterator[Link]:
    """For each left record, its matches on the right (the best one, or all of them)."""
    for position, record in enumerate(left):
        found = []
        for other in index.candidates(record):
            result = match(record, index.records[other], model)
            if result.match_class in SHOWN:
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
