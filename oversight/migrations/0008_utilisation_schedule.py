"""Keeping ended windows' utilisation in beat's database schedule: every minute."""

from django.db import migrations

TASK = "oversight.utilisation_record"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Window utilisation",
        defaults={
            "task": TASK,
            "interval": every,
            "description": "Every minute: keeps what each expired window delivered, what was "
            "consumed and what expired, for the market-health view (a repeat records nothing "
            "twice).",
        },
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0007_window_utilisation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
