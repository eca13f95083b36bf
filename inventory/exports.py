"""The movement ledger as CSV, streamed row by row so a year of movements stays cheap."""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from .models import Movement

HEADER = [
    "id",
    "time",
    "district",
    "kind",
    "item_th",
    "item_en",
    "unit",
    "lot",
    "expiry_date",
    "on_hand_change",
    "reserved_change",
    "reason",
    "transfer",
    "stock_take",
    "by",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


#: A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """Typed text (reasons, names) never runs as a spreadsheet formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _cells(movement: Movement) -> list:
    lot = movement.lot
    return [
        movement.pk,
        timezone.localtime(movement.created_at).isoformat(timespec="seconds"),
        lot.district.code,
        movement.kind,
        safe(lot.item.name_th),
        safe(lot.item.name_en),
        safe(lot.item.unit),
        lot.pk,
        lot.expiry_date or "",
        movement.on_hand_change,
        movement.reserved_change,
        safe(movement.reason),
        movement.transfer_id or "",
        movement.stock_take_id or "",
        movement.created_by.username if movement.created_by else "",
    ]


def movement_rows(movements: QuerySet[Movement]) -> Iterator[str]:
    """CSV lines: a header, then one line per movement (UTF-8 with BOM for spreadsheets)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    rows: Iterable[Movement] = movements.iterator(chunk_size=2000)
    for movement in rows:
        yield writer.writerow(_cells(movement))
