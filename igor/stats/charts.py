"""Charts drawn on the server as SVG with Vega-Lite (altair builds the spec, vl-convert renders).

No script is needed to see them. A hidden (suppressed) value is left out of the chart, never
drawn as a bar, and the data table beside each chart says why.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

import altair as alt
import vl_convert

from igor.stats.dashboard import Line

# Colour-blind-safe pair (Okabe–Ito), and a pattern-free distinction: the bars are also labelled
# with their period in the legend and the table gives every number.
PERIOD_COLOURS = ["#0072B2", "#E69F00"]


def comparison_spec(
    title: str, lines: list[Line], main_label: str, comparison_label: str, axis: str
) -> dict[str, Any] | None:
    """Grouped bars: one group per figure, the main period beside the comparison period."""
    rows = []
    for line in lines:
        name = str(line.figure.name)
        for label, cell in ((main_label, line.main), (comparison_label, line.comparison)):
            if cell.number is not None:
                rows.append({"figure": name, "period": label, "value": cell.number})
    if not rows:
        return None
    chart = (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("figure:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", title=axis),
            yOffset=alt.YOffset("period:N", sort=[main_label, comparison_label]),
            color=alt.Color(
                "period:N",
                title=None,
                sort=[main_label, comparison_label],
                scale=alt.Scale(domain=[main_label, comparison_label], range=PERIOD_COLOURS),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=420)
        .configure_view(stroke=None)
        .configure(font="sans-serif")
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


@functools.lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def svg(spec: dict[str, Any]) -> str:
    return _svg(json.dumps(spec, sort_keys=True))


def data_uri(spec: dict[str, Any]) -> str:
    """The chart as an <img> source: an image cannot carry script, and CSP allows data: images."""
    encoded = base64.b64encode(svg(spec).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"
