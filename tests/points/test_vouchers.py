from datetime import timedelta

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from inventory.errors import NotEnoughStock
from inventory.models import Lot
from points import qr, tokens
from points.errors import (
    AlreadyRedeemed,
    CardRevoked,
    InsufficientPoints,
    LimitReached,
    NotYourHousehold,
    VoucherClosed,
    WrongDistrict,
)
from points.models import EntryKind, HouseholdLimit, PointsEntry, VoucherStatus
from points.services.cards import card_token, issue_card
from points.services.keys import rotate_signing_key
from points.services.ledger import grant_points
from points.services.vouchers import (
    Choice,
    cancel_voucher,
    checkout,
    expire_vouchers,
    issue_voucher,
    redeem_voucher,
    voucher_token,
)
from tests.inventory.factories import lot, rice, soap

from .factories import household

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + timedelta(days=30)


@pytest.fixture
def shop(people):
    """A household of district A with 100 points, and rice (40) and soap (5) on the shelf."""
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "3", SOON)
    lot(bars, people.staff_a, "10")
    return home, bags, bars


def _on_hand():
    return sorted((each.item.name_en, each.on_hand, each.reserved) for each in Lot.objects.all())


def test_issuing_debits_points_and_reserves_stock_together(people, shop):
    home, bags, bars = shop
    voucher = issue_voucher(
        household=home, choices=[Choice(bags, 2), Choice(bars, 3)], by=people.staff_a
    )
    home.refresh_from_db()
    assert (voucher.points, home.balance) == (95, 5)
    assert _on_hand() == [("Jasmine rice 5 kg", 3, 2), ("Soap", 10, 3)]


def test_not_enough_points_changes_nothing(people, shop):
    home, bags, _bars = shop
    with pytest.raises(InsufficientPoints):
        issue_voucher(household=home, choices=[Choice(bags, 3)], by=people.staff_a)
    home.refresh_from_db()
    assert home.balance == 100
    assert _on_hand() == [("Jasmine rice 5 kg", 3, 0), ("Soap", 10, 0)]


def test_an_item_no_longer_available_is_named_and_nothing_changes(people, shop):
    home, _bags, bars = shop
    grant_points(household=home, points=100, by=people.staff_a, reason="more")
    with pytest.raises(NotEnoughStock) as refused:
        issue_voucher(household=home, choices=[Choice(bars, 11)], by=people.staff_a)
    assert bars.name in refused.value.message
    home.refresh_from_db()
    assert home.balance == 200
    assert not PointsEntry.objects.filter(kind=EntryKind.VOUCHER_DEBIT).exists()


def test_a_recipient_chooses_only_for_their_own_household(people, shop):
    home, bags, _bars = shop
    with pytest.raises(NotYourHousehold):
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.recipient_a)
    with pytest.raises(NotYourHousehold):
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_b)


def test_a_voucher_is_redeemed_once_and_the_second_scan_says_when_and_by_whom(people, shop):
    home, bags, _bars = shop
    voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    token = voucher_token(voucher)
    redeem_voucher(token=token, by=people.counter_a, counter="Counter 1")
    assert _on_hand()[0] == ("Jasmine rice 5 kg", 1, 0)
    with pytest.raises(AlreadyRedeemed) as again:
        redeem_voucher(token=token, by=people.counter_a, counter="Counter 2")
    assert "Counter 1" in again.value.message
    assert _on_hand()[0] == ("Jasmine rice 5 kg", 1, 0)


def test_a_voucher_is_redeemed_only_at_its_own_districts_counters(people, shop):
    home, bags, _bars = shop
    token = voucher_token(
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    )
    for outsider in (people.counter_b, people.staff_b, people.recipient_a, people.admin):
        with pytest.raises(WrongDistrict):
            redeem_voucher(token=token, by=outsider)


@pytest.mark.parametrize("position", [1, 9, 20, 40, 60])
def test_a_tampered_token_is_refused(people, shop, position):
    home, bags, _bars = shop
    token = voucher_token(
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    )
    raw = bytearray(tokens.unb64(token))
    raw[position] ^= 0x01
    with pytest.raises(tokens.InvalidToken):
        redeem_voucher(token=tokens.b64(bytes(raw)), by=people.counter_a)


