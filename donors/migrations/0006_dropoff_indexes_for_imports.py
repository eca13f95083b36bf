"""Fewer index entries per drop-off and line, so bulk imports write less.

The users' foreign keys on drop-offs and the methodology on lines are indexed only where
set (imported drop-offs may have no user; new lines have no methodology until computed).
The import of a drop-off and the category of a line are not indexed: nothing reads by them
but the check made before deleting an import or a category.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0005_receipt_emails"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="dropoff",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="dropoff",
            name="imported_from",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dropoffs",
                to="donors.dropoffimport",
                verbose_name="imported from",
            ),
        ),
        migrations.AlterField(
            model_name="dropoff",
            name="received_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="received by",
            ),
        ),
        migrations.AlterField(
            model_name="dropoffline",
            name="category",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="donors.foodcategory",
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="dropoffline",
            name="methodology",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="donors.methodology",
                verbose_name="methodology",
            ),
        ),
        migrations.AddIndex(
            model_name="dropoff",
            index=models.Index(
                condition=models.Q(("received_by__isnull", False)),
                fields=["received_by"],
                name="donors_dropoff_received_by",
            ),
        ),
        migrations.AddIndex(
            model_name="dropoff",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="donors_dropoff_created_by",
            ),
        ),
        migrations.AddIndex(
            model_name="dropoffline",
            index=models.Index(
                condition=models.Q(("methodology__isnull", False)),
                fields=["methodology"],
                name="donors_dropoffline_methodology",
            ),
        ),
    ]
