"""A week at the food bank, through the pages alone: district staff log a drop-off, a
recipient makes a voucher, the counter hands it over, and the city's administrator reads the
drop-off's meals and kgCO2e and the voucher's redemption on the dashboard, then looks after
methodologies, policies, users and the period report."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from donors.services.donors import register_donor
from points.models import Voucher
from points.services.ledger import grant_points
from points.services.vouchers import voucher_token
from tests.accounts.factories import TEST_PASSWORD
from tests.inventory.factories import lot, rice
from tests.points.factories import household, recipient_login

from .journey import thai

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def city(people):
    """A donor, a household with a login and 100 points, and rice in Phra Nakhon's store."""
    register_donor(name="Siam Bakery", kind="organisation", donor_type="manufacturer")
    home = household(people.staff_a, head_name="Malee Rakdee")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    recipient_login(household=home, username="malee", password=TEST_PASSWORD, by=people.staff_a)
    lot(rice(people.admin), people.staff_a, "5", timezone.localdate() + timedelta(days=30))


def test_the_dashboard_shows_a_new_dropoff_and_a_redeemed_voucher(person, people, city):
    # District staff log 10 kg of cooked meals passed straight on (Thai, at a desk).
    staff = person(locale="th-TH")
    staff.sign_in("staff_a")
    page = staff.follow(thai("Log a drop-off"))
    page.get_by_label(thai("Donor")).select_option(label="Siam Bakery")
    page.get_by_label(thai("Category")).select_option("cooked-meals")
    page.get_by_label(thai("Weight (kg)")).fill("10")
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_role("status")).to_be_visible()
    staff.check()

    # The recipient makes a voucher for a bag of rice (English, on a phone).
    recipient = person(locale="en-GB", phone=True)
    recipient.sign_in("malee")
    recipient.follow("Choose items")
    recipient.page.get_by_label("Jasmine rice 5 kg").fill("1")
    recipient.page.get_by_role("button", name="Make my voucher").click()
    expect(recipient.page.get_by_role("img", name="QR code of the voucher")).to_be_visible()
    voucher = Voucher.objects.get()

    # The counter scans it (a USB scanner types what the QR code holds) and hands over.
    counter = person(locale="en-GB")
    counter.sign_in("counter_a")
    page = counter.follow("Counter")
    page.get_by_label("Scan a voucher or household card").fill(voucher_token(voucher))
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_have_text("Handed over to Malee.")

    # The administrator's dashboard: 10 kg x 4.2 meals and x 2.53 kgCO2e (BKK 2024); 40
    # points redeemed.
    admin = person(locale="en-GB")
    admin.sign_in("admin")
    page = admin.follow("Impact")
    headline = page.get_by_role("region", name="Headline figures")
    for figure, label in (
        ("10.00", "kg donated"),
        ("42.00", "meals"),
        ("25.30", "kgCO2e avoided"),
        ("1", "drop-offs"),
        ("40", "points redeemed"),
    ):
        expect(headline.get_by_role("link", name=f"{figure} {label}", exact=True)).to_be_visible()

    page.get_by_role("link", name="Period report").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    admin.check()
    expect(page.locator("main")).to_contain_text("42.00")

    page = admin.follow("Methodologies")
    page.get_by_role("link", name="BKK 2024").first.click()
    admin.check()
    page.get_by_role("link", name="New version from this one").click()
    admin.check()

    page = admin.follow("Points policy")
    expect(page.locator("main")).to_contain_text("500")  # the city's approval threshold
    admin.follow("Users")
    expect(page.get_by_role("link", name="counter_a")).to_be_visible()
