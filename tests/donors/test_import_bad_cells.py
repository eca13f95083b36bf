"""Imports: cells no calendar or column can hold, and bad rows the PostgreSQL path must not
let through."""

import pytest
from django.core.management import CommandError

from donors.models import Donor, DropOff, DropOffImport, DropOffLine, ImportStatus

from .test_import import GOOD, csv_file, run

FULL = "received_on,district,donor,category,weight_kg,expiry_date,quantity\n"


def test_dates_that_do_not_exist_are_bad_rows_not_a_crash(tmp_path, districts):
    path = tmp_path / "dates.csv"
    path.write_text(
        FULL
        + "2024-03-01,1001,Siam Bakery,bakery,1,,\n"
        + "2024-02-30,1001,Siam Bakery,bakery,1,,\n"
        + "2024-03-01 25:00,1001,Siam Bakery,bakery,1,,\n"
        + "2024-03-01,1001,Siam Bakery,bakery,1,2024-13-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="3 bad row"):
        run(str(path))
    problems = dict(DropOffImport.objects.get().problems)
    assert problems[3].startswith("received_on")
    assert problems[4].startswith("received_on")
    assert problems[5].startswith("expiry_date")
    assert not DropOff.objects.exists()


@pytest.mark.parametrize("quantity", ["1e12", "1000000000", "99999999999999999999"])
def test_a_quantity_the_column_cannot_hold_is_a_bad_row(tmp_path, districts, quantity):
    path = tmp_path / "quantity.csv"
    path.write_text(FULL + f"2024-03-01,1001,Siam Bakery,bakery,1,,{quantity}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 bad row"):
        run(str(path))
    assert dict(DropOffImport.objects.get().problems)[2].startswith("quantity")
    assert not DropOffLine.objects.exists()


@pytest.mark.postgres
@pytest.mark.parametrize("skip_triggers", [True, False], ids=["triggers-off", "triggers-on"])
def test_bad_rows_after_the_last_good_batch_still_import_nothing(
    tmp_path, districts, monkeypatch, skip_triggers
):
    from donors.services import imports

    monkeypatch.setattr(imports, "_may_skip_triggers", lambda: skip_triggers)
    monkeypatch.setattr(imports, "COPY_BATCH", 2)
    rows = [*GOOD[:4], "2024-03-01,1001,Siam Bakery,restaurant,bakery,oops,,"]
    with pytest.raises(CommandError, match="1 bad row"):
        run(str(csv_file(tmp_path, rows)))
    assert DropOffImport.objects.get().status == ImportStatus.FAILED
    assert not DropOffLine.objects.exists()
    assert not DropOff.objects.exists()
    assert not Donor.objects.exists()


@pytest.mark.postgres
def test_triggers_are_back_on_after_an_import_that_took_no_row(tmp_path, districts, monkeypatch):
    from django.db import connection

    from donors.services import imports

    monkeypatch.setattr(imports, "_may_skip_triggers", lambda: True)
    path = csv_file(tmp_path, ["2024-03-01,9999,Siam Bakery,restaurant,bakery,1,,"])
    out, _err = run(str(path), "--skip-bad-rows")
    assert "Imported 0 line(s)" in out
    # Still in the test's transaction, where a SET LOCAL would linger.
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)
