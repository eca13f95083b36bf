"""The national ID check, over generated numbers.

The official check digit is 11 minus the sum of the first twelve digits weighted 13 down to 2,
modulo 11, then modulo 10. Two blind spots follow from it, and the properties below pin them
down rather than pretend otherwise: the third digit's weight is 11, so a change there never
moves the sum modulo 11; and sums of 0 and 10 modulo 11 both give the check digit 1.
"""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from points.national_id import check_digit, normalise

TWELVE = st.text(alphabet="0123456789", min_size=12, max_size=12)
#: Where the weighted sum cannot see a change (weight 11).
THIRD = 2
CHECK = 12


def _refusal(text: str) -> tuple[str, list[str]] | None:
    """Why ``text`` is refused (code and messages), or None if it is a valid ID."""
    try:
        normalise(text)
    except ValidationError as error:
        return str(error.code), error.messages
    return None


def _accepted(number: str) -> bool:
    refusal = _refusal(number)
    assert refusal is None or refusal[0] == "checksum", refusal
    return refusal is None


def _weighted_sum(first_twelve: str) -> int:
    """The published formula's sum, written out here independently of the product's code."""
    weights = [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]
    return sum(int(digit) * weight for digit, weight in zip(first_twelve, weights, strict=True))


@given(TWELVE)
@example("110170020345")
@example("000000000000")
def test_every_twelve_digits_have_exactly_one_valid_check_digit(first_twelve):
    valid = [digit for digit in "0123456789" if _accepted(first_twelve + digit)]
    assert valid == [str(check_digit(first_twelve))]


@given(TWELVE, st.integers(0, 12), st.integers(1, 9))
def test_a_single_changed_digit_is_caught_except_in_the_checksums_blind_spots(
    first_twelve, position, shift
):
    number = first_twelve + str(check_digit(first_twelve))
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    caught = not _accepted(changed)
    if position == CHECK:
        assert caught
    elif position == THIRD:
        assert not caught
    else:
        sums = {_weighted_sum(number[:12]) % 11, _weighted_sum(changed[:12]) % 11}
        assert len(sums) == 2  # any other digit's change moves the sum modulo 11
        assert caught == (sums != {0, 10})


def test_the_blind_spots_are_real_numbers_that_pass():
    """So staff know: a mistyped third digit, or 0 and 10 colliding, gets through."""
    assert _accepted("1101700203450")
    assert _accepted("1151700203450")
    assert check_digit("000000000000") == check_digit("000000000005") == 1


@given(st.text(max_size=40))
@example("1-1017-00203-45-0")
@example("١١٠١٧٠٠٢٠٣٤٥٠")  # Arabic-Indic digits are digits to Python, not to the product
def test_any_text_is_either_a_valid_id_or_refused_with_its_reason(text):
    refusal = _refusal(text)
    if refusal is not None:
        code, messages = refusal
        assert code in {"not_digits", "wrong_length", "checksum"}
        assert messages
        return
    digits = normalise(text)
    assert len(digits) == 13
    assert digits.isascii()
    assert digits.isdigit()
    assert check_digit(digits[:12]) == int(digits[12])


@pytest.mark.parametrize("number", ["1101700203450", "1 1017 00203 45 0", "1-1017-00203-45-0"])
def test_printed_separators_are_dropped(number):
    assert normalise(number) == "1101700203450"
