"""Report tables as CSV and as an XLSX workbook (one sheet per table).

The workbook is written with the standard library: a report is a few hundred cells of text
and numbers, which needs only the four parts of Office Open XML that every spreadsheet
reads (content types, relationships, the workbook, its sheets) with inline strings.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from inventory.exports import safe

from .reports import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Not allowed in XML 1.0, so never in a cell.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(reference: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        text = escape(CONTROL.sub("", _text(value)))
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{reference}"><v>{value}</v></c>'


def _sheet(table: Table) -> str:
    lines: list[list[str | int | Decimal]] = [list(table.header), *table.rows]
    rows = "".join(
        f'<row r="{number}">'
        + "".join(_cell(f"{_column(col)}{number}", value) for col, value in enumerate(cells))
        + "</row>"
        for number, cells in enumerate(lines, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


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
    taken: set[str] = set()
    names = [_sheet_name(str(table.title), taken) for table in tables]
    count = range(1, len(tables) + 1)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in count
        )
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in zip(count, names, strict=True)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in count
        )
        + "</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", content_types)
        book.writestr("_rels/.rels", root_rels)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for n, table in zip(count, tables, strict=True):
            book.writestr(f"xl/worksheets/sheet{n}.xml", _sheet(table))
    return out.getvalue()
