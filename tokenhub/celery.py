"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

from .broker import use_for_filesystem_urls

use_for_filesystem_urls()  # the embedded broker, with its messages written whole

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokenhub.settings")

app = Celery("tokenhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
