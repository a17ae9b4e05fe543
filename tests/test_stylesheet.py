"""The stylesheet mirrors for right-to-left only if it never names a physical side."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parent.parent / "igor" / "static" / "igor" / "igor.css"

# Properties that name a side or a physical axis; each has a logical twin (inline/block, start/end).
PHYSICAL = re.compile(
    r"(?<![\w-])("
    r"(margin|padding|border)-(top|right|bottom|left)(-\w+)?"
    r"|top|right|bottom|left"
    r"|(min-|max-)?(width|height)"
    r")\s*:"
)
PHYSICAL_VALUES = re.compile(r"\b(text-align|float|clear)\s*:\s*(left|right)\b")
ASSETS_ELSEWHERE = re.compile(r"url\(\s*['\"]?(https?:)?//|@import", re.I)


def _declarations() -> list[tuple[int, str]]:
    lines = []
    in_comment = False
    for number, line in enumerate(CSS.read_text(encoding="utf-8").splitlines(), start=1):
        text = line
        if in_comment:
            if "*/" not in text:
                continue
            text, in_comment = text.split("*/", 1)[1], False
        text = re.sub(r"/\*.*?\*/", "", text)
        if "/*" in text:
            text, in_comment = text.split("/*", 1)[0], True
        # Media queries speak of the viewport, which has no reading direction.
        if not text.lstrip().startswith("@media"):
            lines.append((number, text))
    return lines


def test_it_uses_only_logical_properties() -> None:
    physical = [
        f"{number}: {text.strip()}"
        for number, text in _declarations()
        if PHYSICAL.search(text) or PHYSICAL_VALUES.search(text)
    ]
    assert not physical, "use inline/block start/end instead:\n" + "\n".join(physical)


def test_it_loads_nothing_from_another_host() -> None:
    offending = [text for _, text in _declarations() if ASSETS_ELSEWHERE.search(text)]
    assert not offending, offending
