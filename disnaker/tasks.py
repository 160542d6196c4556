from celery import shared_task
from django.db import connection


@shared_task(name="disnaker.health", time_limit=30, soft_time_limit=20)
def health() -> dict:
    """A trivial task that proves a worker runs, sees the settings and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"ok": value == 1, "database": connection.vendor}
