"""Rollups stay equal to the lines, batch after batch; months stay the sum of their days;
summaries read whole months from them."""

import importlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.test import TestCase

from donors.models import (
    DonorActivityDaily,
    DonorActivityMonthly,
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffMonthly,
    DropOffStatus,
    ImpactDaily,
    ImpactMonthly,
    Methodology,
    MethodologyFactor,
)
from donors.selectors import ImpactFilter, impact_summary, rounded
from donors.services import dropoffs, rollups
from donors.services.dropoffs import log_dropoff
from donors.services.impact import compute_impact, recompute_impact
from donors.services.rollups import DONOR_SUMS
from tests.conftest import run_concurrently

from .factories import DonorFactory, category, line, received

BANGKOK = ZoneInfo("Asia/Bangkok")
#: Sums in SQLite are floating point; there, figures are compared as they are shown.
EXACT = connection.vendor == "postgresql"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=BANGKOK)


def same(first: Decimal | int | None, second: Decimal | int | None) -> bool:
    if EXACT or not isinstance(first, Decimal):
        return first == second
    return rounded(first) == rounded(second)


def months_summed_from_days() -> dict[str, dict[tuple, tuple]]:
    """Every monthly rollup as the daily rollups say it should be."""
    month = {"month": TruncMonth("day")}
    return {
        "impact": {
            (row["month"], row["district"], row["category"], row["methodology"]): (
                row["total_kg"],
                row["total_meals"],
                row["total_kgco2e"],
                row["lines"],
                row["dropoffs"],
            )
            for row in ImpactDaily.objects.values("district", "category", "methodology", **month)
            .annotate(
                total_kg=Sum("kg"),
                total_meals=Sum("meals"),
                total_kgco2e=Sum("kgco2e"),
                lines=Sum("line_count"),
                dropoffs=Sum("dropoff_count"),
            )
            .order_by()
        },
        "activity": {
            (row["month"], row["district"], row["category"], row["donor"]): (
                row["days"],
                *(row[f"total_{name}"] for name in DONOR_SUMS),
            )
            for row in DonorActivityDaily.objects.values("district", "category", "donor", **month)
            .annotate(days=Count("pk"), **{f"total_{name}": Sum(name) for name in DONOR_SUMS})
            .order_by()
        },
        "dropoffs": {
            (row["month"], row["district"]): (row["dropoffs"],)
            for row in DropOffDaily.objects.values("district", **month)
            .annotate(dropoffs=Sum("dropoff_count"))
            .order_by()
        },
    }


def months_kept() -> dict[str, dict[tuple, tuple]]:
    return {
        "impact": {
            (m.month, m.district_id, m.category_id, m.methodology_id): (
                m.kg,
                m.meals,
                m.kgco2e,
                m.line_count,
                m.dropoff_count,
            )
            for m in ImpactMonthly.objects.all()
        },
        "activity": {
            (m.month, m.district_id, m.category_id, m.donor_id): (
                m.day_count,
                *(getattr(m, name) for name in DONOR_SUMS),
            )
            for m in DonorActivityMonthly.objects.all()
        },
        "dropoffs": {
            (m.month, m.district_id): (m.dropoff_count,) for m in DropOffMonthly.objects.all()
        },
    }


def assert_months_are_the_sum_of_their_days() -> None:
    expected, kept = months_summed_from_days(), months_kept()
    for rollup, cells in expected.items():
        assert kept[rollup].keys() == cells.keys(), rollup
        for key, values in cells.items():
            assert all(map(same, kept[rollup][key], values)), (rollup, key)


@pytest.fixture
def spread(people):
    """Drop-offs over January to March 2026 in two districts, some on the same day."""
    first, second = DonorFactory(), DonorFactory()
    for donor, by, day, lines in [
        (first, people.staff_a, "2026-01-10", [line("bakery", "1.5"), line("dairy-eggs", "2")]),
        (second, people.staff_a, "2026-01-31", [line("bakery", "0.25")]),
        (first, people.staff_a, "2026-01-31", [line("bakery", "4")]),
        (first, people.staff_b, "2026-02-15", [line("meat-fish", "8.125")]),
        (second, people.staff_a, "2026-03-01", [line("bakery", "16")]),
        (second, people.staff_b, "2026-03-20", [line("dairy-eggs", "32.5")]),
    ]:
        received(donor=donor, by=by, lines=lines, at=at(day))
    return people


