"""Batch linkage of two lists of records in memory: block, compare, keep the best. Pure.

The right-hand records are kept as columns, one array per field and one row per record: the
identity number, the birth date, hashes of the phone number, street number and postcode, and ids
of the street and of the names, whose texts are kept once each. Their blocking keys are kept as
one sorted array of key hashes. The left-hand records stream through in chunks: a chunk's keys
are looked up in that array at once, and its candidate pairs are compared field by field as
arrays. The names and the spelling of two different streets, which only text comparison can
tell, come last, once per distinct pair of texts, and only for the pairs that the other fields
leave a chance of a shown class.

Each level is the one `scoring.compare` gives, and a shown pair's result is `score()` of that
comparison: the links are those of `match()` on the full records (a test checks it). Memory grows
with the right file and one chunk of the left, not with the pairs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from igor.people.blocking import index_keys, query_keys
from igor.people.normalise import STREETS_CLOSE, canonical_given, skeleton
from igor.people.scoring import (
    CLOSE,
    FIELDS,
    GIVEN_DIFFERENT,
    HOUSEHOLD_CEILING,
    IDENTITY_AGREES,
    LEVELS,
    POSSIBLE,
    SIMILAR,
    SURNAME_ALIKE,
    Comparison,
    MatchRecord,
    MatchResult,
    Model,
    name_level,
    score,
)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
CHUNK = 1024  # left records compared at once: enough to amortise the array work, little memory
_NONE = -1  # a level when either side lacks the field
_UNDECIDED = -2  # an address level until the two streets' spelling is compared
_SLACK = 1e-9  # the bound is summed in another order than the weight: never prune on a rounding
_COLUMNS = (
    "identity",
    "year",
    "month",
    "day",
    "phone",
    "address",
    "street",
    "number",
    "postcode",
    "surname",
    "given",
)


def plain_hasher(value: str) -> str:
    # In memory only: the keys never leave the process, a short digest keeps them small.
    return hashlib.blake2b(value.encode(), digest_size=8).hexdigest()


def _as_is(value: str) -> str:
    return value  # blocking keys are kept as hashes of their text, and only in this process


def _hash(text: str) -> int:
    """A 64-bit hash of a text for equality in memory (0 stands for none); a collision of two
    different values has a chance of about 1 in 10^19 and at worst adds a candidate level."""
    return (hash(text) or 1) if text else 0


def _run_starts(ordered: Ints) -> NDArray[np.bool_]:
    """Where each run of equal values of a sorted array begins."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def _distinct(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values in order, and where each value is among them: `np.unique` with
    `return_inverse`, by one sort (several times faster than numpy 2's hashing for these)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = _run_starts(ordered)
    where = np.empty(len(values), dtype=np.int64)
    where[order] = np.cumsum(first) - 1
    return ordered[first], where


class Vocabulary:
    """Ids for recurring values (names, streets) that need their text for comparison, shared by
    both files so that equal ids are equal values; id 0 stands for none."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.items: list[Any] = [None]

    def id_of(self, item: Any) -> int:
        if not item:
            return 0
        found = self.ids.get(item)
        if found is None:
            found = self.ids[item] = len(self.items)
            self.items.append(item)
        return found


class Names(Vocabulary):
    """Ids for names (tuples of folded parts), with what the array comparison of two names of at
    most `PARTS` parts needs: the name as text, and for each part its text id and the ids of its
    two forms (itself, or the full name for a short given name, and its sound skeleton), in
    vocabularies of parts and forms shared by every name; 0 where a name has fewer parts."""

    PARTS = 3

    def __init__(self, canonical: bool, parts: Vocabulary, forms: Vocabulary) -> None:
        super().__init__()
        self.canonical = canonical
        self.parts, self.forms = parts, forms
        self.text: list[str] = [""]
        self.size = array("q", [0])
        self.part_ids = [array("q", [0]) for _ in range(self.PARTS)]
        self.form_ids = [array("q", [0]) for _ in range(2 * self.PARTS)]

    def id_of(self, item: Any) -> int:
        known = len(self.items)
        found = super().id_of(item)
        if found == known:  # new
            self.text.append(" ".join(item))
            self.size.append(len(item))
            for slot in range(self.PARTS):
                part = item[slot] if slot < len(item) else ""
                form = canonical_given(part) if self.canonical else part
                self.part_ids[slot].append(self.parts.id_of(part))
                self.form_ids[2 * slot].append(self.forms.id_of(form))
                self.form_ids[2 * slot + 1].append(self.forms.id_of(skeleton(form)))
        return found

    def level(self, first: tuple[str, ...], second: tuple[str, ...]) -> tuple[int, float]:
        found = name_level(first, second, self.canonical)
        assert found is not None
        return found

    def columns(self) -> tuple[Ints, list[Ints], list[Ints]]:
        """Sizes, part ids and form ids as arrays that read the names' own storage, not copies
        of it (a worker's names grow with every chunk). Keep them only while comparing: while
        one exists the names cannot grow (Python refuses, it does not corrupt)."""

        def view(values: array[int]) -> Ints:
            return np.frombuffer(values, dtype=np.int64)

        return (
            view(self.size),
            [view(ids) for ids in self.part_ids],
            [view(ids) for ids in self.form_ids],
        )


@dataclass
class Vocabularies:
    surnames: Names
    given: Names
    streets: Vocabulary

    @classmethod
    def new(cls) -> Vocabularies:
        parts, forms = Vocabulary(), Vocabulary()
        return cls(Names(False, parts, forms), Names(True, parts, forms), Vocabulary())


def _itself(record: Any) -> MatchRecord:
    return record


def _jobs(left: Iterable[Any]) -> Iterator[tuple[int, list[Any]]]:
    rows = iter(left)
    start = 0
    while chunk := list(islice(rows, CHUNK)):
        yield start, chunk
        start += len(chunk)


Numbers = tuple[int, int, int, int, int, int, int, int]
Words = tuple[tuple[str, ...], tuple[str, ...], str]
_NUMBERS = ("identity", "year", "month", "day", "phone", "address", "number", "postcode")


def _numbers(record: MatchRecord) -> Numbers:
    """The fields compared as numbers, in the order of `_NUMBERS` (0 where missing)."""
    birth, address = record.birth, record.address
    return (
        int(record.identity) if record.identity else 0,
        birth.year if birth else 0,
        (birth.month or 0) if birth else 0,
        (birth.day or 0) if birth else 0,
        _hash(record.phone or ""),
        1 if address is not None else 0,
        _hash(address.number) if address else 0,
        _hash(address.postcode) if address else 0,
    )


def _words(record: MatchRecord) -> Words:
    """The fields that need their text: surnames, given names, street."""
    address = record.address
    return record.name.surnames, record.name.given, address.street if address else ""


class _ColumnBuilder:
    """Records appended row by row into compact arrays, then read as numpy columns."""

    def __init__(self, words: Vocabularies) -> None:
        self.words = words
        self.values = {name: array("q") for name in _COLUMNS}
        self._numbers = [self.values[name] for name in _NUMBERS]

    def add(self, record: MatchRecord) -> None:
        self.add_values(_numbers(record), _words(record))

    def add_values(self, numbers: Numbers, words: Words) -> None:
        for column, value in zip(self._numbers, numbers, strict=True):
            column.append(value)
        surnames, given, street = words
        self.values["surname"].append(self.words.surnames.id_of(surnames))
        self.values["given"].append(self.words.given.id_of(given))
        self.values["street"].append(self.words.streets.id_of(street))

    def columns(self) -> dict[str, Ints]:
        return {name: np.frombuffer(values, dtype=np.int64) for name, values in self.values.items()}


@dataclass
class _Prepared:
    """A chunk of right-hand records made ready in a worker: their fields, and their keys'
    hashes with the row of each."""

    rows: list[tuple[Numbers, Words]]
    key_hashes: array[int]
    key_rows: array[int]


def _prepare_part(prepare: Callable[[Any], MatchRecord], job: tuple[int, list[Any]]) -> _Prepared:
    start, items = job
    part = _Prepared([], array("q"), array("q"))
    for row, item in enumerate(items, start):
        record = prepare(item)
        part.rows.append((_numbers(record), _words(record)))
        for key in index_keys(record, _as_is):
            part.key_hashes.append(hash(key))
            part.key_rows.append(row)
    return part


# The work of the forked workers and what it needs, set just before they are forked: they inherit
# it (the register too, page by page, instead of each receiving a copy) and the hash seed, so that
# a key hashes alike in every process.
_FORKED: tuple[Callable[[Any, Any], Any], Any] | None = None


def _in_worker(job: Any) -> Any:
    assert _FORKED is not None
    work, shared = _FORKED
    return work(shared, job)


def _chunks_worked(
    work: Callable[[Any, tuple[int, list[Any]]], Any],
    shared: Any,
    items: Iterable[Any],
    workers: int,
) -> Iterator[Any]:
    """`work(shared, (start, chunk))` of each chunk of the items, in order: in this process, or
    in `workers` forked processes when more than one."""
    if workers <= 1:
        yield from (work(shared, job) for job in _jobs(items))
        return
    global _FORKED
    _FORKED = (work, shared)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_in_worker, _jobs(items))
    finally:
        _FORKED = None


class Register:
    """The right-hand records as columns, and their blocking keys sorted by hash; keys shared by
    more than `cap` records are dropped (a hash shared by two keys only adds candidates).
    `prepare` makes a record of each item, in `workers` forked processes when more than one."""

    def __init__(
        self,
        items: Iterable[Any],
        cap: int = 200,
        *,
        prepare: Callable[[Any], MatchRecord] = _itself,
        workers: int = 1,
    ) -> None:
        self.words = Vocabularies.new()
        self.cap = cap
        builder = _ColumnBuilder(self.words)
        key_hashes, key_rows = array("q"), array("q")
        for part in _chunks_worked(_prepare_part, prepare, items, workers):
            for numbers, words in part.rows:
                builder.add_values(numbers, words)
            key_hashes.extend(part.key_hashes)
            key_rows.extend(part.key_rows)
        self.columns = builder.columns()
        self.size = len(self.columns["identity"])
        hashes = np.frombuffer(key_hashes, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self._rows = np.frombuffer(key_rows, dtype=np.int64)[order]
        ordered = hashes[order]
        first = _run_starts(ordered)
        self._keys = ordered[first]
        self._starts = np.flatnonzero(first)
        self._counts = np.diff(np.append(self._starts, len(ordered)))

    def candidates(self, queries: Ints, hashes: Ints) -> tuple[Ints, Ints]:
        """The pairs (query, row) that share a key, each once, ordered by query and row; the
        query of each key hash is given beside it."""
        if not len(self._keys) or not len(hashes):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        at = np.minimum(np.searchsorted(self._keys, hashes), len(self._keys) - 1)
        hit = (self._keys[at] == hashes) & (self._counts[at] <= self.cap)
        at, queries = at[hit], queries[hit]
        counts = self._counts[at]
        ends = np.cumsum(counts)
        shift = np.repeat(self._starts[at] - (ends - counts), counts)
        rows = self._rows[shift + np.arange(int(ends[-1]) if len(ends) else 0)]
        pairs, _ = _distinct(np.repeat(queries, counts) * self.size + rows)
        return pairs // self.size, pairs % self.size


@dataclass(frozen=True)
class Link:
    left: int
    right: int
    result: MatchResult


def _identity_levels(first: Ints, second: Ints) -> Ints:
    """`normalise.identity_agreement` as levels: same 0, transposed or one digit off 1, else 2."""
    levels = np.where((first != 0) & (second != 0), 2, _NONE)
    levels[(levels == 2) & (first == second)] = 0
    check = np.flatnonzero((levels == 2) & (first != second))
    # One digit off, or two neighbours swapped, leaves a difference of k or 9k times a power of
    # ten (k from 1 to 9): only those pairs are compared digit by digit.
    difference = np.abs(first[check] - second[check])
    for _ in range(11):
        difference = np.where(difference % 10 == 0, difference // 10, difference)
    check = check[(difference < 10) | ((difference % 9 == 0) & (difference <= 81))]
    if check.size:
        powers = 10 ** np.arange(11, -1, -1, dtype=np.int64)
        a = (first[check, None] // powers) % 10
        b = (second[check, None] // powers) % 10
        differ = a != b
        count = differ.sum(axis=1)
        swapped = differ[:, :-1] & (a[:, :-1] == b[:, 1:]) & (a[:, 1:] == b[:, :-1])
        levels[check[(count == 1) | ((count == 2) & swapped.any(axis=1))]] = 1
    return levels


def _birth_levels(first: dict[str, Ints], second: dict[str, Ints]) -> Ints:
    """`normalise.birth_agreement` as levels (month and day 0 when unknown)."""
    y1, m1, d1 = first["year"], first["month"], first["day"]
    y2, m2, d2 = second["year"], second["month"], second["day"]
    full1, full2 = (m1 > 0) & (d1 > 0), (m2 > 0) & (d2 > 0)
    same_day = (m1 == m2) & (d1 == d2)
    level = np.where((np.abs(y1 - y2) == 1) & full1 & same_day, 3, 5)
    both_full = np.where((m1 == d2) & (d1 == m2), 1, 4)
    months_agree = (m1 == 0) | (m2 == 0) | (m1 == m2)
    days_differ = (d1 > 0) & (d2 > 0) & (d1 != d2)
    partial = np.where(months_agree & ~days_differ, 2, 4)
    level = np.where(y1 == y2, np.where(full1 & full2, both_full, partial), level)
    level = np.where((y1 == y2) & same_day & full1, 0, level)
    return np.where((y1 > 0) & (y2 > 0), level, _NONE)


def _address_levels(first: dict[str, Ints], second: dict[str, Ints]) -> tuple[Ints, Ints, Ints]:
    """`normalise.address_agreement` as levels, `_UNDECIDED` where two different streets may be
    one spelled otherwise; with the level each of those takes if they are, and if not."""
    postcode = first["postcode"]
    near = np.where((postcode != 0) & (postcode == second["postcode"]), 2, 3)
    number = first["number"]
    close = np.where((number != 0) & (number == second["number"]), 0, 1)
    streets = (first["street"] != 0) & (second["street"] != 0)
    same = first["street"] == second["street"]
    level = np.where(streets, np.where(same, close, _UNDECIDED), near)
    return np.where((first["address"] == 1) & (second["address"] == 1), level, _NONE), close, near


def _phone_levels(first: Ints, second: Ints) -> Ints:
    return np.where((first != 0) & (second != 0), np.where(first == second, 0, 1), _NONE)


class _Weights:
    """The model's weights as arrays, looked up by level (none weighs 0)."""

    def __init__(self, model: Model) -> None:
        self.tables = {
            name: np.array([model.weight(name, level) for level in range(len(LEVELS[name]))])
            for name in FIELDS
        }
        self.best = {name: model.best(name) for name in FIELDS}

    def of(self, name: str, levels: Ints) -> Floats:
        return np.where(levels >= 0, self.tables[name][np.maximum(levels, 0)], 0.0)


def _text_levels(
    first: Ints, second: Ints, items: list[Any], level_of: Callable[[Any, Any], tuple[int, float]]
) -> tuple[Ints, Floats]:
    """A level and similarity for each pair of ids (none where either is 0), worked out once
    per distinct pair of texts."""
    levels = np.full(len(first), _NONE)
    similarity = np.zeros(len(first))
    both = np.flatnonzero((first != 0) & (second != 0))
    if both.size:
        distinct, where = _distinct((first[both] << 32) | second[both])
        found = [level_of(items[key >> 32], items[key & 0xFFFFFFFF]) for key in distinct.tolist()]
        levels[both] = np.array([level for level, _ in found])[where]
        similarity[both] = np.array([value for _, value in found])[where]
    return levels, similarity


def _rounded(similarity: Floats) -> Floats:
    """`round(value, 2)` of each value: numpy's rounding, and Python's own for the values that
    lie so near a half that the two might differ (Jaro–Winkler gives 0.925 itself, for one)."""
    rounded = np.round(similarity, 2)
    hundredths = similarity * 100
    tie = np.flatnonzero(np.abs(hundredths - np.floor(hundredths) - 0.5) < 1e-6)
    rounded[tie] = [round(value, 2) for value in similarity[tie].tolist()]
    return rounded


def _similarities(first: list[str], second: list[str]) -> Floats:
    """Jaro–Winkler similarity of each pair of texts, by rapidfuzz over both cores."""
    found = process.cpdist(
        first, second, scorer=JaroWinkler.similarity, workers=-1, dtype=np.float64
    )
    return np.asarray(found, dtype=np.float64)


def _any_equal(first: list[Ints], second: list[Ints]) -> NDArray[np.bool_]:
    """Whether any id of the first list equals any of the second, 0 never counting."""
    found = np.zeros(len(first[0]), dtype=bool)
    for one in first:
        for other in second:
            found |= (one != 0) & (one == other)
    return found


def _distinct_name_levels(a: Ints, b: Ints, names: Names) -> tuple[Ints, Floats]:
    """`scoring.name_level` of each pair of name ids, all of at most `Names.PARTS` parts."""
    sizes, part_ids, form_ids = names.columns()
    parts = names.parts.items
    value = _similarities([names.text[i] for i in a.tolist()], [names.text[i] for i in b.tolist()])
    several = np.flatnonzero((sizes[a] > 1) | (sizes[b] > 1))  # one part each: the joined text
    for one in part_ids:
        for other in part_ids:
            both = several[(one[a[several]] != 0) & (other[b[several]] != 0)]
            if both.size:
                found = _similarities(
                    [parts[i] for i in one[a[both]].tolist()],
                    [parts[i] for i in other[b[both]].tolist()],
                )
                value[both] = np.maximum(value[both], found)
    value = _rounded(value)
    shared = _any_equal([ids[a] for ids in part_ids], [ids[b] for ids in part_ids])
    shared |= _any_equal([ids[a] for ids in form_ids], [ids[b] for ids in form_ids])
    level = np.where(shared, 1, np.where(value >= CLOSE, 2, np.where(value >= SIMILAR, 3, 4)))
    same = a == b
    level[same], value[same] = 0, 1.0
    return level, value


def _name_levels(first: Ints, second: Ints, names: Names) -> tuple[Ints, Floats]:
    """`scoring.name_level` of each pair of name ids (none where either is 0), once per distinct
    pair: as arrays for names of at most `Names.PARTS` parts, one by one for longer ones."""
    levels = np.full(len(first), _NONE)
    similarity = np.zeros(len(first))
    both = (first != 0) & (second != 0)
    sizes = names.columns()[0]
    short = (sizes[first] <= Names.PARTS) & (sizes[second] <= Names.PARTS)
    del sizes  # a view of the names' storage (see `Names.columns`)
    simple, long = np.flatnonzero(both & short), np.flatnonzero(both & ~short)
    levels[long], similarity[long] = _text_levels(
        first[long], second[long], names.items, names.level
    )
    if simple.size:
        distinct, where = _distinct((first[simple] << 32) | second[simple])
        level, value = _distinct_name_levels(distinct >> 32, distinct & 0xFFFFFFFF, names)
        levels[simple], similarity[simple] = level[where], value[where]
    return levels, similarity


def _streets_close(first: Ints, second: Ints, streets: Vocabulary) -> NDArray[np.bool_]:
    """`normalise.streets_close` of each pair of street ids, once per distinct pair."""
    distinct, where = _distinct((first << 32) | second)
    items = streets.items
    similarity = _similarities(
        [items[i] for i in (distinct >> 32).tolist()],
        [items[i] for i in (distinct & 0xFFFFFFFF).tolist()],
    )
    return (similarity >= STREETS_CLOSE)[where]


class _Pairs:
    """A chunk's candidate pairs, compared field by field."""

    def __init__(self, left: dict[str, Ints], right: dict[str, Ints], words: Vocabularies) -> None:
        self.left, self.right, self.words = left, right, words
        self.levels: dict[str, Ints] = {}
        self.similarity: dict[str, Floats] = {}

    def keep(self, rows: Ints) -> None:
        self.left = {name: column[rows] for name, column in self.left.items()}
        self.right = {name: column[rows] for name, column in self.right.items()}
        self.levels = {name: levels[rows] for name, levels in self.levels.items()}

    def compare_all_but_texts(self) -> tuple[Ints, Ints]:
        left, right = self.left, self.right
        self.levels["identity"] = _identity_levels(left["identity"], right["identity"])
        self.levels["birth"] = _birth_levels(left, right)
        self.levels["phone"] = _phone_levels(left["phone"], right["phone"])
        self.levels["address"], close, near = _address_levels(left, right)
        return close, near

    def bound(self, weights: _Weights, close: Ints, near: Ints) -> Floats:
        """The highest weight each pair can reach whatever its names and streets."""
        total = sum(weights.of(name, self.levels[name]) for name in ("identity", "birth", "phone"))
        address = self.levels["address"]
        open_ = np.maximum(weights.of("address", close), weights.of("address", near))
        total = total + np.where(address == _UNDECIDED, open_, weights.of("address", address))
        for name in ("surname", "given"):
            present = (self.left[name] != 0) & (self.right[name] != 0)
            total = total + np.where(present, weights.best[name], 0.0)
        return np.asarray(total)

    def compare_texts(self, close: Ints, near: Ints) -> None:
        words = self.words
        for name, names in (("surname", words.surnames), ("given", words.given)):
            self.levels[name], self.similarity[name] = _name_levels(
                self.left[name], self.right[name], names
            )
        address = self.levels["address"]
        undecided = np.flatnonzero(address == _UNDECIDED)
        if undecided.size:
            spelled = _streets_close(
                self.left["street"][undecided], self.right["street"][undecided], words.streets
            )
            address[undecided] = np.where(spelled, close[undecided], near[undecided])

    def weight(self, weights: _Weights) -> Floats:
        """The match weight, summed in `score`'s order so that it is the same number."""
        total = np.zeros(len(self.levels["identity"]))
        for name in FIELDS:
            total = total + weights.of(name, self.levels[name])
        return np.where(self._household() & (total > HOUSEHOLD_CEILING), HOUSEHOLD_CEILING, total)

    def _household(self) -> NDArray[np.bool_]:
        """`scoring.looks_like_household` of each pair (a missing level is -1 here)."""
        levels = self.levels
        return (
            (levels["given"] == GIVEN_DIFFERENT)
            & np.isin(levels["surname"], SURNAME_ALIKE)
            & ~np.isin(levels["identity"], IDENTITY_AGREES)
        )

    def comparison(self, row: int) -> Comparison:
        levels = tuple(
            None if (level := int(self.levels[name][row])) < 0 else level for name in FIELDS
        )
        similarity = {
            name: float(self.similarity[name][row])
            for name in ("surname", "given")
            if self.levels[name][row] >= 0
        }
        return Comparison(levels, similarity)


def _chunk_links(records: list[MatchRecord], start: int, linking: _Linking) -> list[list[Link]]:
    """The shown links of each record of a chunk (its first at position `start`); with
    `best_only`, at least those that may be its best."""
    register, model, weights = linking.register, linking.model, linking.weights
    builder = _ColumnBuilder(register.words)
    queries, hashes = array("q"), array("q")
    for offset, record in enumerate(records):
        builder.add(record)
        for key in query_keys(record, _as_is):
            queries.append(offset)
            hashes.append(hash(key))
    query, row = register.candidates(
        np.frombuffer(queries, dtype=np.int64), np.frombuffer(hashes, dtype=np.int64)
    )
    columns = builder.columns()
    pairs = _Pairs(
        {name: column[query] for name, column in columns.items()},
        {name: column[row] for name, column in register.columns.items()},
        register.words,
    )
    close, near = pairs.compare_all_but_texts()
    hopeful = np.flatnonzero(pairs.bound(weights, close, near) >= POSSIBLE - _SLACK)
    pairs.keep(hopeful)
    query, row, close, near = query[hopeful], row[hopeful], close[hopeful], near[hopeful]
    pairs.compare_texts(close, near)
    total = pairs.weight(weights)
    shown = np.flatnonzero(total >= POSSIBLE)
    if linking.best_only and shown.size:  # only the pairs that may be a record's best once rounded
        top = np.full(len(records), -np.inf)
        np.maximum.at(top, query[shown], total[shown])
        shown = shown[total[shown] >= top[query[shown]] - 0.01]
    found: list[list[Link]] = [[] for _ in records]
    for at in shown.tolist():
        result = score(pairs.comparison(at), model)
        offset = int(query[at])
        found[offset].append(Link(start + offset, int(row[at]), result))
    return found


@dataclass(frozen=True)
class _Linking:
    register: Register
    model: Model
    weights: _Weights
    best_only: bool
    prepare: Callable[[Any], MatchRecord]
    present: Callable[[Link], Any]


def _link_chunk(linking: _Linking, job: tuple[int, list[Any]]) -> tuple[int, list[Any]]:
    """A chunk's links in their final order, each presented; with the chunk's size."""
    start, rows = job
    records = [linking.prepare(row) for row in rows]
    presented = []
    for found in _chunk_links(records, start, linking):
        found.sort(key=lambda item: (-item.result.weight, item.right))
        best = found[:1] if linking.best_only else found
        presented += [linking.present(item) for item in best]
    return len(rows), presented


def link(
    left: Iterable[Any],
    register: Register,
    model: Model,
    best_only: bool = True,
    tick: Callable[[int], None] | None = None,
    *,
    prepare: Callable[[Any], MatchRecord] = _itself,
    present: Callable[[Link], Any] = _itself,
    workers: int = 1,
) -> Iterator[Any]:
    """For each left record in order, its shown matches on the right (the best one, or all of
    them, best first); `tick` is told how many left records are done. With more than one worker,
    chunks are linked in that many forked processes, in order. `prepare` makes a record of each
    left item and `present` what is handed out of each link (by default the `Link`), both in
    the worker, so that normalising and formatting are shared out too."""
    linking = _Linking(register, model, _Weights(model), best_only, prepare, present)
    for size, presented in _chunks_worked(_link_chunk, linking, left, workers):
        yield from presented
        if tick:
            tick(size)


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
