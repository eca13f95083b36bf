"""A migration operation that makes a ledger table append-only on PostgreSQL.

A trigger refuses UPDATE and DELETE of any row, so a correction can only be a new row. On
SQLite (the embedded default) the services alone keep the rule.
"""

from django.db import migrations


def _forbid(table: str) -> str:
    return f"""
CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '{table} is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""


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
