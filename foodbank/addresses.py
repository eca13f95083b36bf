"""The address a request came from, seen through the proxies the deployment trusts.

Behind a TLS proxy ``REMOTE_ADDR`` is the proxy's own address. With
``FOODBANK_TRUSTED_PROXIES`` set to the number of proxies in front of the site, the client is
the entry that many places from the right of ``X-Forwarded-For`` (the one the outermost
trusted proxy saw); anything further left was written by the client and is not believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the request carries none that is valid."""
    proxies = getattr(settings, "FOODBANK_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies and (found := _valid(forwarded[-proxies])):
            return found
    return _valid(request.META.get("REMOTE_ADDR", ""))


def client_address_or_unknown(request: HttpRequest) -> str:
    """For keys that need a string (rate limits, lockouts)."""
    return client_address(request) or "unknown"
