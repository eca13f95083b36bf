"""Rate limits that hold under concurrent requests, for the API and the web pages.

A limit is a scope (``auth``, ``register``, ``redeem``) with a rate such as ``10/min`` from
``settings.FOODBANK_RATE_LIMITS``, counted per client: the signed-in account, or else the
client's address. Each client has a fixed window that opens with its first request.

With ``REDIS_URL`` set, the counters live in Redis and a hit costs one round trip: a Lua
script increments the counter, starts its expiry on the first hit and returns the count with
the time left, atomically, so concurrent requests on any number of web processes never let
more than the limit through (DRF's own throttles read and then write, and do). Without Redis
(the embedded default, the fast test suite) the counters live in the process behind a lock.

When Redis does not answer, each process counts in its own memory instead, so a limit still
holds per process (while Redis is down a client gets up to the limit from each web process,
on top of what it had left in Redis), and a warning is logged (at most once a minute per
process). The process asks Redis again only after ``REDIS_RETRY_SECONDS``: a Redis that
hangs costs one request its timeout in that time, not every request. A broken limiter must
not close the counters. Lockouts of repeated failed sign-ins are kept in the database by
django-axes and do not depend on Redis.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from foodbank.addresses import client_address_or_unknown

log = logging.getLogger(__name__)

KEY_PREFIX = "foodbank:ratelimit:"
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = 5
WARN_EVERY_SECONDS = 60

UNITS = {
    "s": 1, "sec": 1, "second": 1,
    "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hour": 3600,
    "d": 86400, "day": 86400,
}  # fmt: skip

# Increment the window's counter, start its expiry on the first hit, answer (count, ms left).
HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
"""


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``seconds``."""

    count: int
    seconds: int

    def describe(self) -> str:
        """In words, e.g. "10 per minute", in the request's language."""
        names = {
            1: _("second"),
            60: _("minute"),
            3600: _("hour"),
            86400: _("day"),
        }
        if self.seconds in names:
            period = names[self.seconds]
        else:
            period = ngettext("%(n)d second", "%(n)d seconds", self.seconds) % {"n": self.seconds}
        return _("%(count)d per %(period)s") % {"count": self.count, "period": period}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # whole seconds until the window closes


@functools.lru_cache(maxsize=32)
def parse_rate(text: str) -> Rate:
    """``"10/min"``, ``"20/hour"``, ``"5/10s"``: a count, then a unit with an optional multiple."""
    count, _slash, period = text.strip().partition("/")
    digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = period[len(digits) :]
    if not count.isdigit() or unit not in UNITS or (digits and not digits.isdigit()):
        raise ValueError(f"Not a rate: {text!r} (expected e.g. '10/min').")
    return Rate(int(count), int(digits or 1) * UNITS[unit])


def rate_for(scope: str) -> Rate:
    return parse_rate(settings.FOODBANK_RATE_LIMITS[scope])


# --- where the counters live -------------------------------------------------------------


@functools.cache
def _redis_script(url: str) -> Any:
    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    return client.register_script(HIT_SCRIPT)


_memory: dict[str, tuple[int, float]] = {}
_memory_lock = threading.Lock()
_last_warning = [0.0]
#: Redis URL -> when this process may ask it again, after it failed to answer.
_redis_silent_until: dict[str, float] = {}


def _hit_memory(key: str, seconds: int) -> tuple[int, float]:
    now = time.monotonic()
    with _memory_lock:
        count, closes = _memory.get(key, (0, 0.0))
        if closes <= now:
            if len(_memory) > 10_000:  # forget closed windows now and then
                for old in [k for k, (_c, end) in _memory.items() if end <= now]:
                    del _memory[old]
            count, closes = 0, now + seconds
        _memory[key] = (count + 1, closes)
        return count + 1, closes - now


def _hit_redis(url: str, key: str, seconds: int) -> tuple[int, float] | None:
    """Count in Redis; None when it did not answer now or a moment ago."""
    if _redis_silent_until.get(url, 0.0) > time.monotonic():
        return None
    try:
        count, left_ms = _redis_script(url)(keys=[key], args=[seconds * 1000])
    except redis.RedisError as error:
        now = time.monotonic()
        _redis_silent_until[url] = now + REDIS_RETRY_SECONDS
        if now - _last_warning[0] >= WARN_EVERY_SECONDS:
            _last_warning[0] = now
            log.warning(
                "Rate limits counted in this process only: Redis did not answer (%s).",
                type(error).__name__,
            )
        return None
    if _redis_silent_until.pop(url, None) is not None:
        log.info("Rate limits counted in Redis again.")
    return int(count), int(left_ms) / 1000


def hit(scope: str, client: str, rate: Rate | None = None) -> Verdict:
    """Count one request of ``client`` against ``scope``'s limit."""
    rate = rate or rate_for(scope)
    key = f"{KEY_PREFIX}{scope}:{rate.count}/{rate.seconds}:{client}"
    counted = _hit_redis(settings.REDIS_URL, key, rate.seconds) if settings.REDIS_URL else None
    if counted is None:
        counted = _hit_memory(key, rate.seconds)
    count, left = counted
    # Within 1 and the window: a window just opened can come out a hair over its length.
    retry_after = min(max(1, math.ceil(left)), rate.seconds)
    return Verdict(allowed=count <= rate.count, count=count, retry_after=retry_after)


def reset() -> None:
    """Forget every counter (tests; an admin after an incident)."""
    with _memory_lock:
        _memory.clear()
    _redis_silent_until.clear()
    if settings.REDIS_URL:
        client = _redis_script(settings.REDIS_URL).registered_client
        try:
            keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass  # nothing to forget where Redis is down: its counters are not in use


# --- who is counted, and the answers -----------------------------------------------------


def client_of(request: HttpRequest | Request) -> str:
    """The signed-in account, or else the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address_or_unknown(request)}"


def message(rate: Rate, retry_after: int) -> str:
    return _("Too many requests: the limit is %(limit)s. Try again in %(seconds)d seconds.") % {
        "limit": rate.describe(),
        "seconds": retry_after,
    }


class RateLimited(exceptions.Throttled):
    """429 with ``Retry-After``, whose message names the limit."""

    def __init__(self, rate: Rate, retry_after: int):
        super().__init__(wait=retry_after)
        self.detail = exceptions.ErrorDetail(message(rate, retry_after), code=self.default_code)


class RateThrottle(BaseThrottle):
    """DRF throttle counted by :func:`hit`; set ``scope`` on a subclass or the view's
    ``throttle_scope``."""

    scope = ""

    def allow_request(self, request: Request, view: Any) -> bool:
        scope = self.scope or view.throttle_scope
        rate = rate_for(scope)
        verdict = hit(scope, client_of(request), rate)
        if not verdict.allowed:
            raise RateLimited(rate, verdict.retry_after)
        return True


def rate_limited(
    scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For web views: requests of ``methods`` over the limit get a 429 page naming it."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                rate = rate_for(scope)
                verdict = hit(scope, client_of(request), rate)
                if not verdict.allowed:
                    context = {"message": message(rate, verdict.retry_after)}
                    response = render(request, "web/refused.html", context, status=429)
                    response["Retry-After"] = str(verdict.retry_after)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
