"""Text cells for CSV and spreadsheet downloads that a spreadsheet will not run as formulas.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, so
such text is prefixed with an apostrophe; a plain number (also with a minus sign) is left alone.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text.replace("\u2212", "-").replace(",", ".").replace("\xa0", "").replace(" ", ""))
    except ValueError:
        return False
    return True
