"""The chain's beat tick (windows, expiry, debts) lives in the database like the market's."""

from django.db import migrations

TICK = "chain.tick"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=10, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Token chain: list windows, expire ended ones, collect overage debts",
        defaults={"task": TICK, "interval": every, "description": "Runs every 10 seconds."},
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TICK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chain", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
