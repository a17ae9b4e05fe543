"""CSV and XLSX of the dashboard's table: the same cells, suppression included; text cells are
escaped so a spreadsheet does not run them (igor/lib/spreadsheet.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.utils.translation import gettext as _

from igor.lib.spreadsheet import escape_formula
from igor.stats.dashboard import Dashboard


def table_rows(board: Dashboard) -> list[list[str]]:
    head = [
        _("Figure"),
        _("Key"),
        _("Area"),
        _("Main period") + f" {board.main.label()}",
        _("Comparison period") + f" {board.comparison.label()}",
        _("Change"),
    ]
    rows = [head]
    for line in board.lines():
        name = str(line.figure.name)
        rows.append(
            [
                name,
                line.figure.key,
                board.area_label,
                line.main.text,
                line.comparison.text,
                line.change.text,
            ]
        )
        for part in line.parts:
            rows.append(
                [
                    f"{name}: {part.label}",
                    line.figure.key,
                    board.area_label,
                    part.main.text,
                    part.comparison.text,
                    "",
                ]
            )
    return rows


def to_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Swedish Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([escape_formula(str(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[Sequence[str]], sheet: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            worksheet.write_string(r, c, escape_formula(str(cell)), bold if r == 0 else None)
    worksheet.set_column(0, 0, 48)
    worksheet.set_column(1, 5, 24)
    book.close()
    return buffer.getvalue()
