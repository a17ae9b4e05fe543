"""Batch linkage (`igor match`): comparing pairs as arrays gives, for every pair that shares a
blocking key, exactly what `match()` gives on the full records, and several workers give the
same links as one."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from igor.people.bench import record_of_synthetic
from igor.people.blocking import index_keys, query_keys
from igor.people.linkage import (
    Link,
    Names,
    Register,
    Vocabulary,
    _identity_levels,
    _name_levels,
    link,
)
from igor.people.normalise import identity_agreement, tokens
from igor.people.scoring import DEFAULT_MODEL, MatchRecord, make_record, match, name_level
from igor.people.synthetic import Generator
from igor.people.tests.test_scoring import DATES, GIVEN, STREETS, SURNAMES, records_from

# Names of one to four parts (four is past what the arrays take: the one-by-one path).
LONG_GIVEN = [*GIVEN, "Anna Karin Maria Lena", "Per-Olof Johan", "Lasse"]
LONG_SURNAMES = [*SURNAMES, "von der Lind", "Karlsson Ek Öberg Lind"]
# Dates a year apart, partial, and with day and month swapped, beside those of the scoring tests.
MORE_DATES = [*DATES, "1986-04-12", "1984-04-12", "1985-04", "1986-12-04", "1985-04-21", "1986"]
MORE_STREETS = [*STREETS, "Ringvägen 14", "Ringvgen 12", "Ringvägen, 118 46", "Hornsgatn 3"]

records = records_from(LONG_GIVEN, LONG_SURNAMES, MORE_DATES, MORE_STREETS)


def _as_is(value: str) -> str:
    return value


def _expected(left: list[MatchRecord], right: list[MatchRecord], best_only: bool) -> list[Link]:
    """Each left record against every right record that shares a key with it, one by one."""
    links = []
    for position, record in enumerate(left):
        keys = query_keys(record, _as_is)
        found = [
            Link(position, other, match(record, person, DEFAULT_MODEL))
            for other, person in enumerate(right)
            if keys & index_keys(person, _as_is)
        ]
        found = [item for item in found if item.result.match_class != "unlikely"]
        found.sort(key=lambda item: (-item.result.weight, item.right))
        links += found[:1] if best_only else found
    return links


@given(st.lists(records, max_size=8), st.lists(records, max_size=8), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_links_are_those_of_match_on_the_full_records(left, right, best_only) -> None:
    found = list(link(left, Register(right), DEFAULT_MODEL, best_only))
    assert found == _expected(left, right, best_only)


def test_a_record_links_to_itself_as_certain() -> None:
    person = make_record(
        given="Anna-Karin", surname="Öberg", identity="198504121230", street="Ringvägen 12"
    )
    (found,) = link([person], Register([person]), DEFAULT_MODEL)
    assert (found.left, found.right, found.result.match_class) == (0, 0, "certain")


digits = st.text("0123456789", min_size=11, max_size=11).map(lambda rest: "1" + rest)


@st.composite
def number_pairs(draw: st.DrawFn) -> tuple[str, str]:
    first = draw(digits)
    at = draw(st.integers(0, 10))
    change = draw(st.sampled_from(["swap", "digit", "other", "same"]))
    if change == "swap":
        second = first[:at] + first[at + 1] + first[at] + first[at + 2 :]
    elif change == "digit":
        second = first[:at] + draw(st.sampled_from("0123456789")) + first[at + 1 :]
    elif change == "other":
        second = draw(digits)
    else:
        second = first
    # 0 is what the columns hold for "no number"; a real identity number (a date is part of it)
    # is never all zeros.
    assume(int(second) != 0)
    return first, second


@given(st.lists(number_pairs(), min_size=1, max_size=20))
@settings(max_examples=300, deadline=None)
def test_identity_levels_agree_with_identity_agreement(pairs) -> None:
    first = np.array([int(a) for a, _ in pairs])
    second = np.array([int(b) for _, b in pairs])
    expected = [
        {"same": 0, "transposed": 1, "near": 1}.get(identity_agreement(a, b), 2) for a, b in pairs
    ]
    assert _identity_levels(first, second).tolist() == expected


names = st.sampled_from(LONG_GIVEN + LONG_SURNAMES + ["Johan", "Johannes", "Jon"]) | st.text(
    max_size=14
)


@given(st.lists(st.tuples(names, names), min_size=1, max_size=20), st.booleans())
@settings(max_examples=300, deadline=None)
def test_name_levels_agree_with_name_level(pairs, canonical) -> None:
    vocabulary = Names(canonical, Vocabulary(), Vocabulary())
    first = np.array([vocabulary.id_of(tokens(a)) for a, _ in pairs])
    second = np.array([vocabulary.id_of(tokens(b)) for _, b in pairs])
    levels, similarity = _name_levels(first, second, vocabulary)
    for (a, b), level, value in zip(pairs, levels.tolist(), similarity.tolist(), strict=True):
        expected = name_level(tokens(a), tokens(b), canonical)
        assert (level, value) == (expected or (-1, 0.0))


def test_several_workers_give_the_links_of_one() -> None:
    generator = Generator(3)
    register = list(generator.persons(1500))
    copies = [generator.noisy_copy(person, n) for n, person in enumerate(register, 1)]

    right = Register(record_of_synthetic(person) for person in register)
    one = list(link(copies, right, DEFAULT_MODEL, prepare=record_of_synthetic))
    two = list(link(copies, right, DEFAULT_MODEL, prepare=record_of_synthetic, workers=2))
    assert one == two
    found = sum(1 for item in one if item.result.match_class in ("certain", "probable"))
    assert found > 1200  # most copies are found again: the linkage did run


def test_a_household_member_is_held_below_probable_and_not_taken_for_the_best() -> None:
    """Johan Ek lives at Ringvägen 12; so does Anna Ek, the person asked about, whom the right
    file also holds without an address. Johan's same surname and building would outweigh his
    different first name; held below probable, he is not her best link."""
    anna = make_record(given="Anna", surname="Ek", street="Ringvägen 12")
    johan = make_record(given="Johan", surname="Ek", street="Ringvägen 12")
    anna_elsewhere = make_record(given="Anna", surname="Ek")
    right = [johan, anna_elsewhere]
    (best,) = link([anna], Register(right), DEFAULT_MODEL, best_only=True)
    assert (best.right, best.result.match_class) == (1, "probable")
    every = list(link([anna], Register(right), DEFAULT_MODEL, best_only=False))
    assert [(found.right, found.result.match_class) for found in every] == [
        (1, "probable"),
        (0, "possible"),
    ]
    assert every == _expected([anna], right, best_only=False)
