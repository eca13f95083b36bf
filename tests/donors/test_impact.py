from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from donors.models import (
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffStatus,
    ImpactDaily,
    ImpactRecomputation,
    Methodology,
    MethodologyFactor,
)
from donors.selectors import ImpactFilter, impact_summary, rounded
from donors.services.impact import compute_impact, recompute_impact

from .factories import DonorFactory, category, line, received

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.mark.parametrize(
    ("kg", "meals", "kgco2e"),
    [
        ("1", "4.2", "2.53"),
        ("0.001", "0.0042", "0.00253"),
        ("20000", "84000", "50600"),
        ("19999.999", "83999.9958", "50599.99747"),
        ("0.333", "1.3986", "0.84249"),
    ],
)
def test_line_impact_is_the_exact_decimal_product(people, kg, meals, kgco2e):
    dropoff = received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", kg)])
    computed = dropoff.lines.get()
    assert (computed.meals, computed.kgco2e) == (Decimal(meals), Decimal(kgco2e))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.005", "0.01"),
        ("0.004999999", "0.00"),
        ("2.675", "2.68"),
        ("1.3986", "1.40"),
        ("83999.9958", "84000.00"),
        (None, "0.00"),
    ],
)
def test_figures_are_rounded_half_up_only_when_shown(value, shown):
    assert str(rounded(Decimal(value) if value else None)) == shown


def test_sum_of_unrounded_lines_differs_from_sum_of_rounded_lines(people):
    """Three lines of 0.001 kg: 0.0126 meals in all, where rounding each first gives 0."""
    donor = DonorFactory()
    received(donor=donor, by=people.staff_a, lines=[line("bakery", "0.001")] * 3)
    summary = impact_summary(ImpactFilter())
    assert summary.meals == Decimal("0.0126")
    assert rounded(summary.meals) == Decimal("0.01")
    assert summary.kgco2e == Decimal("0.00759")


def test_received_dropoff_is_computed_with_the_bkk_2024_default(people):
    donor = DonorFactory()
    dropoff = received(
        donor=donor, by=people.staff_a, lines=[line("bakery", "12.5"), line("rice-grains", "3")]
    )
    dropoff.refresh_from_db()
    assert dropoff.status == DropOffStatus.PROCESSED
    computed = {row.line_no: row for row in dropoff.lines.all()}
    assert computed[1].meals == Decimal("52.5")
    assert computed[1].kgco2e == Decimal("31.625")
    assert computed[2].methodology.label == "BKK 2024 v1"


def test_per_category_factors_override_the_default(people, admin_user_factors):
    donor = DonorFactory()
    dropoff = received(donor=donor, by=people.staff_a, lines=[line("meat-fish", "2")])
    row = dropoff.lines.get()
    assert (row.meals, row.kgco2e) == (Decimal("6.0"), Decimal("30.0"))
    assert row.methodology.name == "WRAP 2026"


def test_methodology_in_force_on_the_received_day_is_used(people, admin_user_factors):
    donor = DonorFactory()
    before = datetime(2026, 6, 30, 23, 30, tzinfo=BANGKOK)
    dropoff = received(donor=donor, by=people.staff_a, lines=[line("meat-fish", "2")], at=before)
    assert dropoff.lines.get().methodology.name == "BKK 2024"


