"""The Celery application: ``celery -A disnaker worker`` / ``celery -A disnaker beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")

app = Celery("disnaker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
