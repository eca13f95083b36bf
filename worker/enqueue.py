"""Send a task only once the surrounding transaction has committed.

A task sent inside a transaction can run before the rows it needs are visible, or for
rows that a rollback then removes. Sending is ``robust``: if the broker is down at that
moment the error is logged and the request still succeeds; periodic sweeps find the work
that was never sent.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task
from django.db import transaction


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` when the current transaction commits (now, if none)."""
    transaction.on_commit(partial(task.apply_async, args=args, kwargs=kwargs), robust=True)
