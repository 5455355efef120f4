"""The deadlines tick in beat's database schedule, where management can change it in admin."""

from django.db import migrations

TICK = "arbitration.deadlines_tick"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Dispute deadlines",
        defaults={
            "task": TICK,
            "interval": every,
            "description": "Every minute: flags late responses and overdue rulings, "
            "emails the people concerned, and makes rulings final after the appeal window.",
        },
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TICK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
