"""The dashboard's figures equal what the ledgers and lines say."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from donors.models import DropOffLine
from donors.selectors import ImpactFilter
from foodbank.dashboard import selectors
from foodbank.dashboard.models import DistributionHousehold
from foodbank.dashboard.services import record_households_reached
from foodbank.errors import ApplicationError
from points.models import EntryKind, PointsEntry, Voucher
from points.services.ledger import correct_entry
from tests.points.factories import household, national_id

from .factories import FIRST, KG, build_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(people):
    return build_city(people)


def _everywhere() -> ImpactFilter:
    return ImpactFilter(date_from=FIRST)


def test_surplus_figures_equal_the_sum_of_the_lines(city):
    figures = selectors.dashboard_figures(_everywhere())
    lines = DropOffLine.objects.aggregate(
        kg=Sum("weight_kg"), meals=Sum("meals"), co2=Sum("kgco2e")
    )
    assert figures.impact.kg == lines["kg"] == KG
    assert (figures.impact.meals, figures.impact.kgco2e) == (lines["meals"], lines["co2"])
    assert (figures.impact.dropoffs, figures.impact.donors) == (3, 2)
    assert figures.impact.people_reached == 1500


def test_points_figures_equal_the_ledger(city):
    figures = selectors.dashboard_figures(_everywhere())
    granted = PointsEntry.objects.filter(kind=EntryKind.GRANT).aggregate(n=Sum("points"))["n"]
    redeemed = Voucher.objects.filter(redemption__isnull=False).aggregate(n=Sum("points"))["n"]
    assert (figures.points_granted, figures.points_redeemed) == (granted, redeemed) == (200, 80)


def test_a_correction_to_a_grant_counts_against_points_granted(city):
    grant = PointsEntry.objects.get(household=city.h2, kind=EntryKind.GRANT)
    correct_entry(entry=grant, points=-30, by=city.people.staff_a, reason="typed too many")
    assert selectors.points_granted(_everywhere()) == 170


def test_a_household_reached_both_ways_counts_once(city):
    helped = selectors.households_helped(_everywhere())
    assert (helped.from_store, helped.by_surplus, helped.once) == (1, 2, 2)


def test_households_and_points_follow_the_place(city):
    east = ImpactFilter(date_from=FIRST, district_id=city.people.district_b.pk)
    helped = selectors.households_helped(east)
    assert (helped.from_store, helped.by_surplus, helped.once) == (0, 0, 0)
    assert (selectors.points_granted(east), selectors.points_redeemed(east)) == (0, 0)


def test_store_figures_are_left_out_when_a_category_is_chosen(city):
    from tests.donors.factories import category

    figures = selectors.dashboard_figures(
        ImpactFilter(date_from=FIRST, category_id=category("bakery").pk)
    )
    assert figures.impact.kg == Decimal("1254.567")
    assert (figures.households, figures.points_granted, figures.points_redeemed) == (None,) * 3


def test_the_period_is_the_citys_calendar(city):
    march = ImpactFilter(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    figures = selectors.dashboard_figures(march)
    assert figures.impact.kg == Decimal("1239.567")
    assert figures.households is not None
    assert (figures.households.from_store, figures.households.by_surplus) == (0, 2)
    assert figures.points_redeemed == 0


def test_every_district_is_ranked_even_with_nothing(city):
    rows = selectors.by_district(_everywhere())
    assert len(rows) == 50
    assert [(row.rank, row.key, row.kg) for row in rows[:3]] == [
        (1, "1001", Decimal("1239.567")),
        (2, "1006", Decimal("20")),
        (3, "1002", Decimal("0")),
    ]
    assert [row.rank for row in rows] == list(range(1, 51))


def test_series_by_month_week_group_and_category(city):
    where = _everywhere()
    assert [(row.key, row.kg) for row in selectors.by_month(where)] == [
        ("2025-03", Decimal("1239.567")),
        ("2025-04", Decimal("20")),
    ]
    assert [(row.key, row.kg) for row in selectors.by_week(where)] == [
        ("2025-03-10", Decimal("1234.567")),
        ("2025-03-17", Decimal("5")),
        ("2025-03-31", Decimal("20")),
    ]
    groups = selectors.by_group(where)
    assert len(groups) == 6
    assert [(row.key, row.kg) for row in groups[:2]] == [
        ("central", Decimal("1239.567")),
        ("east", Decimal("20")),
    ]
    assert {row.key: row.kg for row in selectors.by_category(where)} == {
        "bakery": Decimal("1254.567"),
        "dairy-eggs": Decimal("5"),
    }


def test_stock_cover_suggests_a_transfer_from_spare_stock_to_unmet_points(city):
    cover = selectors.stock_cover(city.people.admin)
    by_code = {row.district.code: row for row in cover.districts}
    assert (by_code["1001"].outstanding_points, by_code["1001"].stock_points) == (120, 0)
    assert (by_code["1006"].outstanding_points, by_code["1006"].stock_points) == (0, 200)
    assert cover.districts[0].district.code == "1001"  # the shortest first
    assert [(t.from_district.code, t.to_district.code, t.points) for t in cover.transfers] == [
        ("1006", "1001", 120)
    ]


def test_suggestions_stay_within_the_group_first(people, districts):
    from points.services.ledger import grant_points
    from tests.accounts.factories import UserFactory
    from tests.inventory.factories import lot, rice

    staff_c = UserFactory(role="district_staff", district=districts["1002"])  # central
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_b, "5")  # east: 200 points of rice
    lot(bags, staff_c, "1")  # central: 40 points of rice
    transfers = selectors.stock_cover(people.admin).transfers
    assert [(t.from_district.code, t.points, t.same_group) for t in transfers] == [
        ("1002", 40, True),
        ("1006", 60, False),
    ]


def test_district_staff_see_their_own_cover_and_transfers(city):
    cover = selectors.stock_cover(city.people.staff_b)
    assert [row.district.code for row in cover.districts] == ["1006"]
    assert len(cover.transfers) == 1


def test_an_unknown_national_id_records_no_household(city):
    before = DistributionHousehold.objects.count()
    unknown = national_id()
    with pytest.raises(ValidationError) as refused:
        record_households_reached(
            distribution=city.distribution,
            national_ids=[city.h1_id, unknown, "123"],
            by=city.people.staff_a,
        )
    problems = refused.value.message_dict["national_ids"]
    assert len(problems) == 2
    assert unknown not in " ".join(problems)  # the number is masked
    assert DistributionHousehold.objects.count() == before


def test_recording_a_household_twice_keeps_one_record(city):
    record_households_reached(
        distribution=city.distribution, national_ids=[city.h1_id], by=city.people.staff_a
    )
    assert city.distribution.households_reached.count() == 2


def test_another_districts_staff_may_not_record_households(city):
    with pytest.raises(ApplicationError):
        record_households_reached(
            distribution=city.distribution, national_ids=[city.h1_id], by=city.people.staff_b
        )
