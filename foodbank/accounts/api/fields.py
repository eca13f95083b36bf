"""Fields that name a row by its key, looked up only among the rows the user may reach."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from rest_framework import serializers

from foodbank.accounts.models import User


class InReachField(serializers.PrimaryKeyRelatedField):
    """A row of ``model`` the signed-in user may name: one of ``in_reach(user)``. Any other
    answers exactly as a row that does not exist, so the answer never tells whether it does."""

    def __init__(
        self,
        in_reach: Callable[[User | AnonymousUser], QuerySet],
        model: type[Model],
        **kwargs: Any,
    ) -> None:
        # The model's rows only for the schema's key type: every lookup goes through
        # get_queryset.
        super().__init__(queryset=model._default_manager.all(), **kwargs)
        self.in_reach, self.row_model = in_reach, model

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.in_reach(request.user) if request else self.row_model._default_manager.none()
