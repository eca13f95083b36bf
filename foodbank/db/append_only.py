"""A migration operation that makes a ledger table append-only on PostgreSQL.

A trigger refuses UPDATE and DELETE of any row, so a correction can only be a new row. One
exception may be made per table (``erasable``): a free-text column overwritten with a fixed
marker, when a household's personal data is erased. On SQLite (the embedded default) the
services alone keep the rule.
"""

from django.db import migrations


def _function(table: str, allowed: str = "") -> str:
    """The trigger function: ``allowed`` is PL/pgSQL that may return before the refusal."""
    return f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN{allowed}
    RAISE EXCEPTION USING
        MESSAGE = '{table} is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _forbid(table: str) -> str:
    return (
        _function(table)
        + f"""
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    )


def _allow(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def append_only(table: str) -> migrations.RunPython:
    """The operation that forbids UPDATE and DELETE on ``table`` (reversible)."""
    return migrations.RunPython(_on_postgresql(_forbid(table)), _on_postgresql(_allow(table)))


def _erasing(column: str, marker: str, when: str) -> str:
    return f"""
    IF TG_OP = 'UPDATE' AND NEW.{column} = '{marker}' AND ({when})
            AND to_jsonb(NEW) - '{column}' = to_jsonb(OLD) - '{column}' THEN
        RETURN NEW;
    END IF;"""


def erasable(table: str, column: str, marker: str, *, when: str) -> migrations.RunPython:
    """Let an append-only table's free-text ``column`` be overwritten with ``marker`` in the
    rows where the SQL condition ``when`` holds (on ``NEW``), with nothing else about the
    row changed: personal data erased from a ledger (reversible)."""
    return migrations.RunPython(
        _on_postgresql(_function(table, _erasing(column, marker, when))),
        _on_postgresql(_function(table)),
    )
