"""On PostgreSQL, the movement ledger refuses UPDATE and DELETE: corrections are new rows."""

from django.db import migrations

from foodbank.db.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_stores")]

    operations = [append_only("inventory_movement")]