def test_monthly_rollups_are_the_sum_of_their_days(spread):
    assert_months_are_the_sum_of_their_days()
    january = ImpactMonthly.objects.get(
        month=date(2026, 1, 1), district=spread.district_a, category=category("bakery")
    )
    assert (january.kg, january.line_count, january.dropoff_count) == (Decimal("5.75"), 3, 3)
    assert (
        DropOffMonthly.objects.get(month=date(2026, 1, 1), district=spread.district_a).dropoff_count
        == 3
    )
    assert DonorActivityMonthly.objects.filter(month=date(2026, 1, 1)).count() == 3


def test_a_batch_over_several_months_keeps_each_month_the_sum_of_its_days(people):
    donor = DonorFactory()
    logged = [
        log_dropoff(
            donor=donor,
            district=by.district,
            received_at=at(day),
            lines=[line("bakery", "2.5"), line("rice-grains", "1")],
            by=by,
        )
        for by, day in [
            (people.staff_a, "2026-01-05"),
            (people.staff_b, "2026-01-05"),
            (people.staff_a, "2026-02-28"),
            (people.staff_a, "2026-04-01"),
        ]
    ]
    assert compute_impact(dropoff_ids=[dropoff.pk for dropoff in logged]) == 8
    assert_months_are_the_sum_of_their_days()
    before = months_kept()
    cells = set(DropOff.objects.values_list("received_on", "district_id"))
    rollups.refresh_rollups(cells=cells)
    assert months_kept() == before


def test_rebuilding_in_several_rounds_gives_the_same_rollups(spread, monkeypatch):
    before = months_kept()
    days = set(ImpactDaily.objects.values_list("day", "district", "category", "kg"))
    monkeypatch.setattr(rollups, "CELLS_PER_ROUND", 1)
    rollups.refresh_rollups(cells=set(DropOff.objects.values_list("received_on", "district_id")))
    assert set(ImpactDaily.objects.values_list("day", "district", "category", "kg")) == days
    assert months_kept() == before


def test_recomputing_moves_the_months_to_the_new_methodology(spread):
    wrap = Methodology.objects.create(
        name="WRAP 2026",
        effective_from=date(2026, 7, 1),
        meals_per_kg=Decimal("2.5"),
        kgco2e_per_kg=Decimal("2"),
    )
    recompute_impact(methodology=wrap, district=spread.district_a)
    assert_months_are_the_sum_of_their_days()
    in_a = ImpactMonthly.objects.filter(district=spread.district_a)
    assert set(in_a.values_list("methodology__name", flat=True)) == {"WRAP 2026"}
    assert not ImpactMonthly.objects.filter(line_count=0).exists()


def test_a_day_that_loses_its_drop_offs_leaves_no_empty_month(spread):
    march = DropOff.objects.filter(received_on=date(2026, 3, 20))
    cells = set(march.values_list("received_on", "district_id"))
    march.delete()
    rollups.refresh_rollups(cells=cells)
    assert not ImpactMonthly.objects.filter(month=date(2026, 3, 1), district=spread.district_b)
    assert not DropOffMonthly.objects.filter(month=date(2026, 3, 1), district=spread.district_b)
    assert not DonorActivityMonthly.objects.filter(day_count=0).exists()
    assert_months_are_the_sum_of_their_days()


def test_the_migration_sums_existing_days_into_months(spread):
    before = months_kept()
    for monthly in (ImpactMonthly, DonorActivityMonthly, DropOffMonthly):
        monthly.objects.all().delete()
    migration = importlib.import_module("donors.migrations.0004_monthly_rollups")
    migration.build_monthly_rollups(apps, None)
    importlib.import_module("donors.migrations.0008_donor_impact_rollup").fill_donor_sums(
        apps, None
    )
    assert_same_rollups(months_kept(), before)


