"""Pseudonyms, coarsening and k-anonymity for research extracts. Pure functions.

- A pseudonym is an HMAC of the natural identifier under the study's own key: stable within a
  study, unrelated between studies, and not reversible without the key.
- Quasi-identifiers (values that together could single a person out: unit, months, gender, age
  band, relation) are generalised step by step for the whole extract (month → quarter → year;
  ten-year → twenty-year age bands; then left out); rows still in a group smaller than k after
  the last useful step have their quasi-identifiers suppressed ("*"), and if even the suppressed
  rows are fewer than k they are dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

SUPPRESSED = "*"

Row = dict[str, str]
Generaliser = Callable[[str, int], str]


def pseudonym(key: str, kind: str, natural_id: str) -> str:
    digest = hmac.new(key.encode(), f"{kind}:{natural_id}".encode(), hashlib.sha256).digest()
    return kind[0].upper() + "-" + base64.b32encode(digest[:10]).decode().lower()


def age_band(age: int | None, width: int = 10) -> str:
    if age is None:
        return ""
    low = (age // width) * width
    return f"{low}–{low + width - 1}"


# --- Generalisers: (value, level) → value at that level; the last level is always SUPPRESSED --


def month_ladder(value: str, level: int) -> str:
    """YYYY-MM → YYYY-Qn → YYYY → *."""
    if not value or level == 0:
        return value
    year, month = value[:4], int(value[5:7])
    if level == 1:
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if level == 2:
        return year
    return SUPPRESSED


def band_ladder(value: str, level: int) -> str:
    """Ten-year band → twenty-year band → *."""
    if not value or level == 0:
        return value
    if level == 1:
        low = int(value.split("–")[0]) // 20 * 20
        return f"{low}–{low + 19}"
    return SUPPRESSED


def keep_then_suppress(at: int) -> Generaliser:
    def ladder(value: str, level: int) -> str:
        return value if level < at else SUPPRESSED

    return ladder


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    level: int
    suppressed_rows: int  # rows whose quasi-identifiers were blanked
    dropped_rows: int


def group_sizes(rows: Sequence[Row], quasi: Sequence[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(row.get(name, "") for name in quasi) for row in rows)


def smallest_group(rows: Sequence[Row], quasi: Sequence[str]) -> int:
    sizes = group_sizes(rows, quasi)
    return min(sizes.values()) if sizes else 0


def _at_level(rows: Sequence[Row], ladders: Mapping[str, Generaliser], level: int) -> list[Row]:
    return [
        {
            name: (ladders[name](value, level) if name in ladders else value)
            for name, value in row.items()
        }
        for row in rows
    ]


def anonymise(
    rows: Sequence[Row],
    ladders: Mapping[str, Generaliser],
    k: int,
    *,
    levels: int = 3,
    tolerated: float = 0.05,
) -> Result:
    """k-anonymity over the quasi-identifiers named in `ladders`.

    The lowest level at which at most `tolerated` of the rows need suppressing is used; the
    remaining small groups are suppressed. The result has no group smaller than k.
    """
    quasi = sorted(ladders)
    if not rows:
        return Result([], 0, 0, 0)
    chosen: list[Row] = []
    level = 0
    for level in range(levels + 1):
        chosen = _at_level(rows, ladders, level)
        sizes = group_sizes(chosen, quasi)
        small = sum(n for n in sizes.values() if n < k)
        if small <= tolerated * len(chosen):
            break
    sizes = group_sizes(chosen, quasi)
    all_blank = tuple(SUPPRESSED for _name in quasi)
    out: list[Row] = []
    blanked = 0
    for row in chosen:
        values = tuple(row.get(name, "") for name in quasi)
        if sizes[values] >= k:
            out.append(row)
        else:
            out.append({**row, **dict.fromkeys(quasi, SUPPRESSED)})
            blanked += 1 if values != all_blank else 0
    # The blanked rows form one more group; it must be of size k too, or go entirely.
    blank_rows = sum(1 for row in out if tuple(row.get(n, "") for n in quasi) == all_blank)
    dropped = 0
    if 0 < blank_rows < k:
        out = [row for row in out if tuple(row.get(n, "") for n in quasi) != all_blank]
        dropped, blanked = blank_rows, 0
    return Result(out, level, blanked, dropped)
