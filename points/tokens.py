"""Compact signed tokens for QR codes: vouchers and household cards.

A token is base64url of a fixed binary layout followed by its Ed25519 signature (64 bytes),
about 130 characters: small enough for a QR code read from a phone screen or from paper. It
carries ids, the district, points and dates, never a name or a national ID. The key id lets
a counter pick the right public key from ``/api/v1/vouchers/keys/``.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext_lazy as _

from foodbank.errors import ApplicationError

VOUCHER, CARD = 1, 2
SIGNATURE = 64
EPOCH = date(2020, 1, 1)
#: kind, key id, voucher id, household id, district code, points, last day (days from EPOCH)
VOUCHER_LAYOUT = struct.Struct(">BIQQHIH")
#: kind, key id, card id, household id, district code
CARD_LAYOUT = struct.Struct(">BIQQH")
LAYOUTS = {VOUCHER: VOUCHER_LAYOUT, CARD: CARD_LAYOUT}


class InvalidToken(ApplicationError):
    code = "invalid_code"
    default_message = _("This code is not valid: it was not issued by the food bank.")


@dataclass(frozen=True)
class VoucherClaims:
    kid: int
    voucher_id: int
    household_id: int
    district_code: str
    points: int
    expires_on: date


@dataclass(frozen=True)
class CardClaims:
    kid: int
    card_id: int
    household_id: int
    district_code: str


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def voucher_payload(claims: VoucherClaims) -> bytes:
    days = (claims.expires_on - EPOCH).days
    return VOUCHER_LAYOUT.pack(
        VOUCHER,
        claims.kid,
        claims.voucher_id,
        claims.household_id,
        int(claims.district_code),
        claims.points,
        days,
    )


def card_payload(claims: CardClaims) -> bytes:
    return CARD_LAYOUT.pack(
        CARD, claims.kid, claims.card_id, claims.household_id, int(claims.district_code)
    )


def join(payload: bytes, signature: bytes) -> str:
    return b64(payload + signature)


def split(token: str) -> tuple[int, bytes, bytes]:
    """The kind, payload and signature of a token, or InvalidToken if it is not one."""
    try:
        raw = unb64(token)
    except (binascii.Error, ValueError) as error:
        raise InvalidToken() from error
    if not raw or raw[0] not in LAYOUTS:
        raise InvalidToken()
    size = LAYOUTS[raw[0]].size
    if len(raw) != size + SIGNATURE:
        raise InvalidToken()
    return raw[0], raw[:size], raw[size:]


def key_id(payload: bytes) -> int:
    return struct.unpack_from(">I", payload, 1)[0]


def check_signature(public_key: bytes, payload: bytes, signature: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, payload)
    except (InvalidSignature, ValueError) as error:
        raise InvalidToken() from error


def read_voucher(payload: bytes) -> VoucherClaims:
    _kind, kid, voucher, household, district, points, days = VOUCHER_LAYOUT.unpack(payload)
    return VoucherClaims(
        kid, voucher, household, f"{district:04d}", points, EPOCH + timedelta(days=days)
    )


def read_card(payload: bytes) -> CardClaims:
    _kind, kid, card, household, district = CARD_LAYOUT.unpack(payload)
    return CardClaims(kid, card, household, f"{district:04d}")