def test_the_migration_fills_what_each_donor_gave_from_the_lines(many_dropoffs):
    compute_impact(dropoff_ids=[dropoff.pk for dropoff in many_dropoffs])
    before = rollups_kept()
    for rollup in (DonorActivityDaily, DonorActivityMonthly):
        rollup.objects.update(**dict.fromkeys(DONOR_SUMS, 0))
    migration = importlib.import_module("donors.migrations.0008_donor_impact_rollup")
    migration.fill_donor_sums(apps, None)
    assert_same_rollups(rollups_kept(), before)


def donors_from_lines() -> dict[tuple, tuple]:
    """What each donor gave per day, district and category, and their drop-offs per day and
    district, straight from the processed lines."""
    lines = DropOffLine.objects.filter(dropoff__status=DropOffStatus.PROCESSED)
    by_category = {
        (r["dropoff__received_on"], r["dropoff__district"], r["category"], r["dropoff__donor"]): (
            r["kg"],
            r["meals"],
            r["co2"],
            r["lines"],
            r["dropoffs"],
        )
        for r in lines.values(
            "dropoff__received_on", "dropoff__district", "category", "dropoff__donor"
        )
        .annotate(
            kg=Sum("weight_kg"),
            meals=Sum("meals"),
            co2=Sum("kgco2e"),
            lines=Count("pk"),
            dropoffs=Count("dropoff", distinct=True),
        )
        .order_by()
    }
    dropoffs = {
        (r["received_on"], r["district"], r["donor"]): (r["n"],)
        for r in DropOff.objects.filter(status=DropOffStatus.PROCESSED)
        .values("received_on", "district", "donor")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {"by category": by_category, "drop-offs": dropoffs}


def donors_kept() -> dict[tuple, tuple]:
    kept = DonorActivityDaily.objects.all()
    once = kept.values("day", "district", "donor").annotate(n=Sum("dropoff_count_once")).order_by()
    return {
        "by category": {
            (d.day, d.district_id, d.category_id, d.donor_id): (
                d.kg,
                d.meals,
                d.kgco2e,
                d.line_count,
                d.dropoff_count,
            )
            for d in kept
        },
        "drop-offs": {(r["day"], r["district"], r["donor"]): (r["n"],) for r in once},
    }


@pytest.mark.parametrize("batch", [1, 7, 36])
def test_what_each_donor_gave_equals_their_lines(many_dropoffs, batch):
    ids = [dropoff.pk for dropoff in many_dropoffs]
    for start in range(0, len(ids), batch):
        compute_impact(dropoff_ids=ids[start : start + batch])
    assert_same_rollups(donors_from_lines(), donors_kept())
    rollups.refresh_rollups(cells=set(DropOff.objects.values_list("received_on", "district_id")))
    assert_same_rollups(donors_from_lines(), donors_kept())


def summed_from_lines(where: ImpactFilter) -> dict:
    """The figures a summary must show, summed straight from the processed lines."""
    lines = DropOffLine.objects.filter(dropoff__status=DropOffStatus.PROCESSED)
    for lookup, value in [
        ("dropoff__received_on__gte", where.date_from),
        ("dropoff__received_on__lte", where.date_to),
        ("dropoff__district_id", where.district_id),
        ("category_id", where.category_id),
    ]:
        if value is not None:
            lines = lines.filter(**{lookup: value})
    return lines.aggregate(
        kg=Sum("weight_kg"),
        meals=Sum("meals"),
        kgco2e=Sum("kgco2e"),
        dropoffs=Count("dropoff", distinct=True),
        donors=Count("dropoff__donor", distinct=True),
    )


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (None, None),
        ("2026-01-01", "2026-03-31"),  # whole months only
        ("2026-01-15", "2026-03-10"),  # partial months at both ends around February
        ("2026-01-31", "2026-03-01"),  # one day of each partial month
        ("2026-01-20", "2026-02-27"),  # two partial months, no whole one
        ("2026-02-02", "2026-02-27"),  # inside one month
        ("2026-01-11", None),  # open end
        (None, "2026-02-20"),  # open start
        ("2026-03-31", "2026-01-01"),  # the wrong way round: nothing
    ],
)
@pytest.mark.parametrize("place", ["city", "district", "bakery"])
def test_summary_equals_the_lines_for_any_period(spread, date_from, date_to, place):
    where = ImpactFilter(
        date_from=date.fromisoformat(date_from) if date_from else None,
        date_to=date.fromisoformat(date_to) if date_to else None,
        district_id=spread.district_a.pk if place == "district" else None,
        category_id=category("bakery").pk if place == "bakery" else None,
    )
    summary, expected = impact_summary(where), summed_from_lines(where)
    assert summary.kg == (expected["kg"] or Decimal("0"))
    assert same(summary.meals, expected["meals"] or Decimal("0"))
    assert same(summary.kgco2e, expected["kgco2e"] or Decimal("0"))
    assert (summary.dropoffs, summary.donors) == (expected["dropoffs"], expected["donors"])
    assert summary.methodologies == (["BKK 2024 v1"] if expected["dropoffs"] else [])