@pytest.mark.parametrize("junk", ["", "hello", "A" * 130, "!!!!"])
def test_junk_is_refused_as_an_invalid_code(people, junk):
    with pytest.raises(tokens.InvalidToken):
        redeem_voucher(token=junk, by=people.counter_a)


def test_a_token_signed_by_an_unknown_key_is_refused(people, shop):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    home, bags, _bars = shop
    voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    payload, _sig = tokens.split(voucher_token(voucher))[1:]
    forged = tokens.join(payload, Ed25519PrivateKey.generate().sign(payload))
    with pytest.raises(tokens.InvalidToken):
        redeem_voucher(token=forged, by=people.counter_a)


def test_old_keys_keep_verifying_after_a_rotation(people, shop):
    home, bags, bars = shop
    before = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    new_key = rotate_signing_key()
    after = issue_voucher(household=home, choices=[Choice(bars, 1)], by=people.staff_a)
    assert (before.key.kid, after.key.kid) == (new_key.kid - 1, new_key.kid)
    redeem_voucher(token=voucher_token(before), by=people.counter_a)
    redeem_voucher(token=voucher_token(after), by=people.counter_a)


def test_cancelling_refunds_and_releases_once(people, shop):
    home, bags, _bars = shop
    voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    cancel_voucher(voucher=voucher, by=people.staff_a)
    with pytest.raises(VoucherClosed):
        cancel_voucher(voucher=voucher, by=people.staff_a)
    with pytest.raises(VoucherClosed):
        redeem_voucher(token=voucher_token(voucher), by=people.counter_a)
    home.refresh_from_db()
    assert home.balance == 100
    assert _on_hand()[0] == ("Jasmine rice 5 kg", 3, 0)


def test_expired_vouchers_give_everything_back_once(people, shop):
    home, bags, _bars = shop
    voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    later = voucher.expires_on + timedelta(days=1)
    assert expire_vouchers(today=voucher.expires_on) == 0
    assert expire_vouchers(today=later) == 1
    assert expire_vouchers(today=later) == 0
    voucher.refresh_from_db()
    home.refresh_from_db()
    assert (voucher.status, home.balance) == (VoucherStatus.EXPIRED, 100)
    assert PointsEntry.objects.filter(kind=EntryKind.VOUCHER_REFUND).count() == 1


def test_a_household_limit_is_named_with_its_reset_date(people, shop):
    home, bags, _bars = shop
    HouseholdLimit.objects.create(district=people.district_a, item=bags, quantity=1, period="month")
    issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    with pytest.raises(LimitReached) as refused:
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    first_of_next = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    assert str(first_of_next) in refused.value.message


def test_a_qr_code_decodes_back_to_the_same_token(people, shop):
    import io

    home, bags, _bars = shop
    token = voucher_token(
        issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    )
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.png(token))))
    assert found.text == token
    assert "<svg" in qr.svg(token)


def test_a_reissued_card_revokes_the_old_one_and_checkout_hands_over_at_once(people, shop):
    home, bags, _bars = shop
    lost = card_token(issue_card(household=home, by=people.staff_a))
    card = card_token(issue_card(household=home, by=people.staff_a))
    with pytest.raises(CardRevoked):
        checkout(card=lost, choices=[Choice(bags, 1)], by=people.counter_a)
    voucher = checkout(card=card, choices=[Choice(bags, 1)], by=people.counter_a)
    assert voucher.status == VoucherStatus.REDEEMED
    assert _on_hand()[0] == ("Jasmine rice 5 kg", 2, 0)
    with pytest.raises(WrongDistrict):
        checkout(card=card, choices=[Choice(bags, 1)], by=people.counter_b)


def test_a_voucher_whose_food_expired_before_collection_is_refused_and_changes_nothing(
    people, shop
):
    home, bags, _bars = shop
    voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    Lot.objects.filter(item=bags).update(expiry_date=timezone.localdate() - timedelta(days=1))
    from inventory.errors import LotExpired

    with pytest.raises(LotExpired):
        redeem_voucher(token=voucher_token(voucher), by=people.counter_a)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED
    assert _on_hand()[0] == ("Jasmine rice 5 kg", 3, 1)
