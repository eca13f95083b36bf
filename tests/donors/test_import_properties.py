"""The drop-off import over generated files: whatever is uploaded, every row is imported or
named by its line and column, and nothing crashes.
"""

import csv
import hashlib
import io

import pytest
from django.test import TestCase
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from donors.models import DropOff, DropOffImport, DropOffLine, ImportStatus
from donors.services.import_checks import OPTIONAL, REQUIRED, FileCheck
from donors.services.imports import run_import, start_import

pytestmark = pytest.mark.django_db
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
COLUMNS = (*REQUIRED, "destination", "expiry_date", "quantity")
#: The order the check reads a row's cells in: a row with several bad cells is named by the
#: first of them.
CHECK_ORDER = (
    "district",
    "category",
    "donor",
    "weight_kg",
    "destination",
    "expiry_date",
    "received_on",
    "quantity",
)
#: For each column, cells the check takes and cells it refuses.
CELLS = {
    "received_on": (
        ["2024-03-01", "2024-03-02T18:30:00", " 2024-03-03 "],
        ["01/03/2024", "2099-01-01", "2024-02-30", ""],
    ),
    "district": (["1001", " 1001"], ["9999", "", "10 01"]),
    "donor": (["Siam Bakery", "ร้านข้าวแกง"], ["", "   "]),
    "category": (["bakery", "Rice and grains", "ผักและผลไม้"], ["caviar", ""]),
    "weight_kg": (
        ["12.5", "1,200", "0.001", "19999.999"],
        ["-2", "1.0001", "20001", "oops", "", "NaN", "1e400"],
    ),
    "destination": (["", "stock", "forward"], ["moon"]),
    "expiry_date": (["", "2024-05-01"], ["tomorrow", "2024-13-01"]),
    "quantity": (["", "3", "2.5"], ["x", "-1", "1e20"]),
}


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _checked(content: bytes):
    check = FileCheck(content)
    while check.check(7):  # a few records at a time, as the PostgreSQL import reads them
        pass
    return check.file


@st.composite
def rows_with_known_faults(draw):
    """Rows whose every cell is known good or known bad; each with the column it should be
    refused for (None when every cell is good)."""
    rows, faults = [], []
    for _ in range(draw(st.integers(1, 6))):
        row, bad = [], []
        for column in COLUMNS:
            good, refused = CELLS[column]
            if draw(st.integers(0, 7)) == 0:
                row.append(draw(st.sampled_from(refused)))
                bad.append(column)
            else:
                row.append(draw(st.sampled_from(good)))
        rows.append(row)
        faults.append(min(bad, key=CHECK_ORDER.index) if bad else None)
    return rows, faults


@PROPERTY
@given(rows_with_known_faults())
def test_each_bad_row_is_named_by_its_line_and_first_bad_column(districts, drawn):
    rows, faults = drawn
    with translation.override("en"):
        checked = _checked(_csv(list(COLUMNS), rows))
    expected = [(line, column) for line, column in enumerate(faults, start=2) if column]
    assert [(line, problem.split(":")[0]) for line, problem in checked.problems] == expected
    assert len(checked.lines) == faults.count(None)


@PROPERTY
@given(st.binary(max_size=400))
@example(b"\xff\xfe")
@example(b"received_on,district,donor,category,weight_kg\n")
@example(b"received_on,district,donor,category,weight_kg\n\x00,\x00,\x00,\x00,\x00\n")
def test_any_bytes_are_read_into_lines_or_problems_and_never_crash(districts, content):
    checked = _checked(content)
    assert checked.lines or checked.problems
    for line, problem in checked.problems:
        assert line >= 1
        assert problem


@PROPERTY
@given(
    st.lists(
        st.lists(st.text(max_size=12), min_size=len(COLUMNS), max_size=len(COLUMNS)),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_in_any_cell_is_imported_or_named_by_column(districts, rows):
    with translation.override("en"):
        checked = _checked(_csv(list(COLUMNS), rows))
    named = {problem.split(":")[0] for _line, problem in checked.problems}
    whole_file = {
        "the file has no rows",
        "the file contains NUL characters, which no column can hold",
    }
    assert named <= {*REQUIRED, *OPTIONAL, *whole_file}
    filled = [row for row in rows if any(row)]
    assert len(checked.lines) + len(checked.problems) >= min(len(filled), 1)


@PROPERTY
@given(
    donor=st.text(min_size=1, max_size=30),
    unit=st.text(max_size=30),
    reference=st.text(max_size=30),
)
@example(donor="Siam\x00Bakery", unit="\x00", reference="\x00")
@example(donor="Siam\tBakery", unit="\\N", reference="a\nb")
def test_free_text_cells_are_stored_as_written_or_refused_never_a_crash(
    people, donor, unit, reference
):
    """Names, units and references are the file's free text: they go in (on PostgreSQL by
    COPY) or the row is refused with its reason; the import always finishes."""
    header = [*REQUIRED, "unit", "dropoff_ref"]
    content = _csv(header, [["2024-03-01", "1001", donor, "bakery", "2.5", unit, reference]])
    if DropOffImport.objects.filter(sha256=hashlib.sha256(content).hexdigest()).exists():
        return  # the same file twice is refused before it is read (tested elsewhere)
    before = DropOffLine.objects.count()
    with translation.override("en"), TestCase.captureOnCommitCallbacks(execute=True):
        started = start_import(file_name="free-text.csv", content=content, by=people.staff_a)
        finished = run_import(dropoff_import_id=started.pk)
    assert finished.status in (ImportStatus.DONE, ImportStatus.FAILED)
    if finished.status == ImportStatus.FAILED:
        assert finished.problems
        assert DropOffLine.objects.count() == before
        return
    line = DropOffLine.objects.latest("pk")
    assert line.unit == unit.strip()[:30]
    given_by = DropOff.objects.select_related("donor").get(pk=line.dropoff_id).donor
    assert given_by.name.casefold() == donor.strip()[:200].casefold()
