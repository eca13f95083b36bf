"""Model instances made from rows a hand-written statement has read, as the ORM makes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models

M = TypeVar("M", bound=models.Model)


def loaded(model: type[M], **values: Any) -> M:
    """An instance of ``model`` as if read from the database with only ``values``'s fields
    (attribute names, e.g. ``district_id``); the others are deferred, as with ``only()``.

    Cheaper than ``model(**values)``, which works out a default for every field left out.
    """
    fields = model._meta.concrete_fields
    row = [values.get(field.attname, models.DEFERRED) for field in fields]
    return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in fields], row)


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
