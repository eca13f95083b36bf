"""Donors choose the language of their receipts and may opt in to e-mailed receipts; every
receipt or statement e-mailed is recorded."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0004_monthly_rollups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="donor",
            name="language",
            field=models.CharField(
                choices=[("th", "Thai"), ("en", "English")],
                default="th",
                max_length=5,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="donor",
            name="email_receipts",
            field=models.BooleanField(
                default=False,
                help_text="Once its meals and kgCO2e are computed, the receipt goes to the e-mail.",
                verbose_name="e-mail a receipt for each drop-off",
            ),
        ),
        migrations.AddConstraint(
            model_name="donor",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("email_receipts", False),
                    models.Q(("email", ""), _negated=True),
                    _connector="OR",
                ),
                name="donors_donor_receipts_need_email",
                violation_error_message="Give an e-mail address to send receipts to.",
            ),
        ),
        migrations.CreateModel(
            name="ReceiptEmail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("receipt", "Drop-off receipt"),
                            ("statement", "Yearly statement"),
                        ],
                        max_length=10,
                        verbose_name="what",
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year"),
                ),
                ("to_address", models.EmailField(max_length=254, verbose_name="sent to")),
                (
                    "language",
                    models.CharField(
                        choices=[("th", "Thai"), ("en", "English")],
                        max_length=5,
                        verbose_name="language",
                    ),
                ),
                (
                    "automatic",
                    models.BooleanField(default=False, verbose_name="sent automatically"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to be sent"),
                            ("sent", "Sent"),
                            ("failed", "Not sent"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                ("problem", models.TextField(blank=True, verbose_name="problem")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="requested at"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "donor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipt_emails",
                        to="donors.donor",
                        verbose_name="donor",
                    ),
                ),
                (
                    "dropoff",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipt_emails",
                        to="donors.dropoff",
                        verbose_name="drop-off",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "receipt e-mail",
                "verbose_name_plural": "receipt e-mails",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["status", "created_at"], name="donors_rece_status_6beed0_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("dropoff__isnull", False),
                                ("kind", "receipt"),
                                ("year__isnull", True),
                            ),
                            models.Q(
                                ("dropoff__isnull", True),
                                ("kind", "statement"),
                                ("year__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="donors_receiptemail_receipt_or_statement",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("automatic", True), ("requested_by__isnull", True)),
                            models.Q(("automatic", False), ("requested_by__isnull", False)),
                            _connector="OR",
                        ),
                        name="donors_receiptemail_attributable",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "sent"), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="donors_receiptemail_sent_has_time",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("automatic", True)),
                        fields=("dropoff",),
                        name="donors_receiptemail_one_automatic_per_dropoff",
                    ),
                ],
            },
        ),
    ]
