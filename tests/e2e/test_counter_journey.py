"""Counter staff hand over goods: a voucher scanned by a USB scanner into the field, a
walk-in household's card checked out in one step, and the whole counter by keyboard alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inventory.models import Lot
from points.models import Redemption, VoucherStatus
from points.services.cards import card_token, issue_card
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, voucher_token
from tests.inventory.factories import lot, rice
from tests.points.factories import household

from .journey import thai

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def counter_world(people):
    """Pranee's household with 100 points, three bags of rice, and a voucher for two."""
    home = household(people.staff_a, head_name="Pranee Sukjai")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    return home, bags, voucher


def test_a_voucher_typed_by_a_usb_scanner_is_handed_over_once(person, people, counter_world):
    _home, _bags, voucher = counter_world
    counter = person(locale="en-GB")
    counter.sign_in("counter_a")
    page = counter.follow("Counter")
    code = page.get_by_label("Scan a voucher or household card")
    expect(code).to_be_focused()
    code.fill(voucher_token(voucher))  # a USB scanner types the code and presses Enter
    code.press("Enter")
    expect(page.get_by_role("heading", name=f"Voucher {voucher.pk} for Pranee")).to_be_visible()
    counter.check()
    assert "2 \N{MULTIPLICATION SIGN} Jasmine rice 5 kg" in page.locator("main").inner_text()
    page.get_by_label("Counter", exact=True).fill("Desk 2")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_have_text("Handed over to Pranee.")
    counter.check()

    code.fill(voucher_token(voucher))
    code.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Already collected on")
    expect(page.get_by_role("status")).to_contain_text("at Desk 2")
    assert Redemption.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    assert Lot.objects.get().on_hand == 1


def test_a_walk_in_household_card_checks_out_in_one_step(person, people, counter_world):
    home, bags, _voucher = counter_world
    grant_points(household=home, points=60, by=people.staff_a, reason="walk-in")
    card = card_token(issue_card(household=home, by=people.staff_a))
    counter = person(locale="th-TH", phone=True)
    counter.sign_in("counter_a")
    page = counter.follow(thai("Counter"))
    code = page.get_by_label(thai("Scan a voucher or household card"))
    code.fill(card)
    code.press("Enter")
    expect(page.get_by_role("heading", name=thai("Choose items"))).to_be_visible()
    counter.check()
    page.get_by_label(bags.name_th).fill("1")
    page.get_by_role("button", name=thai("Hand over now")).click()
    expect(page.get_by_role("status")).to_have_text(thai("Handed over."))
    counter.check()
    home.refresh_from_db()
    assert home.balance == 160 - 2 * 40 - 40
    assert Lot.objects.get().on_hand == 2  # the voucher still holds the other two


def test_the_counter_works_by_keyboard_alone(person, people, counter_world):
    _home, _bags, voucher = counter_world
    counter = person(locale="th-TH")
    counter.sign_in("counter_a")
    page = counter.open("/counter/")
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    for _ in range(30):  # Tab through the header to the scan field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "code":
            break
    expect(page.get_by_label(thai("Scan a voucher or household card"))).to_be_focused()
    page.keyboard.type(voucher_token(voucher))
    page.keyboard.press("Enter")
    hand_over = page.get_by_role("button", name=thai("Hand over"), exact=True)
    expect(hand_over).to_be_focused()  # the next Enter confirms
    counter.check()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        thai("Handed over to %(name)s.") % {"name": "Pranee"}
    )
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
