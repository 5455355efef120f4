"""Beat's schedule lives in the database (django-celery-beat) so management can edit it in admin."""

from django.db import migrations

TICK = "market.rounds_tick"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Open, close and clear rounds",
        defaults={"task": TICK, "interval": every, "description": "Runs every 5 seconds."},
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TICK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0003_auction"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
