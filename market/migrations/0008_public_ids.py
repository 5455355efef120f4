"""Opaque public ids for orders and fills (issue #11): existing rows get one each."""

from django.db import migrations, models

import market.ids


def fill_in(apps, schema_editor):
    for name in ("Order", "Fill"):
        model = apps.get_model("market", name)
        rows = list(model.objects.filter(public_id__isnull=True).only("pk"))
        for row in rows:
            row.public_id = market.ids.new_public_id()
        model.objects.bulk_update(rows, ["public_id"], batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("market", "0007_chain_gate_reasons_meter")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="fill",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="order",
            name="public_id",
            field=models.CharField(
                default=market.ids.new_public_id, editable=False, max_length=16, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="fill",
            name="public_id",
            field=models.CharField(
                default=market.ids.new_public_id, editable=False, max_length=16, unique=True
            ),
        ),
    ]
