"""API token authentication."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connection
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from foodbank.db.prepared import fetch_one
from foodbank.db.rows import loaded

from .models import User


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, with the token's user read in one plain query.

    Every API request pays for this, and building the ORM's query (and a raw queryset's
    model) costs several times what the database does; so the statement is written once
    and the row loaded as the ORM would, with each field's database converters.
    ``request.auth`` is the key itself rather than the Token row.
    """

    def authenticate_credentials(self, key: str) -> tuple[User, str]:
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if user.must_change_password:  # none is issued to them; one made in the admin, say
            # Imported here: foodbank.errors imports DRF's views, which import this module.
            from .errors import PasswordChangeRequired

            raise PasswordChangeRequired()
        return user, key


def user_for_token(key: str) -> User | None:
    """The user whose API token is ``key``, active or not; ``None`` for an unknown key."""
    sql, attnames, converters = _statement(connection.vendor)
    row = fetch_one(sql, [key])
    if row is None:
        return None
    values = list(row)
    for index, column, convert in converters:
        values[index] = convert(values[index], column, connection)
    return loaded(User, **dict(zip(attnames, values, strict=True)))


@functools.cache
def _statement(vendor: str) -> tuple[str, list[str], list[tuple[int, Col, Callable]]]:
    """The query, the fields' names and their converters, worked out once per database."""
    fields = User._meta.concrete_fields
    columns = ", ".join(f"u.{connection.ops.quote_name(str(field.column))}" for field in fields)
    sql = (
        f"SELECT {columns} FROM accounts_user AS u "  # noqa: S608
        "JOIN authtoken_token AS t ON t.user_id = u.id WHERE t.key = %s"
    )
    converters = [
        (index, column, convert)
        for index, field in enumerate(fields)
        for column in [field.get_col("u")]
        for convert in (
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),
        )
    ]
    return sql, [field.attname for field in fields], converters
