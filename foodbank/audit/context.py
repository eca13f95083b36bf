"""Where the current change comes from: the request's address and browser, if any.

A middleware sets it for each request; services that change data pass their actor to
:func:`foodbank.audit.services.record`, which adds this. Scheduled tasks have no origin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from foodbank.addresses import client_address

USER_AGENT_LENGTH = 255


@dataclass(frozen=True)
class Origin:
    address: str | None
    user_agent: str


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def current_origin() -> Origin | None:
    return _origin.get()


def origin_of(request: HttpRequest) -> Origin:
    agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
    return Origin(address=client_address(request), user_agent=agent)


@contextmanager
def origin(value: Origin | None) -> Iterator[None]:
    token = _origin.set(value)
    try:
        yield
    finally:
        _origin.reset(token)


class AuditOriginMiddleware:
    """Remembers each request's address and browser while it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin(origin_of(request)):
            return self.get_response(request)
