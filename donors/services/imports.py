"""Importing historical drop-offs from the city's spreadsheets (CSV, one row per line).

Columns: ``received_on`` (date, or date and time), ``district`` (official code), ``donor``
(name; new names become donors), ``category`` (slug, Thai or English name), ``weight_kg``;
optional ``donor_type``, ``destination`` (default ``forward``), ``expiry_date``,
``quantity``, ``unit`` and ``dropoff_ref``. Rows with the same ``dropoff_ref`` (or, without
one, the same day, district and donor) make one drop-off.

Every row is checked; a file with any bad row imports nothing unless the import was asked
to take the good rows. Writing happens in one transaction (on PostgreSQL, batch by batch
as the rows are checked, rolled back if a bad row turns up); the impact is computed by
tasks after it commits.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter

import redis
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from foodbank.accounts.models import Role, User
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
from .import_checks import CheckedFile, FileCheck, Line

WRITE_BATCH = 5000
#: Lines per COPY on PostgreSQL (checked while the one before is written); progress is
#: reported after each.
COPY_BATCH = 50_000
#: After writing this many lines, PostgreSQL's statistics of the drop-off tables are
#: refreshed in the import's transaction, as its manual advises after a bulk load: the
#: impact tasks that follow at once then plan for the rows that are there.
ANALYZE_AFTER = 10_000
#: An import still waiting this long after its upload is queued again: its task was never
#: sent (broker down) or was lost. A second task for the same import does nothing.
LOST_AFTER = timedelta(minutes=5)
#: An import still waiting after this many runs began (each stopped before the end), or this
#: long after its upload, is given up: refused, so that its file may be uploaded again.
MAX_ATTEMPTS = 3
GIVE_UP_AFTER = timedelta(days=1)
IMPORT_DROPOFFS = "worker.tasks.import_dropoffs"
FILE_ONCE = "donors_dropoffimport_file_once"  # the constraint that a file is imported once

log = logging.getLogger(__name__)


def start_import(
    *, file_name: str, content: bytes, by: User | None, skip_bad_rows: bool = False
) -> DropOffImport:
    """Record an uploaded file; the same file (by content) is refused a second time."""
    digest = hashlib.sha256(content).hexdigest()
    duplicate = DuplicateImport(fields={"file": [str(DuplicateImport.default_message)]})
    if DropOffImport.objects.filter(sha256=digest).exclude(status=ImportStatus.FAILED).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return DropOffImport.objects.create(
                file_name=file_name[:255],
                sha256=digest,
                content=content,
                skip_bad_rows=skip_bad_rows,
                created_by=by,
            )
    except IntegrityError as error:
        if FILE_ONCE not in str(error):
            raise
        raise duplicate from error  # the same file uploaded at the same moment


def progress_key(dropoff_import: DropOffImport) -> str:
    return f"dropoff-import:{dropoff_import.pk}:done"


def _keep_progress(dropoff_import: DropOffImport, done: int, total: int) -> None:
    """Progress is for the import's page only: a cache that fails does not stop the import."""
    try:
        cache.set(progress_key(dropoff_import), {"done": done, "total": total}, 3600)
    except redis.RedisError as error:
        log.warning("Import %s: progress not kept (%s).", dropoff_import.pk, type(error).__name__)


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


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for the duration (back as it was after).

    An import builds hundreds of thousands of tuples of strings and numbers, never a cycle;
    the collector would walk them again and again as they pile up, for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Refused(Exception):
    """A file with bad rows, not to be imported: what was already written is rolled back."""


def _write(
    dropoff_import: DropOffImport, check: FileCheck, progress: Callable[[int], None]
) -> list[int]:
    """Check the file and write its drop-offs and lines; returns the drop-offs' ids.

    Raises ``_Refused`` (after checking every row) when the file has bad rows and the
    import was not asked to take the good ones.
    """
    if connection.vendor == "postgresql":
        return _stream(dropoff_import, check, progress)
    checked, by = check.file, dropoff_import.created_by
    check.check()
    if checked.problems and not dropoff_import.skip_bad_rows:
        raise _Refused
    if not checked.lines:
        return []
    donors = _donor_ids(checked)
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
    lines, done = sorted(checked.lines, key=itemgetter(0)), 0
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


