from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Lot
from points.models import Redemption, Voucher, VoucherStatus
from points.services.cards import card_token, issue_card
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, voucher_token
from tests.inventory.factories import lot, rice

from .factories import household, recipient_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(people):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    account = recipient_login(
        household=home, username="pranee", password="a-long-enough-pass-1", by=people.staff_a
    )
    return home, bags, account


def test_a_recipient_chooses_items_and_sees_and_prints_the_qr_voucher(client, shop):
    home, bags, account = shop
    client.force_login(account)
    assert bags.name_th in client.get("/me/choose/").content.decode()
    made = client.post("/me/choose/", {f"qty-{bags.pk}": "2"})
    assert made.status_code == 302
    page = client.get(made["Location"])
    assert "<svg" in page.content.decode()
    printed = client.get(made["Location"] + "?print=1").content.decode()
    assert "@page { size: A6" in printed
    assert "Voucher" in printed
    assert "บัตรรับสินค้า" in printed
    home.refresh_from_db()
    assert home.balance == 20


def test_choosing_more_than_the_points_allow_says_so_and_changes_nothing(client, shop):
    _home, bags, account = shop
    client.force_login(account)
    answer = client.post("/me/choose/", {f"qty-{bags.pk}": "3"}, follow=True)
    assert b"100" in answer.content
    assert not Voucher.objects.exists()
    assert Lot.objects.get().reserved == 0


def test_the_counter_scans_confirms_and_hands_over_once(client, people, shop):
    _home, bags, account = shop
    client.force_login(account)
    client.post("/me/choose/", {f"qty-{bags.pk}": "1"})
    token = voucher_token(Voucher.objects.get())
    client.force_login(people.counter_a)
    seen = client.post("/counter/", {"code": token})
    assert seen.context["voucher"].pk == Voucher.objects.get().pk
    assert "Pranee" in seen.content.decode()
    client.post("/counter/redeem/", {"code": token, "counter": "Front desk"})
    again = client.post("/counter/redeem/", {"code": token}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Front desk" in again.content.decode()
    assert Redemption.objects.count() == 1
    assert Voucher.objects.get().status == VoucherStatus.REDEEMED


def test_a_walk_in_checks_out_with_the_household_card(client, people, shop):
    home, bags, _account = shop
    code = card_token(issue_card(household=home, by=people.staff_a))
    client.force_login(people.counter_a)
    basket = client.post("/counter/", {"code": code})
    assert basket.context["walk_in"] == code
    client.post("/counter/checkout/", {"card": code, f"qty-{bags.pk}": "1"})
    assert Voucher.objects.get().status == VoucherStatus.REDEEMED
    assert Lot.objects.get().on_hand == 2


def test_the_counter_page_serves_its_scanner_from_our_own_static_files(client, people):
    client.force_login(people.counter_a)
    text = client.get("/counter/").content.decode()
    assert "/static/vendor/jsqr/jsQR.js" in text
    assert "autofocus" in text


@pytest.mark.parametrize("role", ["donor", "recipient_a", "admin"])
def test_the_counter_is_only_for_counter_and_district_staff(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get("/counter/").status_code == 403


def test_the_households_page_lists_its_vouchers_for_staff(client, people, shop):
    home, bags, _account = shop
    mine = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    other_home = household(people.staff_a, head_name="Somchai Meesuk")
    grant_points(household=other_home, points=50, by=people.staff_a, reason="start")
    theirs = issue_voucher(household=other_home, choices=[Choice(bags, 1)], by=people.staff_a)
    client.force_login(people.staff_a)

    page = client.get(f"/households/{home.pk}/").content.decode()

    assert f'href="/vouchers/{mine.pk}/"' in page
    assert f'href="/vouchers/{theirs.pk}/"' not in page


def test_a_recipient_finds_what_we_hold_from_their_points_page(client, shop):
    _home, _bags, account = shop
    client.force_login(account)
    page = client.get("/me/").content.decode()
    assert 'href="/me/personal-data/"' in page
    assert client.get("/me/personal-data/").status_code == 200