def test_a_donor_in_a_partial_and_a_whole_month_is_counted_once(spread):
    summary = impact_summary(ImpactFilter(date_from=date(2026, 1, 15), date_to=date(2026, 3, 10)))
    assert summary.kg == Decimal("0.25") + Decimal("4") + Decimal("8.125") + Decimal("16")
    assert (summary.dropoffs, summary.donors) == (4, 2)


def test_one_batch_computes_each_drop_off_with_the_methodology_of_its_day(people):
    wrap = Methodology.objects.create(
        name="WRAP 2026",
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
    with TestCase.captureOnCommitCallbacks(execute=False):
        before, after = (
            log_dropoff(
                donor=DonorFactory(),
                district=people.district_a,
                received_at=at(day),
                lines=[line("meat-fish", "2"), line("bakery", "4")],
                by=people.staff_a,
            )
            for day in ("2026-06-30", "2026-07-01")
        )
    assert compute_impact(dropoff_ids=[before.pk, after.pk]) == 4
    figures = {
        (row.dropoff_id, row.category.slug): (row.meals, row.kgco2e, row.methodology.name)
        for row in DropOffLine.objects.select_related("category", "methodology")
    }
    assert figures[before.pk, "meat-fish"] == (Decimal("8.4"), Decimal("5.06"), "BKK 2024")
    assert figures[after.pk, "meat-fish"] == (Decimal("6"), Decimal("30"), "WRAP 2026")
    assert figures[after.pk, "bakery"] == (Decimal("10"), Decimal("8"), "WRAP 2026")
    assert_months_are_the_sum_of_their_days()


def test_an_empty_batch_computes_nothing_and_touches_no_rollup(spread):
    before = months_kept()
    assert compute_impact(dropoff_ids=[]) == 0
    rollups.refresh_rollups(cells=set())
    assert months_kept() == before


def rollups_kept() -> dict[str, dict[tuple, tuple]]:
    """Every rollup, daily and monthly, as it is stored."""
    return {
        **months_kept(),
        "impact by day": {
            (d.day, d.district_id, d.category_id, d.methodology_id): (
                d.kg,
                d.meals,
                d.kgco2e,
                d.line_count,
                d.dropoff_count,
            )
            for d in ImpactDaily.objects.all()
        },
        "activity by day": {
            (d.day, d.district_id, d.category_id, d.donor_id): tuple(
                getattr(d, name) for name in DONOR_SUMS
            )
            for d in DonorActivityDaily.objects.all()
        },
        "drop-offs by day": {
            (d.day, d.district_id): (d.dropoff_count,) for d in DropOffDaily.objects.all()
        },
    }


def assert_same_rollups(first: dict, second: dict) -> None:
    for rollup, cells in first.items():
        assert second[rollup].keys() == cells.keys(), rollup
        for key, values in cells.items():
            assert all(map(same, second[rollup][key], values)), (rollup, key)


def logged_without_computing(people, plan) -> list[DropOff]:
    """Drop-offs received as ``plan`` says, their impact tasks not run."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        return [
            log_dropoff(donor=donor, district=by.district, received_at=at(day), lines=lines, by=by)
            for donor, by, day, lines in plan
        ]


@pytest.fixture
def many_dropoffs(people):
    """Drop-offs that fall into the same cells from different batches: the same donor on the
    same day and category, the same day and district from other donors, a category twice in
    one drop-off, and months on both sides of a batch."""
    donors = [DonorFactory() for _ in range(3)]
    days = ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01"]
    slugs = ["bakery", "dairy-eggs", "meat-fish", "rice-grains"]
    plan = []
    for number in range(36):
        by = people.staff_a if number % 3 else people.staff_b
        lines = [line(slugs[number % 4], f"{number + 1}.125"), line("bakery", "0.001")]
        if number % 5 == 0:
            lines.append(line(slugs[number % 4], "2.5"))
        plan.append((donors[number % 3], by, days[number % 5], lines))
    return logged_without_computing(people, plan)


@pytest.mark.parametrize("batch", [1, 4, 7, 36])
def test_rollups_added_batch_by_batch_equal_a_rebuild_from_the_lines(many_dropoffs, batch):
    ids = [dropoff.pk for dropoff in many_dropoffs]
    computed = sum(
        compute_impact(dropoff_ids=ids[start : start + batch])
        for start in range(0, len(ids), batch)
    )
    assert computed == DropOffLine.objects.count()
    added = rollups_kept()
    cells = set(DropOff.objects.values_list("received_on", "district_id"))
    rollups.refresh_rollups(cells=cells)
    assert_same_rollups(rollups_kept(), added)
    assert_months_are_the_sum_of_their_days()
    bakery = ImpactFilter(category_id=category("bakery").pk)
    for where in (ImpactFilter(), bakery, ImpactFilter(date_from=date(2026, 1, 31))):
        summary, expected = impact_summary(where), summed_from_lines(where)
        assert same(summary.kg, expected["kg"])
        assert same(summary.meals, expected["meals"])
        assert (summary.dropoffs, summary.donors) == (expected["dropoffs"], expected["donors"])


def test_a_donor_giving_twice_on_a_day_counts_one_day_in_the_month(people):
    donor = DonorFactory()
    first, second = logged_without_computing(
        people, [(donor, people.staff_a, "2026-01-31", [line("bakery", "1")])] * 2
    )
    compute_impact(dropoff_ids=[first.pk])
    compute_impact(dropoff_ids=[second.pk])
    month = DonorActivityMonthly.objects.get()
    assert (month.month, month.donor_id, month.day_count) == (date(2026, 1, 1), donor.pk, 1)
    assert ImpactMonthly.objects.get().dropoff_count == 2


def test_a_batch_delivered_again_adds_nothing(many_dropoffs):
    ids = [dropoff.pk for dropoff in many_dropoffs[:10]]
    compute_impact(dropoff_ids=ids)
    before = rollups_kept()
    assert compute_impact(dropoff_ids=ids) == 0
    assert rollups_kept() == before


@pytest.mark.postgres
def test_batches_computed_at_once_over_the_same_cells_equal_a_rebuild(
    committed_db, people, monkeypatch
):
    # Committed for real, so no impact task may run when the drop-offs are logged.
    monkeypatch.setattr(dropoffs, "enqueue_after_commit", lambda *args, **kwargs: None)
    donors = [DonorFactory() for _ in range(2)]
    plan = [
        (donors[n % 2], people.staff_a, f"2026-01-{30 + n // 2 % 2}", [line("bakery", f"{n}.5")])
        for n in range(24)
    ]
    ids = [dropoff.pk for dropoff in logged_without_computing(people, plan)]
    batches = iter([ids[0::3], ids[1::3], ids[2::3], ids[::2]])

    def deliver():
        return compute_impact(dropoff_ids=next(batches))

    assert sum(run_concurrently(deliver, 4)) == 24
    added = rollups_kept()
    rollups.refresh_rollups(cells=set(DropOff.objects.values_list("received_on", "district_id")))
    assert rollups_kept() == added
    assert DonorActivityMonthly.objects.get(donor=donors[0]).day_count == 2
