"""Send a task only once the surrounding transaction has committed.

A task sent inside a transaction can run before the rows it needs are visible, or for
rows that a rollback then removes. Sending is ``robust``: if the broker is down at that
moment the error is logged and the request still succeeds; periodic sweeps find the work
that was never sent.

Services name tasks by their registered name (``"worker.tasks.compute_impact"``), so the
apps do not import the worker and the worker may import the apps' services.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

from .celery import app


def _send(task: Task | str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    registered = app.tasks[task] if isinstance(task, str) else task
    registered.apply_async(args=args, kwargs=kwargs)


def enqueue_after_commit(task: Task | str, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` when the current transaction commits (now, if none)."""
    transaction.on_commit(lambda: _send(task, args, kwargs), robust=True)
