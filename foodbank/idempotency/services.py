"""Safe retries: a request with an ``Idempotency-Key`` runs once; a retry gets the same answer.

Same key and same body: the stored answer. Same key, different body: 422. Same key while
the first request is still running: 409. The work and the stored answer commit together,
so an answer exists exactly when the work was done; a request that failed or died leaves
the key free to try again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from foodbank.accounts.models import User
from foodbank.errors import ApplicationError, Conflict

from .models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
#: The request that claims a key holds its row locked for as long as it works, so an
#: unanswered key that another request can lock belongs to a request that failed without
#: releasing it (its database went away) or died; the age only covers the moment between the
#: claim's commit and that lock. After a database restart, retries go through this soon.
ABANDONED_AFTER = timedelta(seconds=5)
MAX_KEY_LENGTH = 255
HEADER = "Idempotency-Key"


class KeyReusedWithDifferentRequest(ApplicationError):
    code = "idempotency_key_reused"
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_message = _("This Idempotency-Key was already used with a different request.")


class KeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    default_message = _("A request with this Idempotency-Key is still being processed.")


class InvalidKey(ApplicationError):
    code = "invalid_idempotency_key"
    default_message = _("The Idempotency-Key header must be 1 to 255 printable characters.")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    """A keyed hash of the request: bodies may hold personal data (a national ID), which an
    unkeyed hash would let anyone with the table guess back."""
    canonical = json.dumps([method, path, body], sort_keys=True, default=str)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _take_over_if_stale(earlier: IdempotencyKey, fingerprint: str) -> bool:
    now = timezone.now()
    abandoned = earlier.response_status is None and earlier.created_at <= now - ABANDONED_AFTER
    if earlier.expires_at > now and not abandoned:
        return False
    earlier.request_hash = fingerprint
    earlier.claim = uuid.uuid4()
    earlier.created_at = now
    earlier.expires_at = now + KEY_LIFETIME
    earlier.response_status = None
    earlier.response_body = None
    earlier.save()
    return True


def _claim(*, user: User, key: str, endpoint: str, fingerprint: str) -> IdempotencyKey | Answer:
    """Claim the key for this request, or return the stored answer of an earlier one."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user,
                key=key,
                endpoint=endpoint,
                request_hash=fingerprint,
                created_at=now,
                expires_at=now + KEY_LIFETIME,
            )
    except IntegrityError:
        pass
    try:
        with transaction.atomic():
            earlier = IdempotencyKey.objects.select_for_update(nowait=True).get(
                user=user, key=key, endpoint=endpoint
            )
            if _take_over_if_stale(earlier, fingerprint):
                return earlier
    except OperationalError as locked:  # the first request holds the row while it works
        raise KeyInFlight() from locked
    if earlier.request_hash != fingerprint:
        raise KeyReusedWithDifferentRequest(fields={HEADER: [str(_("already used"))]})
    if earlier.response_status is None:
        raise KeyInFlight()
    return Answer(earlier.response_status, earlier.response_body, replayed=True)


def run_once(
    *, user: User, key: str, endpoint: str, fingerprint: str, handle: Callable[[], Answer]
) -> Answer:
    """Run ``handle`` once per (user, endpoint, key), storing its answer in the same transaction.

    If ``handle`` raises, nothing it did is kept and the key is released for a retry.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidKey(fields={HEADER: [str(InvalidKey.default_message)]})
    claimed = _claim(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
    if isinstance(claimed, Answer):
        return claimed
    try:
        with transaction.atomic():
            mine = IdempotencyKey.objects.select_for_update().filter(
                pk=claimed.pk, claim=claimed.claim
            )
            if mine.first() is None:  # another request took the key over
                raise KeyInFlight()
            answer = handle()
            mine.update(response_status=answer.status, response_body=answer.body)
    except Exception:
        IdempotencyKey.objects.filter(
            pk=claimed.pk, claim=claimed.claim, response_status__isnull=True
        ).delete()
        raise
    return answer


def purge_expired_keys() -> int:
    """Delete keys past their lifetime; the beat schedule runs this hourly."""
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def strip_answers(keys: QuerySet[IdempotencyKey]) -> int:
    """Keep only the id of each stored answer (its other fields held personal data that is
    being erased); a retry still gets the original status, and nothing is done twice."""
    stripped = 0
    for key in keys.filter(response_body__isnull=False).only("response_body"):
        body = key.response_body
        key.response_body = {"id": body.get("id")} if isinstance(body, dict) else {}
        key.save(update_fields=["response_body"])
        stripped += 1
    return stripped
