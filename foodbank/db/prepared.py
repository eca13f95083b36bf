"""The busiest requests' statements, prepared once per database connection on PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection


def fetch_one(sql: str, params: Mapping[str, Any] | Sequence[Any]) -> tuple | None:
    """The first row of ``sql``, run in the current transaction.

    Django's cursors bind parameters on the client, so PostgreSQL plans every statement
    afresh; for a long statement run on every redemption, planning costs more than running.
    On PostgreSQL this runs it as a prepared statement instead (psycopg prepares it on the
    connection the first time and reuses the plan). Elsewhere it is an ordinary query.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
