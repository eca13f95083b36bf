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


def test_a_file_missing_columns_is_refused(tmp_path, districts):
    path = tmp_path / "bad.csv"
    path.write_text("date,kg\n2024-01-01,3\n")
    with pytest.raises(CommandError):
        run(str(path))
    assert DropOffImport.objects.get().problems == [
        [1, "missing column(s): received_on, district, donor, category, weight_kg"]
    ]
