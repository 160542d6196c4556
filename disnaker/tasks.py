from celery import shared_task
from django.db import connection, transaction

from . import summaries
from .audit import acting_as_id


@shared_task(name="disnaker.health", time_limit=30, soft_time_limit=20)
def health() -> dict:
    """A trivial task that proves a worker runs, sees the settings and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"ok": value == 1, "database": connection.vendor}


# A build is safe to run twice (one row per period, PDF replaced in one step), so it is acknowledged
# only once finished: a worker that dies half-way leaves the task for the next one, which takes it
# after the broker's visibility timeout. That timeout must outlast the build, or a live build would
# be handed to a second worker: the time limit stays below it (settings.CELERY_BROKER_TRANSPORT_OPTIONS),
# and so does the longest retry wait, which a worker holds unacknowledged too.
BUILD_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 3 * 60,
    "soft_time_limit": 150,
    "autoretry_for": (ConnectionError, TimeoutError),
    "retry_backoff": 15,
    "retry_backoff_max": 120,
    "max_retries": 5,
}


@shared_task(name="disnaker.summary_build", **BUILD_OPTIONS)
def summary_build_task(summary_id: int, force: bool = False, actor_id: int | None = None) -> str:
    with acting_as_id(actor_id):
        summary = summaries.summary_build(summary_id=summary_id, force=force)
    return summary.state


@shared_task(name="disnaker.summary_render_pdf", **BUILD_OPTIONS)
def summary_render_pdf_task(summary_id: int) -> bool:
    return summaries.summary_pdf_ensure(summary_id=summary_id)


# About a second each: what one worker renders well within the minute before the next sweep.
PDFS_PER_MINUTE = 20


@shared_task(name="disnaker.summaries_recover", time_limit=60, soft_time_limit=50)
def summaries_recover() -> dict:
    """Each minute: builds stuck in queued/running are queued again; built summaries get their PDF."""
    retried = summaries.summaries_retry_stuck()
    missing = summaries.summaries_missing_pdf(limit=PDFS_PER_MINUTE)
    for summary_id in missing:
        transaction.on_commit(lambda summary_id=summary_id: summary_render_pdf_task.delay(summary_id))
    return {"retried": [str(summary.period) for summary in retried], "pdf_missing": len(missing)}


def _schedule(kind: str) -> list[str]:
    return [str(summary.period) for summary in summaries.summaries_schedule(kind=kind)]


@shared_task(name="disnaker.summaries_monthly", time_limit=120, soft_time_limit=100)
def summaries_monthly() -> list[str]:
    """The month that just ended (final) and the month under way (so the dashboard is current)."""
    return _schedule("month")


@shared_task(name="disnaker.summaries_quarterly", time_limit=120, soft_time_limit=100)
def summaries_quarterly() -> list[str]:
    return _schedule("quarter")


@shared_task(name="disnaker.summaries_yearly", time_limit=120, soft_time_limit=100)
def summaries_yearly() -> list[str]:
    return _schedule("year")


@shared_task(name="disnaker.summaries_current", time_limit=120, soft_time_limit=100)
def summaries_current() -> str:
    """Refreshes this month's summary every morning for the dashboard."""
    from django.utils import timezone

    from .periods import Period

    return str(summaries.summary_request(period=Period.containing(timezone.localdate(), "month")).period)


@shared_task(name="disnaker.read_audit_purge", time_limit=600, soft_time_limit=540)
def read_audit_purge() -> int:
    """Removes read-audit rows older than READ_AUDIT_RETENTION_DAYS; safe to run twice."""
    from .readaudit import accesses_purge

    return accesses_purge()


@shared_task(name="disnaker.outbox_relay", time_limit=120, soft_time_limit=100)
def outbox_relay() -> int:
    """Sends the outbox messages left pending while the broker was down (``disnaker/outbox.py``)."""
    from . import outbox

    return outbox.relay()


@shared_task(name="disnaker.outbox_purge", time_limit=120, soft_time_limit=100)
def outbox_purge() -> int:
    """Removes outbox messages done more than OUTBOX_KEEP_DAYS ago; safe to run twice."""
    from . import outbox

    return outbox.purge_done()


@shared_task(name="disnaker.submission_keys_purge", time_limit=300, soft_time_limit=240)
def submission_keys_purge() -> int:
    """Removes claimed form keys past SUBMISSION_KEY_MAX_AGE_DAYS; safe to run twice."""
    from .idempotency import submission_keys_purge as purge

    return purge()
