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

import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from foodbank.accounts.models import User
from foodbank.districts.models import District
from worker.enqueue import enqueue_after_commit

from ..errors import DuplicateImport
from ..models import (
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
from .dropoffs import COMPUTE_IMPACT
from .impact import COMPUTE_BATCH
from .import_checks import CheckedFile, Line, check_file

WRITE_BATCH = 5000
#: Lines per COPY message on PostgreSQL; progress is reported after each.
COPY_BATCH = 50_000
#: After writing this many lines, PostgreSQL's statistics of the drop-off tables are
#: refreshed in the import's transaction, as its manual advises after a bulk load: the
#: impact tasks that follow at once then plan for the rows that are there.
ANALYZE_AFTER = 10_000


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


def _donor_ids(checked: CheckedFile) -> dict[str, int]:
    """Donors by folded name, creating the ones the file names for the first time."""
    known = {
        name.casefold(): pk
        for pk, name in Donor.objects.filter(name__in=checked.spellings)
        .order_by("pk")
        .values_list("pk", "name")
    }
    new = [
        Donor(
            name=name,
            donor_type=donor_type,
            kind=DonorKind.PERSON if donor_type == DonorType.HOUSEHOLD else DonorKind.ORGANISATION,
        )
        for folded, (name, donor_type) in checked.donors.items()
        if folded not in known
    ]
    for donor in Donor.objects.bulk_create(new, batch_size=WRITE_BATCH):
        known[donor.name.casefold()] = donor.pk
    return known


def _in_dropoff_order(lines: list[Line]) -> list[Line]:
    """The lines drop-off by drop-off (a stable sort, nearly free for files in that order)."""
    return sorted(lines, key=lambda line: line[0])


def _write(
    dropoff_import: DropOffImport,
    checked: CheckedFile,
    by: User | None,
    progress: Callable[[int], None],
) -> list[int]:
    """Write the drop-offs and their lines; returns the drop-offs' ids, ascending."""
    if not checked.lines:
        return []
    donors = _donor_ids(checked)
    if connection.vendor == "postgresql":
        ids = _copy(dropoff_import, checked, donors, by, progress)
        if len(checked.lines) >= ANALYZE_AFTER:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DropOff._meta.db_table}, {DropOffLine._meta.db_table}")
        return ids
    dropoffs = DropOff.objects.bulk_create(
        (
            DropOff(
                donor_id=donors[folded],
                district_id=district_id,
                status=DropOffStatus.RECEIVED,
                received_at=received.at,
                received_on=received.on,
                received_by=by,
                created_by=by,
                imported_from=dropoff_import,
            )
            for folded, district_id, received in checked.dropoffs
        ),
        batch_size=WRITE_BATCH,
    )
    lines, done = _in_dropoff_order(checked.lines), 0
    for start in range(0, len(lines), WRITE_BATCH):
        chunk = lines[start : start + WRITE_BATCH]
        DropOffLine.objects.bulk_create(
            DropOffLine(
                dropoff_id=dropoffs[index].pk,
                line_no=number,
                category_id=category_id,
                weight_kg=Decimal(weight),
                quantity=None if quantity is None else Decimal(quantity),
                unit=unit,
                expiry_date=None if expiry is None else date.fromisoformat(expiry),
                destination=destination,
            )
            for index, number, category_id, weight, quantity, unit, expiry, destination in chunk
        )
        done += len(chunk)
        progress(done)
    return [dropoff.pk for dropoff in dropoffs]


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


