"""Model instances made from rows a hand-written statement has read, as the ORM makes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


def loaded(model: type[M], **values: Any) -> M:
    """An instance of ``model`` as if read from the database with only ``values``'s fields
    (attribute names, e.g. ``district_id``); the others are deferred, as with ``only()``.

    Every redemption makes a dozen, so this fills the instance's attributes as
    ``Model.__init__`` would, without its work per field (7% of a redemption's instructions
    in the web worker). A model whose instances something listens for (``pre_init``,
    ``post_init``: an image's size, say) is made by ``from_db``, which sends them.
    """
    if _heard(model):
        fields = model._meta.concrete_fields
        row = [values.get(field.attname, models.DEFERRED) for field in fields]
        return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in fields], row)
    instance = model.__new__(model)
    instance._state = ModelState()
    instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
    instance.__dict__.update(values)
    return instance


def _heard(model: type[models.Model]) -> bool:
    """Whether anything listens for ``model``'s instances being made now (the signals keep
    their receivers per sender in a cache of their own, which a new receiver clears)."""
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


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
