"""Small-cell suppression: no count under the threshold k is shown, and none can be worked out.

Pure functions. Primary suppression hides every count from 1 to k-1 (a zero is shown: it says
nobody, and so points at nobody). Complementary suppression stops the subtraction attack:

- a total with its parts (e.g. tips by channel): when the hidden parts add up to less than k,
  the next smallest shown part is hidden too, and the total if no part is left;
- a share: hidden when its numerator, its denominator or their difference is a small cell,
  since the reader has the other two;
- the national figure beside the viewer's own units: hidden when national minus own is a small
  cell (that would be the other units' count);
- a change between periods: hidden when either side is.
"""

from __future__ import annotations

from collections.abc import Mapping

from igor.stats.formulas import Breakdown, Count, Durations, Share, Value

DEFAULT_THRESHOLD = 5


def small(n: int, k: int) -> bool:
    return 0 < n < k


def value_suppressed(value: Value, k: int) -> bool:
    """Primary suppression of one figure's value."""
    if isinstance(value, Count):
        return small(value.n, k)
    if isinstance(value, Share):
        complement = value.denominator - value.numerator
        return any(small(n, k) for n in (value.numerator, value.denominator, complement))
    if isinstance(value, Breakdown):
        return small(value.total, k)
    return small(value.n, k)


def _parts(value: Value) -> tuple[int, ...]:
    if isinstance(value, Count):
        return (value.n,)
    if isinstance(value, Share):
        return (value.numerator, value.denominator, value.denominator - value.numerator)
    if isinstance(value, Breakdown):
        return (value.total,)
    assert isinstance(value, Durations)
    return (value.n,)


def rest_suppressed(whole: Value, own: Value, k: int) -> bool:
    """Whether `whole` minus `own` (e.g. national minus the viewer's units) is a small cell."""
    if isinstance(whole, Breakdown) and isinstance(own, Breakdown):
        mine = own.as_dict()
        rests = [n - mine.get(key, 0) for key, n in whole.counts] + [whole.total - own.total]
        return any(small(rest, k) for rest in rests)
    return any(small(w - o, k) for w, o in zip(_parts(whole), _parts(own), strict=True))


def protect_group(total: int, parts: Mapping[str, int], k: int) -> tuple[bool, set[str]]:
    """Which of a total and its parts to hide: (total hidden, hidden part keys).

    The parts need not add up to the total (e.g. "not stated" left out): then the missing rest
    is treated as one more, unseen, part that the reader can also compute.
    """
    total_hidden = small(total, k)
    if total_hidden:
        return True, {key for key, n in parts.items() if n > 0}
    hidden = {key for key, n in parts.items() if small(n, k)}
    rest = total - sum(parts.values())
    while True:
        recoverable = sum(parts[key] for key in hidden) + max(rest, 0)
        if not small(recoverable, k):
            return False, hidden
        shown = sorted((n, key) for key, n in parts.items() if key not in hidden and n > 0)
        if not shown:
            return True, hidden
        hidden.add(shown[0][1])
