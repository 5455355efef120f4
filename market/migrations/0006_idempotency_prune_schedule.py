"""Beat prunes old idempotency records once a day (editable in admin like every schedule)."""

from django.db import migrations

TASK = "market.idempotency_prune"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name="Forget idempotency keys older than a week",
        defaults={"task": TASK, "interval": every},
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("market", "0005_api_tokens")]
    operations = [migrations.RunPython(forward, backward)]
