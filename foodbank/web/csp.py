"""The Content-Security-Policy header (production), and the policy our pages need.

Scripts load only from our own static files. The few inline event handlers in our templates
(``onclick="window.print()"`` and the like) are allowed one by one by their hashes
(``'unsafe-hashes'``); a test lists the templates' inline scripts and handlers and fails when
one is not allowed here. Inline styles stay allowed: the admin, the API documentation and the
printed voucher use them, and they cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: The inline event handlers our templates use, exactly as written in them.
INLINE_HANDLERS = ("window.print()", "this.form.submit()")


def source_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(inline_handlers: Iterable[str] = INLINE_HANDLERS) -> str:
    hashes = " ".join(source_hash(code) for code in inline_handlers)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'unsafe-hashes' {hashes}",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicy:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` (when set) to answers that have none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
