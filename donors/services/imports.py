"""Importing historical drop-offs from the city's spreadsheets (CSV, one row per line).

Columns: ``received_on`` (date, or date and time), ``district`` (official code), ``donor``
(name; new names become donors), ``category`` (slug, Thai or English name), ``weight_kg``;
optional ``donor_type``, ``destination`` (default ``forward``), ``expiry_date``,
``quantity``, ``unit`` and ``dropoff_ref``. Rows with the same ``dropoff_ref`` (or, without
one, the same day, district and donor) make one drop-off.

Every row is checked first; a file with any bad row imports nothing unless the import was
asked to take the good rows. Writing happens in one transaction; the impact is computed by
tasks after it commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.districts.models import District
from worker.enqueue import enqueue_after_commit

from ..errors import DuplicateImport
from ..models import (
    Destination,
    Donor,
    DonorKind,
    DonorType,
    DropOff,
    DropOffImport,
    DropOffLine,
    DropOffStatus,
    FoodCategory,
    ImportStatus,
)
from ..models.dropoffs import MAX_LINE_KG
from .dropoffs import COMPUTE_IMPACT
from .impact import COMPUTE_BATCH

if TYPE_CHECKING:
    from _csv import Reader

REQUIRED = ("received_on", "district", "donor", "category", "weight_kg")
OPTIONAL = ("donor_type", "destination", "expiry_date", "quantity", "unit", "dropoff_ref")
#: Undated rows (a date without a time) count as received at noon, local time.
NOON = time(12, 0)
WRITE_BATCH = 5000
DESTINATIONS = frozenset(Destination.values)
DONOR_TYPES = frozenset(DonorType.values)
#: The defaults of blank cells, as plain strings (read once per row).
FORWARD, OTHER = Destination.FORWARD.value, DonorType.OTHER.value
#: After writing this many lines, PostgreSQL's statistics of the drop-off tables are
#: refreshed in the import's transaction, as its manual advises after a bulk load: the
#: impact tasks that follow at once then plan for the rows that are there.
ANALYZE_AFTER = 10_000


@dataclass(slots=True)
class ImportRow:
    line: int
    received_at: datetime
    received_on: date
    district_id: int
    donor_name: str
    donor_type: str
    category_id: int
    weight_kg: Decimal
    destination: str
    expiry_date: date | None
    quantity: Decimal | None
    unit: str
    dropoff_ref: str

    @property
    def dropoff_key(self) -> tuple:
        if self.dropoff_ref:
            return ("ref", self.dropoff_ref)
        return ("day", self.received_on, self.district_id, self.donor_name.casefold())


class RowError(ValueError):
    pass


class _RowCheck:
    """Checks the records of one file: codes, names and dates resolved once per file.

    Called once per row of files with hundreds of thousands of rows, so it does as little
    per row as it can; the checks and messages are the file format's.
    """

    def __init__(self, header: list[str]) -> None:
        # A column the header lacks, or a short row's missing cells, read the padding "".
        self.width = len(header)
        self.padding = [""] * (self.width + 1)
        position = {name: index for index, name in enumerate(header)}
        self.pick = itemgetter(*(position.get(c, self.width) for c in REQUIRED + OPTIONAL))
        self.districts = dict(District.objects.values_list("code", "pk"))
        self.category_names: dict[str, int] = {}
        for pk, slug, name_th, name_en in FoodCategory.objects.values_list(
            "pk", "slug", "name_th", "name_en"
        ):
            for name in (slug, name_th, name_en):
                self.category_names[name.casefold()] = pk
        self.categories: dict[str, int | None] = {}
        self.now = timezone.now()
        self.received = lru_cache(maxsize=4096)(_received)

    def category(self, value: str) -> int | None:
        if value not in self.categories:
            self.categories[value] = self.category_names.get(value.casefold())
        return self.categories[value]

    def __call__(self, line: int, record: list[str]) -> ImportRow:
        cells = record[: self.width]
        cells += self.padding[len(cells) :]
        (received, district, donor, category, weight_kg, donor_type, destination, expiry_date,
         quantity, unit, dropoff_ref) = map(str.strip, self.pick(cells))  # fmt: skip
        district_id = self.districts.get(district)
        if district_id is None:
            raise RowError(_("district: unknown code “%(v)s”") % {"v": district})
        category_id = self.category(category)
        if category_id is None:
            raise RowError(_("category: unknown “%(v)s”") % {"v": category})
        if not donor:
            raise RowError(_("donor: missing"))
        weight = _weight(weight_kg)
        destination = destination or FORWARD
        if destination not in DESTINATIONS:
            raise RowError(_("destination: use forward or stock"))
        donor_type = donor_type or OTHER
        if donor_type not in DONOR_TYPES:
            raise RowError(_("donor_type: unknown “%(v)s”") % {"v": donor_type})
        expiry = parse_date(expiry_date) if expiry_date else None
        if expiry_date and expiry is None:
            raise RowError(_("expiry_date: “%(v)s” is not a date") % {"v": expiry_date})
        received_at, received_on = self.received(received, self.now)
        return ImportRow(
            line=line,
            received_at=received_at,
            received_on=received_on,
            district_id=district_id,
            donor_name=donor[:200],
            donor_type=donor_type,
            category_id=category_id,
            weight_kg=weight,
            destination=destination,
            expiry_date=expiry,
            quantity=_decimal(quantity, "quantity", required=False),
            unit=unit[:30],
            dropoff_ref=dropoff_ref[:100],
        )


def _received(value: str, now: datetime) -> tuple[datetime, date]:
    """The moment and the local day a row was received (files repeat dates: cached per file)."""
    moment = _received_at(value, now)
    return moment, timezone.localdate(moment)


def _received_at(value: str, now: datetime) -> datetime:
    moment = parse_datetime(value) if "T" in value or " " in value.strip() else None
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise RowError(_("received_on: “%(v)s” is not a date (YYYY-MM-DD)") % {"v": value})
        moment = datetime.combine(day, NOON)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now:
        raise RowError(_("received_on: the date cannot be in the future"))
    return moment


#: How most weights are written: up to 5 digits and 3 decimals, valid as they stand.
PLAIN_WEIGHT = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,3})?")


def _weight(value: str) -> Decimal:
    if PLAIN_WEIGHT.fullmatch(value):
        weight = Decimal(value)
        if not weight:
            raise RowError(_("%(c)s: must be more than 0") % {"c": "weight_kg"})
    else:
        checked = _decimal(value, "weight_kg", required=True)
        assert checked is not None  # noqa: S101 - required=True never returns None
        weight = checked
    if weight > MAX_LINE_KG:
        raise RowError(_("weight_kg: at most %(max)s kg per line") % {"max": MAX_LINE_KG})
    return weight


def _decimal(value: str, column: str, *, required: bool) -> Decimal | None:
    if not value:
        if required:
            raise RowError(_("%(c)s: missing") % {"c": column})
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation as error:
        raise RowError(_("%(c)s: “%(v)s” is not a number") % {"c": column, "v": value}) from error
    if not number.is_finite() or number <= 0:
        raise RowError(_("%(c)s: must be more than 0") % {"c": column})
    if number.as_tuple().exponent < -3:  # type: ignore[operator]
        raise RowError(_("%(c)s: at most 3 decimal places (grams)") % {"c": column})
    return number


def _records(reader: Reader) -> Iterator[tuple[int, list[str]]]:
    """The non-blank records, each with the line it ends on (as ``csv.DictReader`` counts)."""
    for record in reader:
        if record:
            yield reader.line_num, record


def read_rows(content: bytes) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """Check every row; returns the good rows and ``(line, problem)`` for the bad ones."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(1, _("the file is not UTF-8 text"))]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [], [(1, _("missing column(s): %(c)s") % {"c": ", ".join(missing)})]
    check = _RowCheck(header)
    rows: list[ImportRow] = []
    problems: list[tuple[int, str]] = []
    for line, record in _records(reader):
        try:
            rows.append(check(line, record))
        except RowError as error:
            problems.append((line, str(error)))
    if not rows and not problems:
        problems.append((1, _("the file has no rows")))
    return rows, problems


