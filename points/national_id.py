"""Thai national ID numbers: checked, masked, hashed for uniqueness, encrypted at rest.

The number is never shown in full: every page, answer, export and log line uses ``mask()``.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from foodbank import crypto

LENGTH = 13
SEPARATORS = re.compile(r"[\s\-]")


def normalise(value: str) -> str:
    """The 13 digits of ``value``; dashes and spaces as printed on the card are dropped."""
    digits = SEPARATORS.sub("", value or "")
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("A national ID has digits only."), code="not_digits")
    if len(digits) != LENGTH:
        raise ValidationError(
            _("A national ID has %(n)d digits.") % {"n": LENGTH}, code="wrong_length"
        )
    if check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(_("This national ID's check digit is wrong."), code="checksum")
    return digits


def check_digit(first_twelve: str) -> int:
    """The 13th digit: 11 minus the weighted sum (weights 13 down to 2) modulo 11, mod 10."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_twelve, range(13, 1, -1), strict=True)
    )
    return (11 - total % 11) % 10


def mask(digits: str) -> str:
    """``1101700203451`` → ``x-xxxx-xxxxx-45-1``: only the last three digits show."""
    return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"


def keyed_hash(digits: str) -> str:
    """An HMAC of the number, the same for the same person in every district."""
    key = settings.NATIONAL_ID_HASH_KEY.encode()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def encrypt(digits: str) -> str:
    return crypto.encrypt(digits)


def decrypt(token: str) -> str:
    """For lawful requests only; nothing in the product displays the result."""
    return crypto.decrypt(token)