def _may_skip_triggers() -> bool:
    """Whether this database role may turn triggers off in its own transaction.

    A superuser may, and from PostgreSQL 15 a role granted ``SET`` on
    ``session_replication_role``.
    """
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:  # type: ignore[attr-defined]
            cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        else:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def _hold_referenced_rows(checked: CheckedFile, donors: dict[str, int], by: User | None) -> None:
    """Do once per table what the foreign keys' triggers do once per row.

    Every district, category, donor and user the new rows point to must exist and is held
    (``FOR KEY SHARE``, as the triggers take it) until the import commits. The import
    itself is already locked for update, and the lines point to drop-offs written in the
    same transaction.
    """
    referenced = [
        (District, checked.district_ids),
        (FoodCategory, checked.category_ids),
        (Donor, set(donors.values())),
        (User, {by.pk} if by else set()),
    ]
    with connection.cursor() as cursor:
        for model, ids in referenced:
            if not ids:
                continue
            cursor.execute(
                f"SELECT id FROM {model._meta.db_table} WHERE id = ANY(%s) FOR KEY SHARE",  # noqa: S608 - a model's table
                [sorted(ids)],
            )
            if len(cursor.fetchall()) != len(ids):
                raise IntegrityError(f"{model._meta.db_table}: a row was deleted during the import")


def _dropoff_ids(count: int) -> list[int]:
    """``count`` new drop-off ids from the table's sequence, in one statement, ascending."""
    table = DropOff._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def _batches(lines: list[Line], size: int) -> Iterator[list[Line]]:
    rest = iter(lines)
    while batch := list(islice(rest, size)):
        yield batch


def _lines_text(lines: list[Line], ids: list[int]) -> str:
    return "".join(
        f"{ids[index]}\t{number}\t{category}\t{weight}\t{quantity or NULL}\t"
        f"{unit and unit.translate(COPY_ESCAPES)}\t{expiry or NULL}\t{destination}\n"
        for index, number, category, weight, quantity, unit, expiry, destination in lines
    )


def _copy(
    dropoff_import: DropOffImport,
    checked: CheckedFile,
    donors: dict[str, int],
    by: User | None,
    progress: Callable[[int], None],
) -> list[int]:
    """PostgreSQL: write the drop-offs, then their lines, with COPY in COPY's text format.

    The drop-offs take their ids from the sequence in one statement first, so each line
    knows its drop-off's id as it is written. Only ``unit`` is free text (every other value
    is a number, a date or a checked code), so only ``unit`` is escaped.

    When the role may, the foreign keys' triggers are off while the rows go in: checking
    each row's five references one by one costs PostgreSQL more than writing the row.
    ``_hold_referenced_rows`` checks and holds them once per table instead; check
    constraints, unique indexes and NOT NULL apply as always.
    """
    ids = _dropoff_ids(len(checked.dropoffs))
    now, by_id = timezone.now().isoformat(), NULL if by is None else str(by.pk)
    tail = f"\t{by_id}\t{by_id}\t{dropoff_import.pk}\t\t{now}\t{now}\n"
    status = DropOffStatus.RECEIVED.value
    dropoffs = "".join(
        f"{pk}\t{donors[folded]}\t{district_id}\t{status}\t{received.copy_text}{tail}"
        for pk, (folded, district_id, received) in zip(ids, checked.dropoffs, strict=True)
    )
    skip_triggers = _may_skip_triggers()
    with connection.cursor() as cursor:
        if skip_triggers:
            _hold_referenced_rows(checked, donors, by)
            cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor
        with raw.copy(f"COPY {DropOff._meta.db_table} (id, {DROPOFF_COLUMNS}) FROM STDIN") as copy:
            copy.write(dropoffs)
        done = 0
        with raw.copy(f"COPY {DropOffLine._meta.db_table} ({LINE_COLUMNS}) FROM STDIN") as copy:
            for batch in _batches(_in_dropoff_order(checked.lines), COPY_BATCH):
                copy.write(_lines_text(batch, ids))
                done += len(batch)
                progress(done)
        if skip_triggers:
            cursor.execute("SET LOCAL session_replication_role = origin")
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
        checked = check_file(bytes(dropoff_import.content))
        rows, problems = checked.lines, checked.problems
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
            created = _write(dropoff_import, checked, user, report)
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