def test_the_day_is_the_bangkok_calendar_day(people):
    donor = DonorFactory()
    late_evening_utc = datetime(2026, 3, 1, 18, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 in Bangkok
    dropoff = received(
        donor=donor, by=people.staff_a, lines=[line("bakery", "1")], at=late_evening_utc
    )
    assert dropoff.received_on == date(2026, 3, 2)
    assert ImpactDaily.objects.get().day == date(2026, 3, 2)


def test_computing_twice_changes_nothing(people):
    donor = DonorFactory()
    dropoff = received(donor=donor, by=people.staff_a, lines=[line("bakery", "10")])
    before = list(ImpactDaily.objects.values())
    stamp = dropoff.lines.get().computed_at
    assert compute_impact(dropoff_ids=[dropoff.pk]) == 0
    assert list(ImpactDaily.objects.values()) == before
    assert dropoff.lines.get().computed_at == stamp


def test_rollups_sum_lines_per_day_district_and_category(people):
    a, b = DonorFactory(), DonorFactory()
    received(donor=a, by=people.staff_a, lines=[line("bakery", "1.5"), line("bakery", "2")])
    received(donor=b, by=people.staff_a, lines=[line("bakery", "0.5"), line("dairy-eggs", "4")])
    received(donor=a, by=people.staff_b, lines=[line("bakery", "7")])
    bakery_a = ImpactDaily.objects.get(district=people.district_a, category=category("bakery"))
    assert (bakery_a.kg, bakery_a.line_count, bakery_a.dropoff_count) == (Decimal("4"), 3, 2)
    assert DropOffDaily.objects.get(district=people.district_a).dropoff_count == 2
    summary = impact_summary(ImpactFilter(district_id=people.district_a.pk))
    assert (summary.kg, summary.dropoffs, summary.donors) == (Decimal("8"), 2, 2)
    city = impact_summary(ImpactFilter())
    assert (city.kg, city.dropoffs, city.donors) == (Decimal("15"), 3, 2)
    assert city.meals == Decimal("15") * Decimal("4.2")
    assert city.methodologies == ["BKK 2024 v1"]


def test_recomputing_with_a_new_methodology_is_recorded(people, admin_user_factors):
    donor = DonorFactory()
    old_day = datetime(2026, 5, 1, 10, tzinfo=BANGKOK)
    received(donor=donor, by=people.staff_a, lines=[line("meat-fish", "2")], at=old_day)
    wrap = Methodology.objects.get(name="WRAP 2026")
    record = recompute_impact(methodology=wrap, by=people.admin, reason="adopt WRAP")
    assert record.lines_recomputed == 1
    assert ImpactRecomputation.objects.get().methodology == wrap
    summary = impact_summary(ImpactFilter())
    assert summary.meals == Decimal("6.0")
    assert summary.methodologies == ["WRAP 2026 v1"]


def test_database_refuses_a_line_over_20000_kg(people):
    dropoff = received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    with pytest.raises(IntegrityError), transaction.atomic():
        DropOffLine.objects.create(
            dropoff=dropoff,
            line_no=2,
            category=category("bakery"),
            weight_kg=Decimal("20000.001"),
            destination="forward",
        )


def test_database_refuses_impact_without_its_methodology(people):
    dropoff = received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    with pytest.raises(IntegrityError), transaction.atomic():
        DropOffLine.objects.filter(dropoff=dropoff).update(methodology=None)


@pytest.fixture
def admin_user_factors(db):
    """WRAP 2026 from 1 July 2026: 3 meals and 15 kgCO2e per kg of meat and fish."""
    wrap = Methodology.objects.create(
        name="WRAP 2026",
        version=1,
        effective_from=date(2026, 7, 1),
        meals_per_kg=Decimal("2.5"),
        kgco2e_per_kg=Decimal("2"),
    )
    MethodologyFactor.objects.create(
        methodology=wrap,
        category=category("meat-fish"),
        meals_per_kg=Decimal("3"),
        kgco2e_per_kg=Decimal("15"),
    )
    return wrap


def test_dropoff_received_before_any_methodology_waits(people):
    Methodology.objects.update(effective_from=date(2030, 1, 1))
    dropoff = received(
        donor=DonorFactory(),
        by=people.staff_a,
        lines=[line("bakery", "1")],
        at=datetime(2026, 1, 5, 9, tzinfo=BANGKOK) - timedelta(days=1),
    )
    dropoff.refresh_from_db()
    assert dropoff.status == DropOffStatus.RECEIVED
    assert DropOff.objects.filter(status=DropOffStatus.PROCESSED).count() == 0


def test_recompute_command_names_the_methodology_and_records_it(people, admin_user_factors):
    from io import StringIO

    from django.core.management import CommandError, call_command

    received(
        donor=DonorFactory(),
        by=people.staff_a,
        lines=[line("meat-fish", "1")],
        at=datetime(2026, 5, 1, 10, tzinfo=BANGKOK),
    )
    received(
        donor=DonorFactory(),
        by=people.staff_b,
        lines=[line("meat-fish", "1")],
        at=datetime(2026, 5, 1, 10, tzinfo=BANGKOK),
    )
    out = StringIO()
    call_command(
        "recompute_impact", methodology="WRAP 2026 v1", district="1001", reason="pilot", stdout=out
    )
    assert "Recomputed 1 line(s) with WRAP 2026 v1" in out.getvalue()
    record = ImpactRecomputation.objects.get()
    assert (record.district.code, record.reason) == ("1001", "pilot")
    meals = dict(ImpactDaily.objects.values_list("district__code", "meals"))
    assert meals == {"1001": Decimal("3"), "1006": Decimal("4.2")}
    with pytest.raises(CommandError, match="No methodology 'WRAP 2030 v1'"):
        call_command("recompute_impact", methodology="WRAP 2030 v1")
