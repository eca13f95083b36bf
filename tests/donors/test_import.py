import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from donors.models import Donor, DropOff, DropOffImport, DropOffLine, DropOffStatus, ImportStatus
from donors.selectors import ImpactFilter, impact_summary

HEADER = "received_on,district,donor,donor_type,category,weight_kg,destination,dropoff_ref\n"
GOOD = [
    "2024-03-01,1001,Siam Bakery,restaurant,bakery,12.5,,",
    "2024-03-01,1001,Siam Bakery,restaurant,ผักและผลไม้,3.250,stock,",
    "2024-03-01,1006,Siam Bakery,restaurant,Rice and grains,1000,,",
    '2024-03-02T18:30:00,1001,Khlong Toei Market,market,dairy-eggs,"1,200",,R-9',
    "2024-03-03,1001,Khlong Toei Market,market,bakery,1,,R-9",
]


def csv_file(tmp_path, rows, name="history.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(*args, **kwargs):
    out, err = StringIO(), StringIO()
    with translation.override("en"), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import_dropoffs", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_grouped_into_dropoffs_and_computed(tmp_path, districts):
    out, _err = run(str(csv_file(tmp_path, GOOD)))
    assert "Imported 5 line(s)" in out
    assert DropOff.objects.count() == 3  # 1001 Siam, 1006 Siam, and the R-9 reference
    assert set(Donor.objects.values_list("name", flat=True)) == {
        "Siam Bakery",
        "Khlong Toei Market",
    }
    siam = DropOff.objects.get(district__code="1001", donor__name="Siam Bakery")
    assert [line.category.slug for line in siam.lines.all()] == ["bakery", "fruit-vegetables"]
    referenced = DropOff.objects.get(donor__name="Khlong Toei Market")
    assert referenced.lines.count() == 2
    assert DropOffLine.objects.get(weight_kg=Decimal("1200")).category.slug == "dairy-eggs"
    assert not DropOff.objects.exclude(status=DropOffStatus.PROCESSED).exists()
    assert impact_summary(ImpactFilter()).kg == Decimal("2216.75")
    assert DropOffImport.objects.get().status == ImportStatus.DONE


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line(tmp_path, districts):
    rows = [
        *GOOD[:2],
        "2024-03-01,9999,Siam Bakery,restaurant,bakery,1,,",
        "2024-03-01,1001,Siam Bakery,restaurant,caviar,1,,",
        "2024-03-01,1001,Siam Bakery,restaurant,bakery,-2,,",
        "2024-03-01,1001,Siam Bakery,restaurant,bakery,1.0001,,",
        "2099-01-01,1001,Siam Bakery,restaurant,bakery,1,,",
        "01/03/2024,1001,Siam Bakery,restaurant,bakery,1,,",
        "2024-03-01,1001,Siam Bakery,restaurant,bakery,20001,,",
    ]
    with pytest.raises(CommandError, match="7 bad row"):
        run(str(csv_file(tmp_path, rows)))
    assert not DropOff.objects.exists()
    assert not Donor.objects.exists()
    problems = dict(DropOffImport.objects.get().problems)
    assert problems[4].startswith("district")
    assert problems[5].startswith("category")
    assert problems[6].startswith("weight_kg")
    assert problems[7].startswith("weight_kg: at most 3 decimal")
    assert problems[8].startswith("received_on: the date cannot be in the future")
    assert problems[9].startswith("received_on")
    assert problems[10].startswith("weight_kg: at most 20000")


def test_good_rows_are_imported_when_asked(tmp_path, districts):
    rows = [GOOD[0], "2024-03-01,9999,Siam Bakery,restaurant,bakery,1,,"]
    out, err = run(str(csv_file(tmp_path, rows)), skip_bad_rows=True)
    assert "line 3: district" in err
    assert "Imported 1 line(s); 1 bad row(s) skipped" in out
    assert DropOffLine.objects.count() == 1


def test_the_same_file_is_not_imported_twice(tmp_path, districts):
    path = csv_file(tmp_path, GOOD)
    run(str(path))
    with pytest.raises(CommandError, match="already been imported"):
        run(str(path))
    assert DropOffLine.objects.count() == 5


def test_a_refused_file_may_be_imported_again_taking_the_good_rows(tmp_path, districts):
    """As the refused import's page says: nothing was written, so the file is not a duplicate."""
    path = csv_file(tmp_path, [GOOD[0], "2024-03-01,9999,Siam Bakery,restaurant,bakery,1,,"])
    with pytest.raises(CommandError, match="1 bad row"):
        run(str(path))
    out, _err = run(str(path), skip_bad_rows=True)
    assert "Imported 1 line(s)" in out
    statuses = DropOffImport.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == [ImportStatus.FAILED, ImportStatus.DONE]
    with pytest.raises(CommandError, match="already been imported"):
        run(str(path), skip_bad_rows=True)
    assert DropOffLine.objects.count() == 1


class StoppedByHand(StringIO):
    """Output that stops the command (as Ctrl-C does) when it reports rows written."""

    def write(self, text: str) -> int:
        if "rows written" in text:
            raise KeyboardInterrupt
        return super().write(text)


def test_an_import_stopped_on_the_command_line_writes_nothing_and_may_run_again(
    tmp_path, districts
):
    path = csv_file(tmp_path, GOOD)
    with pytest.raises(KeyboardInterrupt):
        call_command("import_dropoffs", str(path), stdout=StoppedByHand())
    assert DropOffImport.objects.get().status == ImportStatus.FAILED  # not left to the sweep
    assert DropOff.objects.count() == 0
    out, _err = run(str(path))
    assert "Imported 5 line(s)" in out


def test_a_file_missing_columns_is_refused(tmp_path, districts):
    path = tmp_path / "bad.csv"
    path.write_text("date,kg\n2024-01-01,3\n")
    with pytest.raises(CommandError):
        run(str(path))
    assert DropOffImport.objects.get().problems == [
        [1, "missing column(s): received_on, district, donor, category, weight_kg"]
    ]


def test_problems_name_the_line_a_row_ends_on_past_wrapped_cells_and_blank_lines(
    tmp_path, districts
):
    path = tmp_path / "wrapped.csv"
    path.write_text(
        "received_on,district,donor,category,weight_kg,unit\n"
        '2024-03-01,1001,Siam Bakery,bakery,1,"tray\nof twelve"\n'
        "\n"
        "2024-03-01,9999,Siam Bakery,bakery,1,\n"
        "\n\n"
        "2024-03-01,1001,Siam Bakery,bakery,0,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2 bad row"):
        run(str(path))
    assert DropOffImport.objects.get().problems == [
        [5, "district: unknown code “9999”"],
        [8, "weight_kg: must be more than 0"],
    ]
    assert not DropOffLine.objects.exists()


def test_units_keep_tabs_backslashes_and_line_breaks(tmp_path, districts):
    units = ["tray\tof 12", "box \\ crate", "sack\nlarge", "กล่อง"]
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["received_on", "district", "donor", "category", "weight_kg", "unit"])
        for unit in units:
            writer.writerow(["2024-03-01", "1001", "Siam Bakery", "bakery", "1.5", unit])
    run(str(path))
    assert list(DropOffLine.objects.order_by("line_no").values_list("unit", flat=True)) == units
    assert DropOff.objects.get().lines.count() == 4


