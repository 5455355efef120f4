"""Windows' names (their asset's and market's) read alike in every language: numbers only.

Earlier names carried English month abbreviations ("7–13 Dec"); pages now show the dates in the
reader's language, and the stored name is "2026-12-07–13".
"""

from django.db import migrations


def rename(apps, schema_editor):
    from chain.labels import window_label

    Window = apps.get_model("chain", "Window")
    Asset = apps.get_model("ledger", "Asset")
    Market = apps.get_model("market", "Market")
    for window in Window.objects.select_related("series").iterator():
        name = f"{window.series.name} · {window_label(window.starts_at, window.ends_at)}"
        Asset.objects.filter(pk=window.asset_id).update(name=name)
        Market.objects.filter(pk=window.market_id).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("chain", "0002_beat_schedule"),
        ("ledger", "0005_reconcile_schedule"),
        ("market", "0008_public_ids"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