@contextmanager
def _triggers_off(cursor: CursorWrapper, off: bool) -> Iterator[None]:
    """Foreign keys' triggers off in this transaction while the block runs, if ``off``.

    Put back as they were when the block ends, however it returns: the rest of the
    transaction (the import's own record, or a caller's work) is checked as always. When the
    block raises, the savepoint it runs in is rolled back, and the setting with it.
    """
    if not off:
        yield
        return
    cursor.execute("SELECT current_setting('session_replication_role')")
    (before,) = cursor.fetchone()
    cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])


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


def _lines_text(lines: list[Line], ids: list[int]) -> str:
    return "".join(
        f"{ids[index]}\t{number}\t{category}\t{weight}\t{quantity or NULL}\t"
        f"{unit and unit.translate(COPY_ESCAPES)}\t{expiry or NULL}\t{destination}\n"
        for index, number, category, weight, quantity, unit, expiry, destination in lines
    )


def _stream(
    dropoff_import: DropOffImport, check: FileCheck, progress: Callable[[int], None]
) -> list[int]:
    """PostgreSQL: COPY each batch of lines while the next batch is checked, then the drop-offs.

    The server takes one batch while Python checks the next: on two cores the two overlap.
    Each batch's new drop-offs take their ids from the sequence before its lines go, so a
    line knows its drop-off's id as it is written; the drop-offs themselves go last, when
    every donor is known (the foreign keys are checked at commit, or below). Values are in
    COPY's text format; only ``unit`` is free text (every other value is a number, a date
    or a checked code), so only ``unit`` is escaped.

    When the role may, the foreign keys' triggers are off while the rows go in: checking
    each row's references one by one costs PostgreSQL more than writing the row.
    ``_hold_referenced_rows`` checks and holds them once per table instead; check
    constraints, unique indexes and NOT NULL apply as always.
    """
    checked, by = check.file, dropoff_import.created_by
    skip_triggers, written = _may_skip_triggers(), 0
    ids: list[int] = []
    with connection.cursor() as cursor, _triggers_off(cursor, skip_triggers):
        more = check.check(COPY_BATCH)
        while not checked.problems or dropoff_import.skip_bad_rows:
            ids += _dropoff_ids(len(checked.dropoffs) - len(ids))
            batch = checked.lines[written:]
            with cursor.cursor.copy(
                f"COPY {DropOffLine._meta.db_table} ({LINE_COLUMNS}) FROM STDIN"
            ) as copy:
                copy.write(_lines_text(batch, ids))
                more = more and check.check(COPY_BATCH)
            written += len(batch)
            progress(written)
            if not more and written == len(checked.lines):
                break
        else:
            while check.check(COPY_BATCH):
                pass
        # The last check may have found bad rows and no good one after them.
        if checked.problems and not dropoff_import.skip_bad_rows:
            raise _Refused
        if not checked.lines:
            return []
        donors = _donor_ids(checked)
        if skip_triggers:
            _hold_referenced_rows(checked, donors, by)
        now, by_id = timezone.now().isoformat(), NULL if by is None else str(by.pk)
        tail = f"\t{by_id}\t{by_id}\t{dropoff_import.pk}\t\t{now}\t{now}\n"
        status = DropOffStatus.RECEIVED.value
        with cursor.cursor.copy(
            f"COPY {DropOff._meta.db_table} (id, {DROPOFF_COLUMNS}) FROM STDIN"
        ) as copy:
            copy.write(
                "".join(
                    f"{pk}\t{donors[folded]}\t{district}\t{status}\t{received.copy_text}{tail}"
                    for pk, (folded, district, received) in zip(ids, checked.dropoffs, strict=True)
                )
            )
    if written >= ANALYZE_AFTER:
        # What the impact tasks that follow read the new rows by.
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE {DropOff._meta.db_table} (status, received_at), "
                f"{DropOffLine._meta.db_table} (dropoff_id)"
            )
    return ids


OUTCOME = ["status", "total_rows", "done_rows", "imported_lines", "problems", "finished_at"]


def _own_district(by: User | None) -> int | None:
    """District staff import their own district's drop-offs; admins and the command line
    import any district's."""
    if by is None or by.role == Role.ADMIN:
        return None
    return by.district_id


