"""``Idempotency-Key`` support for DRF views that create things."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from .services import HEADER, Answer, request_fingerprint, run_once

REPLAYED_HEADER = "Idempotent-Replayed"


def respond_once(request: Request, handle: Callable[[], Response]) -> Response:
    """Answer ``request`` with ``handle()``, at most once per Idempotency-Key.

    Requests without the header, or from anonymous clients, are handled as usual.
    """
    key = request.headers.get(HEADER)
    if key is None or not request.user.is_authenticated:
        return handle()

    def answer() -> Answer:
        response = handle()
        return Answer(response.status_code, response.data)

    result = run_once(
        user=request.user,
        key=key,
        endpoint=f"{request.method} {request.path}",
        fingerprint=request_fingerprint(
            method=request.method or "", path=request.path, body=request.data
        ),
        handle=answer,
    )
    response = Response(result.body, status=result.status)
    if result.replayed:
        response[REPLAYED_HEADER] = "true"
    return response
