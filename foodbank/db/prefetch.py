"""Related rows read by hand, handed to a model instance as ``prefetch_related`` would."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


def give_prefetched(instance: models.Model, relation: str, objects: Sequence[models.Model]) -> None:
    """Let ``instance.<relation>.all()`` answer ``objects`` without a query.

    For rows a hand-written statement has already read; this is what
    ``prefetch_related_objects`` does with the rows of its own query.
    """
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    instance._prefetched_objects_cache[relation] = queryset  # type: ignore[attr-defined]
