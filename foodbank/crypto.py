"""Encryption at rest for secrets and personal data, with keys from the environment.

``FOODBANK_PERSONAL_DATA_KEYS`` lists Fernet keys newest first: the first encrypts, all of
them decrypt, so keys can be rotated without re-encrypting everything at once.
"""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _cipher() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PERSONAL_DATA_KEYS])


def encrypt(text: str) -> str:
    return _cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _cipher().decrypt(token.encode()).decode()