def run_import(
    *, dropoff_import_id: int, progress: Callable[[int], None] | None = None
) -> DropOffImport:
    """Check and write one import, all of it or nothing.

    Safe to run twice: an import no longer waiting, or one another run is writing, is left
    alone. Each run that begins is counted first, in a transaction of its own, so that an
    import whose runs keep stopping (a worker killed) is given up by the sweep.
    """
    if not _begin_run(dropoff_import_id):
        return DropOffImport.objects.get(pk=dropoff_import_id)
    with transaction.atomic():
        dropoff_import = _waiting(dropoff_import_id).first()
        if dropoff_import is None:  # another run took it in the meantime
            return DropOffImport.objects.get(pk=dropoff_import_id)
        content = bytes(dropoff_import.content)
        # Rows are counted as they are checked; until then, the file's lines are the guess.
        estimate = max(content.count(b"\n"), 1)

        def report(done: int) -> None:
            _keep_progress(dropoff_import, done, estimate)
            if progress:
                progress(done)

        check = FileCheck(content, only_district_id=_own_district(dropoff_import.created_by))
        try:
            with transaction.atomic(), _without_cycle_collection():
                created = _write(dropoff_import, check, report)
        except _Refused:
            dropoff_import.status = ImportStatus.FAILED
        else:
            for start in range(0, len(created), COMPUTE_BATCH):
                enqueue_after_commit(COMPUTE_IMPACT, created[start : start + COMPUTE_BATCH])
            dropoff_import.status = ImportStatus.DONE
            dropoff_import.imported_lines = len(check.file.lines)
        problems = check.file.problems
        dropoff_import.problems = [[line, message] for line, message in problems]
        dropoff_import.total_rows = dropoff_import.done_rows = len(check.file.lines) + len(problems)
        dropoff_import.finished_at = timezone.now()
        # Not the file's content again: it is what was read.
        dropoff_import.save(update_fields=OUTCOME)
    return dropoff_import


def progress_of(dropoff_import: DropOffImport) -> dict[str, int]:
    """``done`` and ``total`` rows; a running import keeps them in the cache until it commits
    (none known while the cache does not answer)."""
    if dropoff_import.status != ImportStatus.PENDING:
        return {"done": dropoff_import.done_rows, "total": dropoff_import.total_rows}
    try:
        kept = cache.get(progress_key(dropoff_import))
    except redis.RedisError:
        kept = None
    return kept or {"done": 0, "total": 0}


def _waiting(dropoff_import_id: int) -> QuerySet[DropOffImport]:
    """The import if it is waiting and no other run holds it, locked until the commit."""
    return DropOffImport.objects.select_for_update(skip_locked=True).filter(
        pk=dropoff_import_id, status=ImportStatus.PENDING
    )


def _hopeless(now: datetime) -> Q:
    """Imports begun ``MAX_ATTEMPTS`` times or waiting longer than ``GIVE_UP_AFTER``."""
    return Q(attempts__gte=MAX_ATTEMPTS) | Q(created_at__lt=now - GIVE_UP_AFTER)


def _begin_run(dropoff_import_id: int) -> bool:
    """Count a run of a waiting import; False when it is not waiting, another run has it, or
    it is hopeless (given up here: a task put back each time its worker dies never waits
    for the sweep)."""
    now = timezone.now()
    with transaction.atomic():
        hopeless = ExpressionWrapper(_hopeless(now), output_field=BooleanField())
        found = _waiting(dropoff_import_id).values_list(hopeless, flat=True).first()
        if found is None:
            return False
        if found:
            DropOffImport.objects.filter(pk=dropoff_import_id).update(
                status=ImportStatus.FAILED, finished_at=now
            )
            return False
        DropOffImport.objects.filter(pk=dropoff_import_id).update(attempts=F("attempts") + 1)
    return True


def give_up(dropoff_import_id: int) -> bool:
    """Refuse a waiting import that no run is writing (its run was stopped), so that its
    file may be uploaded again; whether it was."""
    with transaction.atomic():
        if not _waiting(dropoff_import_id).only("pk").exists():
            return False
        DropOffImport.objects.filter(pk=dropoff_import_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
    return True


def sweep_waiting_imports(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again the imports waiting longer than ``LOST_AFTER``, and give up the ones
    begun ``MAX_ATTEMPTS`` times or waiting longer than ``GIVE_UP_AFTER``."""
    now = now or timezone.now()
    waiting = DropOffImport.objects.filter(
        status=ImportStatus.PENDING, created_at__lt=now - LOST_AFTER
    ).order_by("pk")
    hopeless = _hopeless(now)
    stuck = list(waiting.filter(hopeless).values_list("pk", flat=True))
    given_up = sum(give_up(pk) for pk in stuck)
    queued = list(waiting.exclude(hopeless).values_list("pk", flat=True))
    for pk in queued:
        enqueue_after_commit(IMPORT_DROPOFFS, pk)
    return {"queued": len(queued), "given_up": given_up}
