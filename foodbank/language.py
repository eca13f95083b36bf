"""Ledger texts are written in the city's language, whatever the language of the request."""

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation


def in_city_language() -> AbstractContextManager:
    return translation.override(settings.LANGUAGE_CODE)
