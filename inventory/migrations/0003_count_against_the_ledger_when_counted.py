from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_movements_append_only")]

    operations = [
        migrations.AddField(
            model_name="countline",
            name="on_hand_when_counted",
            field=models.DecimalField(
                decimal_places=3, max_digits=12, verbose_name="on hand when counted", default=0
            ),
            preserve_default=False,
        ),
    ]
