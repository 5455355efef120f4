"""The webhook sweep in beat's database schedule: re-finds every due delivery each minute."""

from django.db import migrations

SWEEP = "events.webhooks_due"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Webhook deliveries",
        defaults={
            "task": SWEEP,
            "interval": every,
            "description": "Every minute: sends webhook deliveries whose next attempt is due "
            "(a lost task or a stopped worker only delays them).",
        },
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
