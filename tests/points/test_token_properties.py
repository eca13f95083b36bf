"""Voucher and card codes, over generated changes and junk.

A code is refused with its reason (``InvalidToken``) unless its signature, by one of the
food bank's keys, covers exactly the bytes it carries; nothing else is ever raised.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from foodbank.errors import ApplicationError
from points import tokens
from points.models import VoucherStatus
from points.services.cards import card_token, household_for_card, issue_card
from points.services.keys import verified
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, preview, redeem_voucher, voucher_token
from tests.inventory.factories import lot, rice

from .factories import household

pytestmark = pytest.mark.django_db
#: The fixtures are read, never changed, by the examples.
PROPERTY = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def signed(people):
    """An issued voucher of district A, its code, and a card code of the same household."""
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    card = card_token(issue_card(household=home, by=people.staff_a))
    return voucher, voucher_token(voucher), card


@st.composite
def changed(draw, raw: bytes) -> bytes:
    """``raw`` with one change: a byte altered, removed or added, or the end cut off."""
    position = draw(st.integers(0, len(raw) - 1))
    how = draw(st.sampled_from(["alter", "remove", "add", "cut"]))
    if how == "alter":
        mask = draw(st.integers(1, 255))
        return raw[:position] + bytes([raw[position] ^ mask]) + raw[position + 1 :]
    if how == "remove":
        return raw[:position] + raw[position + 1 :]
    if how == "add":
        return raw[:position] + bytes([draw(st.integers(0, 255))]) + raw[position:]
    return raw[:position]


@PROPERTY
@given(data=st.data())
def test_any_change_to_a_signed_voucher_or_card_is_refused(people, signed, data):
    voucher, code, card = signed
    for original in (code, card):
        forged = tokens.b64(data.draw(changed(tokens.unb64(original))))
        with pytest.raises(tokens.InvalidToken):
            verified(forged)
    with pytest.raises(ApplicationError):
        redeem_voucher(token=forged, by=people.counter_a)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED


@PROPERTY
@given(data=st.data())
@example(data=None)
def test_a_code_retyped_differently_is_accepted_only_if_it_carries_the_same_bytes(
    people, signed, data
):
    """Base64 spellings that decode to the same bytes (``+`` for ``-``, spaces around) are
    the same code; any other edit of the text is refused."""
    _voucher, code, _card = signed
    if data is None:
        retyped = f"  {code.replace('-', '+').replace('_', '/')}\n"
    else:
        position = data.draw(st.integers(0, len(code) - 1))
        letter = data.draw(st.characters(codec="utf-8"))
        retyped = code[:position] + letter + code[position + 1 :]
    try:
        verified(retyped)
    except tokens.InvalidToken:
        return
    assert tokens.unb64(retyped) == tokens.unb64(code)


def _framed(kind: int) -> st.SearchStrategy[bytes]:
    """Junk shaped like a real code: the right kind byte and length, so the key and
    signature checks run, with any key id."""
    size = tokens.LAYOUTS[kind].size - 1 + tokens.SIGNATURE
    return st.binary(min_size=size, max_size=size).map(lambda rest: bytes([kind]) + rest)


@PROPERTY
@given(
    st.one_of(
        st.text(),
        st.binary().map(tokens.b64),
        _framed(tokens.VOUCHER).map(tokens.b64),
        _framed(tokens.CARD).map(tokens.b64),
    )
)
@example("")
@example("A" * 130)
def test_junk_is_refused_with_a_reason_and_nothing_else(people, signed, junk):
    with pytest.raises(tokens.InvalidToken) as refused:
        verified(junk)
    assert refused.value.code == "invalid_code"
    assert refused.value.message
    with pytest.raises(ApplicationError) as at_the_counter:
        preview(token=junk, by=people.counter_a)
    assert at_the_counter.value.message
    with pytest.raises(ApplicationError) as as_a_card:
        household_for_card(junk, by=people.counter_a)
    assert as_a_card.value.message
