"""Small-cell suppression (requirement 40), including the subtraction attack. No database."""

from __future__ import annotations

from itertools import combinations

from igor.stats.formulas import Breakdown, Count, Durations, Share
from igor.stats.suppression import protect_group, rest_suppressed, small, value_suppressed

K = 5


def test_requirement_40_counts_under_the_threshold_are_hidden_and_zero_is_shown() -> None:
    assert [small(n, K) for n in range(7)] == [False, True, True, True, True, False, False]
    assert value_suppressed(Count(4), K) and not value_suppressed(Count(5), K)
    assert not value_suppressed(Count(0), K)


def test_the_threshold_is_configurable() -> None:
    assert value_suppressed(Count(5), 6)
    assert not value_suppressed(Count(6), 6)


def test_a_share_is_hidden_when_any_of_its_three_numbers_is_small() -> None:
    assert value_suppressed(Share(3, 20), K)  # numerator
    assert value_suppressed(Share(18, 20), K)  # 2 said no: the complement
    assert value_suppressed(Share(0, 3), K)  # denominator
    assert not value_suppressed(Share(8, 20), K)
    assert not value_suppressed(Share(0, 20), K)


def test_a_median_of_few_is_hidden() -> None:
    assert value_suppressed(Durations((1.0, 2.0)), K)
    assert not value_suppressed(Durations((1.0,) * 5), K)


def test_subtraction_attack_on_a_total_and_its_parts() -> None:
    """Total 20 = 3 + 8 + 9: hiding only the 3 lets 20 − 8 − 9 give it away."""
    total_hidden, hidden = protect_group(20, {"phone": 3, "web": 8, "letter": 9}, K)
    assert not total_hidden
    assert hidden == {"phone", "web"}
    shown = {"phone": 3, "web": 8, "letter": 9}
    recovered = 20 - sum(n for key, n in shown.items() if key not in hidden)
    assert not small(recovered, K)


def test_subtraction_attack_over_every_small_group() -> None:
    """For every total and split into three parts up to 15, what can be subtracted is never a
    small cell: the hidden parts together are 0 or at least k."""
    for a in range(16):
        for b in range(16):
            for c in range(16):
                parts = {"a": a, "b": b, "c": c}
                total_hidden, hidden = protect_group(a + b + c, parts, K)
                if total_hidden:
                    assert all(key in hidden for key, n in parts.items() if n > 0)
                    continue
                assert not any(small(parts[key], K) for key in parts if key not in hidden)
                assert not small(sum(parts[key] for key in hidden), K)


def test_a_part_left_unstated_counts_as_one_more_hidden_part() -> None:
    total_hidden, hidden = protect_group(20, {"phone": 9, "web": 9}, K)  # 2 not stated
    assert not total_hidden
    assert hidden == {"phone"} or hidden == {"web"}


def test_a_small_total_hides_everything() -> None:
    assert protect_group(4, {"a": 1, "b": 3}, K) == (True, {"a", "b"})


def test_subtraction_attack_on_the_national_figure() -> None:
    """National 12, own unit 9: the other unit's 3 would be national minus own."""
    assert rest_suppressed(Count(12), Count(9), K)
    assert not rest_suppressed(Count(20), Count(9), K)
    assert not rest_suppressed(Count(9), Count(9), K)  # nothing elsewhere: nobody pointed at
    assert rest_suppressed(Share(10, 30), Share(8, 20), K)  # other units: 2 of 10
    assert rest_suppressed(Breakdown((("a", 10), ("b", 7))), Breakdown((("a", 10), ("b", 5))), K)


def test_no_combination_of_shown_cells_gives_a_small_count() -> None:
    """Brute force: with national, unit and parts shown, every sum and difference of shown
    cells is 0 or at least k."""
    parts = {"a": 2, "b": 7, "c": 11}
    total = sum(parts.values())
    _hidden_total, hidden = protect_group(total, parts, K)
    shown = [total] + [n for key, n in parts.items() if key not in hidden]
    for size in range(1, len(shown) + 1):
        for subset in combinations(shown[1:], size):
            assert not small(total - sum(subset), K) or sum(subset) == total
