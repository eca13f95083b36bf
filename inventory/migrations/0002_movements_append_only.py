"""On PostgreSQL, the movement ledger refuses UPDATE and DELETE: corrections are new rows."""

from django.db import migrations

FORBID = """
CREATE FUNCTION inventory_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'inventory_movement is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_movement_append_only
    BEFORE UPDATE OR DELETE ON inventory_movement
    FOR EACH ROW EXECUTE FUNCTION inventory_movement_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS inventory_movement_append_only ON inventory_movement;
DROP FUNCTION IF EXISTS inventory_movement_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_stores")]

    operations = [migrations.RunPython(_on_postgresql(FORBID), _on_postgresql(ALLOW))]