@pytest.mark.postgres
def test_a_large_import_refreshes_the_planner_statistics_before_its_tasks_run(
    tmp_path, districts, monkeypatch
):
    from django.db import connection

    from donors.services import imports

    monkeypatch.setattr(imports, "ANALYZE_AFTER", len(GOOD))
    run(str(csv_file(tmp_path, GOOD)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'donors_dropoffline'")
        assert cursor.fetchone() == (len(GOOD),)


def test_cells_are_read_without_the_spaces_around_them(tmp_path, districts):
    rows = [
        " 2024-03-01 , 1001 , Siam Bakery , restaurant , bakery , 12.5 ,  ,  ",
        "2024-03-01,1001,Siam Bakery,restaurant,Bakery,2,stock,",
        "2024-03-02,1001,Siam Bakery,restaurant,bakery, 0.250 , , ",
    ]
    out, _err = run(str(csv_file(tmp_path, rows)))
    assert "Imported 3 line(s)" in out
    assert DropOff.objects.count() == 2  # a blank reference groups by day, district and donor
    first = DropOff.objects.get(received_on="2024-03-01")
    assert list(first.lines.values_list("line_no", "weight_kg", "destination")) == [
        (1, Decimal("12.5"), "forward"),
        (2, Decimal("2"), "stock"),
    ]
    assert Donor.objects.get().donor_type == "restaurant"


def _imported_rows():
    dropoffs = list(
        DropOff.objects.order_by("pk").values_list(
            "donor__name", "district__code", "status", "received_at", "received_on"
        )
    )
    lines = list(
        DropOffLine.objects.order_by("dropoff_id", "line_no").values_list(
            "line_no",
            "category__slug",
            "weight_kg",
            "quantity",
            "unit",
            "expiry_date",
            "destination",
        )
    )
    return dropoffs, lines


FULL_HEADER = (
    "received_on,district,donor,donor_type,category,weight_kg,destination,expiry_date,"
    "quantity,unit,dropoff_ref\n"
)
FULL_ROWS = [
    "2024-03-01,1001,Siam Bakery,restaurant,bakery,12.5,,2024-03-04,24,loaf,",
    '2024-03-02T18:30:00+07:00,1006,Khlong Toei Market,market,dairy-eggs,"1,200",stock,,,,R-9',
    "2024-03-01,1001,Siam Bakery,restaurant,fruit-vegetables,0.001,,,,tray\tof 12,",
    "2024-03-03,1001,Khlong Toei Market,market,bakery,20000,,,1.5,box \\ crate,R-9",
]


@pytest.mark.postgres
@pytest.mark.parametrize("skip_triggers", [True, False], ids=["triggers-off", "triggers-on"])
def test_postgresql_writes_the_same_rows_as_the_plain_path(
    tmp_path, districts, monkeypatch, skip_triggers
):
    from donors.services import imports

    path = tmp_path / "full.csv"
    path.write_text(FULL_HEADER + "\n".join(FULL_ROWS) + "\n", encoding="utf-8")
    monkeypatch.setattr(imports, "_may_skip_triggers", lambda: skip_triggers)
    monkeypatch.setattr(imports, "COPY_BATCH", 1)
    with TestCase.captureOnCommitCallbacks(execute=False):
        imports.run_import(
            dropoff_import_id=imports.start_import(
                file_name="full.csv", content=path.read_bytes(), by=None
            ).pk
        )
    copied = _imported_rows()
    DropOffLine.objects.all().delete()
    DropOff.objects.all().delete()
    DropOffImport.objects.all().delete()

    monkeypatch.setattr(imports.connection, "vendor", "sqlite")  # the ORM path
    with TestCase.captureOnCommitCallbacks(execute=False):
        imports.run_import(
            dropoff_import_id=imports.start_import(
                file_name="full.csv", content=path.read_bytes(), by=None
            ).pk
        )
    assert copied == _imported_rows()
    assert len(copied[1]) == 4
    assert copied[1][1][4] == "tray\tof 12"


@pytest.mark.postgres
def test_postgresql_keeps_its_triggers_on_after_an_import(tmp_path, districts):
    from django.db import connection

    run(str(csv_file(tmp_path, GOOD)))
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)


@pytest.mark.postgres
def test_an_import_is_refused_when_a_row_it_points_to_is_gone(tmp_path, districts, monkeypatch):
    from django.db import IntegrityError

    from donors.services import imports

    real_donor_ids = imports._donor_ids

    def donor_ids_and_one_deleted(checked):
        return {**real_donor_ids(checked), "deleted meanwhile": 10**9}

    monkeypatch.setattr(imports, "_may_skip_triggers", lambda: True)
    monkeypatch.setattr(imports, "_donor_ids", donor_ids_and_one_deleted)
    with pytest.raises(IntegrityError, match="donors_donor"):
        run(str(csv_file(tmp_path, GOOD)))
    assert not DropOffLine.objects.exists()


def test_progress_is_reported_as_lines_are_written(tmp_path, districts, monkeypatch):
    from donors.services import imports

    monkeypatch.setattr(imports, "COPY_BATCH", 2)
    monkeypatch.setattr(imports, "WRITE_BATCH", 2)
    out, _err = run(str(csv_file(tmp_path, GOOD)))
    assert [line for line in out.splitlines() if "rows written" in line] == [
        "  2 rows written",
        "  4 rows written",
        "  5 rows written",
    ]


def test_a_bad_row_after_lines_were_written_still_imports_nothing(tmp_path, districts, monkeypatch):
    from donors.services import imports

    monkeypatch.setattr(imports, "COPY_BATCH", 2)
    rows = [*GOOD, "2024-03-01,1001,Siam Bakery,restaurant,bakery,oops,,"]
    with pytest.raises(CommandError, match="1 bad row"):
        run(str(csv_file(tmp_path, rows)))
    assert DropOffImport.objects.get().problems == [[7, "weight_kg: “oops” is not a number"]]
    assert not DropOffLine.objects.exists()
    assert not DropOff.objects.exists()
    assert not Donor.objects.exists()