def start_import(
    *, file_name: str, content: bytes, by: User | None, skip_bad_rows: bool = False
) -> DropOffImport:
    """Record an uploaded file; the same file (by content) is refused a second time."""
    digest = hashlib.sha256(content).hexdigest()
    earlier = DropOffImport.objects.filter(sha256=digest).first()
    if earlier is not None:
        raise DuplicateImport(fields={"file": [str(DuplicateImport.default_message)]})
    return DropOffImport.objects.create(
        file_name=file_name[:255],
        sha256=digest,
        content=content,
        skip_bad_rows=skip_bad_rows,
        created_by=by,
    )


def progress_key(dropoff_import: DropOffImport) -> str:
    return f"dropoff-import:{dropoff_import.pk}:done"


def _donor_ids(rows: list[ImportRow]) -> dict[str, int]:
    """Donors by folded name, creating the ones the file names for the first time."""
    wanted = {row.donor_name.casefold(): row for row in rows}
    known = {
        name.casefold(): pk
        for pk, name in Donor.objects.filter(name__in={r.donor_name for r in rows})
        .order_by("pk")
        .values_list("pk", "name")
    }
    new = [
        Donor(
            name=row.donor_name,
            donor_type=row.donor_type,
            kind=DonorKind.PERSON
            if row.donor_type == DonorType.HOUSEHOLD
            else DonorKind.ORGANISATION,
        )
        for folded, row in wanted.items()
        if folded not in known
    ]
    for donor in Donor.objects.bulk_create(new, batch_size=WRITE_BATCH):
        known[donor.name.casefold()] = donor.pk
    return known


