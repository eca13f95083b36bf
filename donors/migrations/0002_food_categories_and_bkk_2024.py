"""Seed data: the food categories and the default methodology, BKK 2024.

BKK 2024 applies 4.2 meals and 2.53 kgCO2e per kg to every category: the factors behind
Bangkok's published figures. It is in force from 2000-01-01 so that historical records
imported from the city's spreadsheets are computed with it too.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("cooked-meals", "อาหารปรุงสุก", "Cooked meals"),
    ("bakery", "เบเกอรี่และขนมปัง", "Bakery"),
    ("fruit-vegetables", "ผักและผลไม้", "Fruit and vegetables"),
    ("rice-grains", "ข้าวและธัญพืช", "Rice and grains"),
    ("meat-fish", "เนื้อสัตว์และปลา", "Meat and fish"),
    ("dairy-eggs", "นมและไข่", "Dairy and eggs"),
    ("dry-canned", "อาหารแห้งและอาหารกระป๋อง", "Dry and canned goods"),
    ("beverages", "เครื่องดื่ม", "Beverages"),
    ("other", "อื่น ๆ", "Other"),
]


def seed(apps, schema_editor):
    FoodCategory = apps.get_model("donors", "FoodCategory")
    Methodology = apps.get_model("donors", "Methodology")
    for order, (slug, name_th, name_en) in enumerate(CATEGORIES, start=1):
        FoodCategory.objects.update_or_create(
            slug=slug, defaults={"name_th": name_th, "name_en": name_en, "sort_order": order}
        )
    Methodology.objects.get_or_create(
        name="BKK 2024",
        version=1,
        defaults={
            "effective_from": date(2000, 1, 1),
            "meals_per_kg": Decimal("4.2"),
            "kgco2e_per_kg": Decimal("2.53"),
            "source": (
                "Bangkok Metropolitan Administration: 4.2 meals and 2.53 kgCO2e avoided per kg "
                "of food, for every category."
            ),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("donors", "Methodology").objects.filter(name="BKK 2024", version=1).delete()
    apps.get_model("donors", "FoodCategory").objects.filter(
        slug__in=[slug for slug, *_ in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("donors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
