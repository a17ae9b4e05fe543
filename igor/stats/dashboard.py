"""The unit lead's dashboard: every available figure for one area (a unit or the whole country)
in a main period beside a comparison period, with the change, suppressed for small cells.

The values come from the figure registry; this module only pools, suppresses and formats. Every
view and export renders the `Cell.text` computed here, so suppression is decided in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from igor.stats import formulas, results
from igor.stats.figures import FIGURES, GROUPS, Figure, Group, Kind
from igor.stats.formulas import Breakdown, Count, Durations, Share, Value
from igor.stats.periods import Period
from igor.stats.suppression import protect_group, rest_suppressed, value_suppressed

NATIONAL = "national"


@dataclass(frozen=True)
class Cell:
    text: str
    number: float | None = None  # for charts and spreadsheets; None when hidden or empty
    hidden: bool = False


@dataclass(frozen=True)
class Part:
    label: str
    main: Cell
    comparison: Cell


@dataclass(frozen=True)
class Line:
    figure: Figure
    main: Cell
    comparison: Cell
    change: Cell
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Section:
    group: Group
    lines: tuple[Line, ...]
    missing: tuple[Figure, ...]


@dataclass
class Dashboard:
    area: str  # a unit id as text, or NATIONAL
    area_label: str
    main: Period
    comparison: Period
    k: int
    sections: list[Section] = field(default_factory=list)

    def lines(self) -> list[Line]:
        return [line for section in self.sections for line in section.lines]


Results = Mapping[int, Value]


def area_value(figure: Figure, results: Results, area: str) -> Value:
    if area == NATIONAL:
        return formulas.pool(results.values(), figure.empty)
    return results.get(int(area), figure.empty)


def hidden(figure: Figure, results: Results, area: str, own: list[int], k: int) -> bool:
    """Primary suppression, and for the national figure the subtraction of the viewer's units."""
    value = area_value(figure, results, area)
    if value_suppressed(value, k):
        return True
    if area != NATIONAL:
        return False
    owns = [area_value(figure, results, str(unit)) for unit in own]
    owns.append(formulas.pool(owns, figure.empty))
    return any(rest_suppressed(value, mine, k) for mine in owns)


def _number(n: float) -> str:
    return str(formats.number_format(n, use_l10n=True, force_grouping=True))


def _small(k: int) -> str:
    return _("fewer than %(k)d") % {"k": k}


def _not_shown() -> str:
    return _("not shown (small numbers)")


def format_value(value: Value, k: int, is_hidden: bool) -> Cell:
    if isinstance(value, Count | Breakdown):
        n = value.n if isinstance(value, Count) else value.total
        if is_hidden:
            return Cell(_small(k) if 0 < n < k else _not_shown(), None, True)
        return Cell(_number(n), float(n))
    if is_hidden:
        return Cell(_not_shown(), None, True)
    if isinstance(value, Share):
        if value.percent is None:
            return Cell("–")
        text = _("%(percent)s %% (%(numerator)s of %(denominator)s)") % {
            "percent": _number(value.percent),
            "numerator": _number(value.numerator),
            "denominator": _number(value.denominator),
        }
        return Cell(text, value.percent)
    assert isinstance(value, Durations)
    if value.median is None:
        return Cell("–")
    text = _("%(median)s (median of %(n)s)") % {
        "median": _number(value.median),
        "n": _number(value.n),
    }
    return Cell(text, value.median)


def format_change(figure: Figure, main: Cell, comparison: Cell) -> Cell:
    if main.hidden or comparison.hidden:
        return Cell(_not_shown(), None, True)
    delta = formulas.change(main.number, comparison.number)
    if delta.difference is None:
        return Cell("–")
    sign = "+" if delta.difference > 0 else ""
    if figure.kind == Kind.SHARE:
        text = _("%(sign)s%(points)s percentage points") % {
            "sign": sign,
            "points": _number(delta.difference),
        }
    else:
        text = f"{sign}{_number(delta.difference)}"
        if delta.relative is not None:
            rel_sign = "+" if delta.relative > 0 else ""
            text += f" ({rel_sign}{_number(delta.relative)} %)"
    return Cell(text, delta.difference)


def _parts(
    figure: Figure, main: Value, comparison: Value, k: int, main_hidden: bool, comp_hidden: bool
) -> tuple[Part, ...]:
    assert isinstance(main, Breakdown) and isinstance(comparison, Breakdown)
    keys = sorted(set(main.as_dict()) | set(comparison.as_dict()))
    cells = []
    for value, whole_hidden in ((main, main_hidden), (comparison, comp_hidden)):
        counts = {key: value.as_dict().get(key, 0) for key in keys}
        _total_hidden, hidden_keys = protect_group(value.total, counts, k)
        cells.append(
            {
                key: format_value(Count(n), k, whole_hidden or key in hidden_keys)
                for key, n in counts.items()
            }
        )
    labels = figure_labels(figure)
    return tuple(Part(labels.get(key, key), cells[0][key], cells[1][key]) for key in keys)


def figure_labels(figure: Figure) -> dict[str, str]:
    return {key: str(label) for key, label in figure.labels().items()} if figure.labels else {}


def build_line(
    figure: Figure,
    main: Results,
    comparison: Results,
    area: str,
    own: list[int],
    k: int,
) -> Line:
    main_value = area_value(figure, main, area)
    comp_value = area_value(figure, comparison, area)
    main_hidden = hidden(figure, main, area, own, k)
    comp_hidden = hidden(figure, comparison, area, own, k)
    main_cell = format_value(main_value, k, main_hidden)
    comp_cell = format_value(comp_value, k, comp_hidden)
    parts: tuple[Part, ...] = ()
    if figure.kind == Kind.BREAKDOWN:
        parts = _parts(figure, main_value, comp_value, k, main_hidden, comp_hidden)
    return Line(figure, main_cell, comp_cell, format_change(figure, main_cell, comp_cell), parts)


def build(
    *,
    area: str,
    area_label: str,
    own: list[int],
    main: Period,
    comparison: Period,
    k: int,
    today: datetime.date,
) -> Dashboard:
    """The dashboard for `area`; `own` are the units whose figures the viewer may see."""
    board = Dashboard(area, area_label, main, comparison, k)
    version = results.data_version()
    for group in GROUPS:
        lines = []
        for figure in (f for f in FIGURES if f.group == group.key and f.compute):
            assert figure.compute is not None
            lines.append(
                build_line(
                    figure,
                    results.compute(figure, main, today, version),
                    results.compute(figure, comparison, today, version),
                    area,
                    own,
                    k,
                )
            )
        missing = tuple(f for f in FIGURES if f.group == group.key and not f.compute)
        board.sections.append(Section(group, tuple(lines), missing))
    return board
