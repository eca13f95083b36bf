"""Send a task only once the surrounding transaction has committed.

A task sent inside a transaction can run before the rows it needs are visible, or for
rows that a rollback then removes. Sending is ``robust``: if the broker is down at that
moment the error is logged and the request still succeeds; periodic sweeps find the work
that was never sent (``worker.celery.SWEPT_BY`` names the sweep of each task sent here). A
send waits up to 2 seconds for Redis, and tries twice (the settings). After a send has
failed, this process sends nothing for ``BROKER_RETRY_SECONDS`` and leaves that work to the
sweeps too, so a broker that hangs costs one request about 4 seconds, not every request.

Services name tasks by their registered name (``"worker.tasks.compute_impact"``), so the
apps do not import the worker and the worker may import the apps' services.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from .celery import app

log = logging.getLogger(__name__)

#: The sweeps run every one to five minutes: a pause this long delays no work further.
BROKER_RETRY_SECONDS = 30
_broker_silent_until = [0.0]
_warned = [False]  # in this pause


def _send(task: Task | str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    registered = app.tasks[task] if isinstance(task, str) else task
    if time.monotonic() < _broker_silent_until[0]:
        if not _warned[0]:
            _warned[0] = True
            log.warning(
                "Tasks left to the sweeps for %d s (first: %s): the broker failed.",
                BROKER_RETRY_SECONDS,
                registered.name,
            )
        return
    try:
        registered.apply_async(args=args, kwargs=kwargs)
    except BrokerError:
        _broker_silent_until[0] = time.monotonic() + BROKER_RETRY_SECONDS
        _warned[0] = False
        raise


def reset() -> None:
    """Forget a failed send: the next one is tried at once (tests)."""
    _broker_silent_until[0] = 0.0
    _warned[0] = False


def enqueue_after_commit(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` when the current transaction commits (now, if none)."""
    transaction.on_commit(lambda: _send(task, args, kwargs), robust=True)
