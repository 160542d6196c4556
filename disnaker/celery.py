"""The Celery application: ``celery -A disnaker worker`` / ``celery -A disnaker beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")

# Every task is a OnceTask: an AuditedTask (what it changes is recorded in the name of the system user
# or its starter) that runs a message of the outbox only once.
app = Celery("disnaker", task_cls="disnaker.outbox:OnceTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
