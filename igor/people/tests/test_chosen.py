"""Which of a lookup's hits become candidates: keys over the cap dropped, the rest taken rarest
first within the budget, the rarest always, and persons sharing two keys or found by trigrams
whatever the budget."""

from __future__ import annotations

from igor.people.matching import chosen_persons


def _hits(**keys: list[int]) -> list[tuple[int, int]]:
    """Key number → persons, as (key, person) rows; "t" is the trigram search (key -1)."""
    return [
        (-1 if name == "t" else int(name[1:]), person)
        for name, persons in keys.items()
        for person in persons
    ]


def test_keys_are_taken_rarest_first_while_the_budget_lasts() -> None:
    hits = _hits(k1=[10, 11, 12], k2=[20], k3=[30, 31, 32, 33, 34, 35])
    assert sorted(chosen_persons(hits, cap=200, budget=4)) == [10, 11, 12, 20]
    everyone = [10, 11, 12, 20, *range(30, 36)]
    assert sorted(chosen_persons(hits, cap=200, budget=None)) == everyone


def test_the_rarest_key_is_always_taken_even_beyond_the_budget() -> None:
    hits = _hits(k1=[1, 2, 3, 4, 5], k2=[6, 7, 8, 9, 10, 11])
    assert sorted(chosen_persons(hits, cap=200, budget=2)) == [1, 2, 3, 4, 5]


def test_a_key_over_the_cap_is_dropped_and_does_not_use_the_budget() -> None:
    hits = _hits(k1=list(range(100, 104)), k2=[1, 2])
    assert sorted(chosen_persons(hits, cap=3, budget=2)) == [1, 2]
    assert chosen_persons(_hits(k1=list(range(100, 104))), cap=3, budget=2) == []


def test_sharing_two_kept_keys_makes_a_candidate_beyond_the_budget() -> None:
    hits = _hits(k1=[1], k2=[5, 6, 7], k3=[5, 8, 9, 10])
    assert sorted(chosen_persons(hits, cap=200, budget=1)) == [1, 5]


def test_a_trigram_hit_is_a_candidate_beyond_the_budget() -> None:
    hits = _hits(k1=[1], t=[42, 43])
    assert sorted(chosen_persons(hits, cap=200, budget=1)) == [1, 42, 43]


def test_each_person_once_and_nothing_from_no_hits() -> None:
    assert chosen_persons(_hits(k1=[3, 4], k2=[3, 4]), cap=200, budget=10) == [3, 4]
    assert chosen_persons([], cap=200, budget=10) == []
