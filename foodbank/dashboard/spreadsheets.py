"""Report tables as CSV and as an XLSX workbook (one sheet per table, written by openpyxl).

In the workbook, figures are numbers with a display format (2 decimals for kg, meals and
kgCO2e, whole numbers for counts, both with thousands separators), so a spreadsheet can sum
them; text is always text, never a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from inventory.exports import safe

from .reports import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Not allowed in XML 1.0, so never in a cell.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Display formats: figures with 2 decimals, counts whole, both with thousands separators.
FIGURE_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"


def _text(value: object) -> str:
    return safe(str(value)) if isinstance(value, str) else str(value)


def as_csv(tables: Sequence[Table], *, titles: bool = True) -> str:
    """Every table under its title, a blank line between them; opens in any spreadsheet.

    Without ``titles``, one table is a plain CSV file: a header and its rows.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    for position, table in enumerate(tables):
        if titles:
            if position:
                writer.writerow([])
            writer.writerow([_text(table.title)])
        writer.writerow([_text(name) for name in table.header])
        writer.writerows([[_text(cell) for cell in row] for row in table.rows])
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read the Thai as UTF-8


def _put(cell: Cell, value: object) -> None:
    """A number with its display format, or text that stays text."""
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = FIGURE_FORMAT
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = COUNT_FORMAT
    else:
        cell.value = CONTROL.sub("", str(value))
        cell.data_type = "s"  # never a formula, whatever it starts with


def _sheet_name(title: str, taken: set[str]) -> str:
    """Sheet names: at most 31 characters, none of ``[]:*?/\\``, unique."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[:28]} {number}"
        number += 1
    taken.add(candidate)
    return candidate


def as_xlsx(tables: Sequence[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(str(table.title), taken))
        for column, name in enumerate(table.header, start=1):
            _put(sheet.cell(row=1, column=column), name)
            sheet.cell(row=1, column=column).font = Font(bold=True)
        for number, cells in enumerate(table.rows, start=2):
            for column, value in enumerate(cells, start=1):
                _put(sheet.cell(row=number, column=column), value)
        for column, name in enumerate(table.header, start=1):
            widest = max([len(str(name)), *(len(str(row[column - 1])) for row in table.rows[:200])])
            sheet.column_dimensions[get_column_letter(column)].width = min(widest + 2, 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
