"""A small city for the dashboard tests, made through the services the product uses.

Surplus (fixed past dates, so every figure below is known):
- 1001 Phra Nakhon (central), 10 March 2025: Donor A 1,234.567 kg bakery (forwarded).
- 1001, 20 March 2025: Donor B 5 kg dairy-eggs.
- 1006 Bang Kapi (east), 5 April 2025: Donor A 20 kg bakery.
- 1001, 12 March 2025: a distribution reaching 1,500 people, among them households H1 and H2.

Store (today): H1 in 1001 is granted 100 points and collects a voucher of 2 bags of rice
(80 points); H2 in 1001 is granted 100 points and collects nothing; 1006 holds 5 bags of
rice (200 points) and no household.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from donors.models import Distribution
from donors.services.distributions import record_distribution
from foodbank.dashboard.services import record_households_reached
from points.models import Household, Voucher
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, redeem_voucher, voucher_token
from tests.donors.factories import DonorFactory, category, line, received
from tests.inventory.factories import lot, rice
from tests.points.factories import household, national_id

BANGKOK = ZoneInfo("Asia/Bangkok")
KG = Decimal("1259.567")
FIRST = date(2025, 1, 1)  # the period of the tests runs from here to today


@dataclass
class City:
    people: object
    h1: Household
    h2: Household
    h1_id: str
    h2_id: str
    voucher: Voucher
    distribution: Distribution
    query: dict


def at_ten(day: date) -> datetime:
    """Ten in the morning of ``day``, in Bangkok."""
    return datetime(day.year, day.month, day.day, 10, tzinfo=BANGKOK)


def build_city(people) -> City:
    first, second = DonorFactory(name="Chinatown Noodles"), DonorFactory(name="Somchai Jaidee")
    staff_a, staff_b = people.staff_a, people.staff_b
    received(
        donor=first, by=staff_a, lines=[line("bakery", "1234.567")], at=at_ten(date(2025, 3, 10))
    )
    received(
        donor=second, by=staff_a, lines=[line("dairy-eggs", "5")], at=at_ten(date(2025, 3, 20))
    )
    received(donor=first, by=staff_b, lines=[line("bakery", "20")], at=at_ten(date(2025, 4, 5)))
    distribution = record_distribution(
        district=people.district_a,
        distributed_on=date(2025, 3, 12),
        recipient_group="Wat Chana community",
        people_reached=1500,
        lines=[(category("bakery"), Decimal("100"))],
        by=staff_a,
    )
    h1_id, h2_id = national_id(), national_id()
    h1 = household(staff_a, number=h1_id, head_name="Pranee Sukjai", phone="0812345678")
    h2 = household(staff_a, number=h2_id, head_name="Boonmee Rakdee", phone="0898765432")
    record_households_reached(distribution=distribution, national_ids=[h1_id, h2_id], by=staff_a)
    grant_points(household=h1, points=100, by=staff_a, reason="start")
    grant_points(household=h2, points=100, by=staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, staff_a, "2")
    lot(bags, staff_b, "5")
    voucher = issue_voucher(household=h1, choices=[Choice(bags, 2)], by=staff_a)
    redeem_voucher(token=voucher_token(voucher), by=people.counter_a)
    query = {"date_from": FIRST.isoformat(), "date_to": timezone.localdate().isoformat()}
    return City(people, h1, h2, h1_id, h2_id, voucher, distribution, query)