def _grouped(rows: list[ImportRow]) -> Iterator[list[ImportRow]]:
    groups: dict[tuple, list[ImportRow]] = {}
    for row in rows:
        groups.setdefault(row.dropoff_key, []).append(row)
    return iter(groups.values())


def _write(
    dropoff_import: DropOffImport,
    rows: list[ImportRow],
    by: User | None,
    progress: Callable[[int], None],
) -> list[int]:
    donors, created_ids, done = _donor_ids(rows), [], 0
    groups = list(_grouped(rows))
    if connection.vendor == "postgresql":
        created_ids = _copy(dropoff_import, groups, donors, by)
        if len(rows) >= ANALYZE_AFTER:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DropOff._meta.db_table}, {DropOffLine._meta.db_table}")
        progress(len(rows))
        return created_ids
    for start in range(0, len(groups), WRITE_BATCH):
        chunk = groups[start : start + WRITE_BATCH]
        dropoffs = DropOff.objects.bulk_create(
            DropOff(
                donor_id=donors[group[0].donor_name.casefold()],
                district_id=group[0].district_id,
                status=DropOffStatus.RECEIVED,
                received_at=group[0].received_at,
                received_on=group[0].received_on,
                received_by=by,
                created_by=by,
                imported_from=dropoff_import,
            )
            for group in chunk
        )
        DropOffLine.objects.bulk_create(
            (
                DropOffLine(
                    dropoff_id=dropoff.pk,
                    line_no=number,
                    category_id=row.category_id,
                    weight_kg=row.weight_kg,
                    quantity=row.quantity,
                    unit=row.unit,
                    expiry_date=row.expiry_date,
                    destination=row.destination,
                )
                for dropoff, group in zip(dropoffs, chunk, strict=True)
                for number, row in enumerate(group, start=1)
            ),
            batch_size=WRITE_BATCH,
        )
        created_ids += [dropoff.pk for dropoff in dropoffs]
        done += sum(len(group) for group in chunk)
        progress(done)
    return created_ids


DROPOFF_COLUMNS = (
    "donor_id, district_id, status, received_at, received_on, received_by_id, "
    "created_by_id, imported_from_id, notes, created_at, updated_at"
)
LINE_COLUMNS = (
    "dropoff_id, line_no, category_id, weight_kg, quantity, unit, expiry_date, destination"
)
#: Escapes of COPY's text format, for the one free-text column (``unit``).
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _copy_value(value: object) -> str:
    return NULL if value is None else str(value)


