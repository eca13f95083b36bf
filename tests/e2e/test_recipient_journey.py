"""A recipient, on a phone in Thai, first replaces the password staff gave her, then sees the
balance, chooses items, and shows or prints the voucher's QR code."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points.models import Voucher, VoucherStatus
from points.services.households import create_recipient_login
from points.services.ledger import grant_points
from tests.accounts.factories import TEST_PASSWORD
from tests.inventory.factories import lot, rice, soap
from tests.points.factories import household

from .journey import thai

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shelf(people):
    """Malee's household with 100 points and a login; rice and soap in the district's store."""
    home = household(people.staff_a, head_name="Malee Rakdee")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    create_recipient_login(
        household=home, username="malee", password=TEST_PASSWORD, by=people.staff_a
    )
    expiry = timezone.localdate() + timedelta(days=30)
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "5", expiry)
    lot(bars, people.staff_a, "20", expiry)
    return home, bags, bars


def test_a_recipient_chooses_items_and_shows_the_voucher(person, people, shelf):
    _home, bags, bars = shelf
    recipient = person(locale="th-TH", phone=True)
    recipient.sign_in("malee")
    page = recipient.page
    expect(page.get_by_role("heading", name=thai("Change your password"))).to_be_visible()
    page.get_by_label(thai("Current password")).fill(TEST_PASSWORD)
    page.locator("#id_new_password").fill("malee-chose-this-one")
    page.get_by_label(thai("New password again")).fill("malee-chose-this-one")
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_role("status")).to_contain_text(thai("Your password is changed."))
    recipient.check()
    page = recipient.follow(thai("My points"))
    balance = page.locator(".figures div", has_text=thai("points to spend"))
    expect(balance.locator("strong")).to_have_text("100")

    page.get_by_role("link", name=thai("Choose items")).first.click()
    recipient.check()
    page.get_by_label(bags.name_th).fill("3")  # 120 points: more than she has
    page.get_by_role("button", name=thai("Make my voucher")).click()
    expect(page.get_by_role("status")).to_contain_text("100")
    recipient.check()
    assert not Voucher.objects.exists()

    page.get_by_label(bags.name_th).fill("2")
    page.get_by_label(bars.name_th).fill("2")
    page.get_by_role("button", name=thai("Make my voucher")).click()
    voucher = Voucher.objects.get()
    expect(page.get_by_role("heading", name=f"{thai('Voucher')} {voucher.pk}")).to_be_visible()
    recipient.check()
    expect(page.get_by_role("img", name=thai("QR code of the voucher"))).to_be_visible()
    last_day = voucher.expires_on
    expect(page.locator("main")).to_contain_text(str(last_day.year + 543))
    assert voucher.points == 2 * 40 + 2 * 5
    assert voucher.status == VoucherStatus.ISSUED

    page.get_by_role("link", name=thai("Print")).click()
    expect(page.get_by_role("img", name="QR")).to_be_visible()
    recipient.check()
    expect(page.locator("body")).to_contain_text(
        last_day.strftime(f"%-d/%-m/{last_day.year + 543}")
    )

    recipient.open("/me/")
    expect(balance.locator("strong")).to_have_text("10")
    expect(page.get_by_role("link", name=f"{thai('Voucher')} {voucher.pk}")).to_be_visible()
