"""The platform's signing keys: sign with the newest, verify with any that is known."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from foodbank import crypto

from .. import tokens
from ..models import SigningKey


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


@transaction.atomic
def rotate_signing_key() -> SigningKey:
    """Add a new key that signs from now on; the older keys stop signing but keep verifying."""
    SigningKey.objects.select_for_update().filter(retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    private = Ed25519PrivateKey.generate()
    secret = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    kid = (SigningKey.objects.aggregate(top=Max("kid"))["top"] or 0) + 1
    return SigningKey.objects.create(
        kid=kid,
        public_key=tokens.b64(_raw_public(private)),
        private_key_encrypted=crypto.encrypt(base64.b64encode(secret).decode()),
    )


def signing_key() -> SigningKey:
    """The key that signs now (made on first use)."""
    current = SigningKey.objects.filter(retired_at__isnull=True).order_by("-kid").first()
    return current or rotate_signing_key()


def sign(key: SigningKey, payload: bytes) -> str:
    secret = base64.b64decode(crypto.decrypt(key.private_key_encrypted))
    signature = Ed25519PrivateKey.from_private_bytes(secret).sign(payload)
    return tokens.join(payload, signature)


#: Public keys by key id, read once per process (a key's public half never changes).
_PUBLIC_KEYS: dict[int, bytes] = {}


def _public_key(kid: int, *, fresh: bool = False) -> bytes:
    if fresh or kid not in _PUBLIC_KEYS:
        key = SigningKey.objects.filter(kid=kid).only("public_key").first()
        if key is None:
            raise tokens.InvalidToken()
        _PUBLIC_KEYS[kid] = tokens.unb64(key.public_key)
    return _PUBLIC_KEYS[kid]


def verified(token: str) -> tuple[int, bytes]:
    """The kind and payload of a token whose signature one of our keys verifies."""
    kind, payload, signature = tokens.split(token)
    kid = tokens.key_id(payload)
    try:
        tokens.check_signature(_public_key(kid), payload, signature)
    except tokens.InvalidToken:  # read the key again before refusing: a database restored
        tokens.check_signature(_public_key(kid, fresh=True), payload, signature)
    return kind, payload