def _copy_in(model: type[DropOff] | type[DropOffLine], columns: str, payload: str) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(payload)


def _copy(
    dropoff_import: DropOffImport,
    groups: list[list[ImportRow]],
    donors: dict[str, int],
    by: User | None,
) -> list[int]:
    """PostgreSQL: write the drop-offs, then their lines, with COPY.

    Each table's rows go as one payload in COPY's text format, built in one pass; the ORM
    path above does the same row by row. Only ``unit`` is free text (every other value is a
    number, a date or a checked code), so only ``unit`` is escaped. The drop-offs take their
    ids from the sequence in the order they are written, so this import's drop-offs, by id,
    are the groups in order.
    """
    now, by_id = timezone.now().isoformat(), _copy_value(by.pk if by else None)
    status = DropOffStatus.RECEIVED.value
    _copy_in(
        DropOff,
        DROPOFF_COLUMNS,
        "".join(
            f"{donors[first.donor_name.casefold()]}\t{first.district_id}\t{status}\t"
            f"{first.received_at.isoformat()}\t{first.received_on}\t{by_id}\t{by_id}\t"
            f"{dropoff_import.pk}\t\t{now}\t{now}\n"
            for first in (group[0] for group in groups)
        ),
    )
    ids = list(
        DropOff.objects.filter(imported_from=dropoff_import)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _copy_in(
        DropOffLine,
        LINE_COLUMNS,
        "".join(
            f"{pk}\t{number}\t{row.category_id}\t{row.weight_kg}\t{_copy_value(row.quantity)}\t"
            f"{row.unit.translate(COPY_ESCAPES)}\t{_copy_value(row.expiry_date)}\t"
            f"{row.destination}\n"
            for pk, group in zip(ids, groups, strict=True)
            for number, row in enumerate(group, start=1)
        ),
    )
    return ids


OUTCOME = ["status", "total_rows", "done_rows", "imported_lines", "problems", "finished_at"]


def run_import(
    *, dropoff_import_id: int, progress: Callable[[int], None] | None = None
) -> DropOffImport:
    """Check and write one import (safe to run twice: a finished import is left alone)."""
    with transaction.atomic():
        dropoff_import = DropOffImport.objects.select_for_update().get(pk=dropoff_import_id)
        if dropoff_import.status != ImportStatus.PENDING:
            return dropoff_import
        rows, problems = read_rows(bytes(dropoff_import.content))
        dropoff_import.total_rows = total = len(rows) + len(problems)
        dropoff_import.problems = [[line, message] for line, message in problems]
        if problems and not dropoff_import.skip_bad_rows:
            dropoff_import.status = ImportStatus.FAILED
        else:

            def report(done: int) -> None:
                cache.set(progress_key(dropoff_import), {"done": done, "total": total}, 3600)
                if progress:
                    progress(done)

            user = dropoff_import.created_by
            created = _write(dropoff_import, rows, user, report)
            for start in range(0, len(created), COMPUTE_BATCH):
                enqueue_after_commit(COMPUTE_IMPACT, created[start : start + COMPUTE_BATCH])
            dropoff_import.status = ImportStatus.DONE
            dropoff_import.imported_lines = len(rows)
        dropoff_import.done_rows = dropoff_import.total_rows
        dropoff_import.finished_at = timezone.now()
        # Not the file's content again: it is what was read.
        dropoff_import.save(update_fields=OUTCOME)
    return dropoff_import


def progress_of(dropoff_import: DropOffImport) -> dict[str, int]:
    """``done`` and ``total`` rows; a running import keeps them in the cache until it commits."""
    if dropoff_import.status != ImportStatus.PENDING:
        return {"done": dropoff_import.done_rows, "total": dropoff_import.total_rows}
    return cache.get(progress_key(dropoff_import)) or {"done": 0, "total": 0}
