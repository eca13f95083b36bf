"""The city's default points policy, and an append-only points ledger on PostgreSQL."""

from django.db import migrations

from foodbank.db.append_only import append_only

#: (from need score, base points): a household scoring 0 on every dimension gets nothing.
BANDS = ((0, 0), (1, 100), (6, 200), (11, 300), (16, 400))


def seed(apps, schema_editor):
    CityPolicy = apps.get_model("points", "CityPolicy")
    NeedBand = apps.get_model("points", "NeedBand")
    CityPolicy.objects.get_or_create(
        pk=1,
        defaults={
            "points_per_member": 20,
            "points_per_dependant": 30,
            "max_award": 800,
            "validity_days": 90,
            "approval_threshold": 500,
            "min_district_percent": 80,
            "max_district_percent": 120,
            "min_validity_days": 30,
            "max_validity_days": 180,
        },
    )
    for min_score, points in BANDS:
        NeedBand.objects.get_or_create(min_score=min_score, defaults={"points": points})


def unseed(apps, schema_editor):
    apps.get_model("points", "NeedBand").objects.all().delete()
    apps.get_model("points", "CityPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("points", "0001_households_and_points")]

    operations = [
        migrations.RunPython(seed, unseed),
        append_only("points_pointsentry"),
    ]
