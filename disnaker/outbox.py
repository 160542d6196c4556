"""Work that must happen after a commit, kept in the database until the broker has it (an outbox).

``send(task, *args, **kwargs)`` records an ``OutboxMessage`` in the caller's transaction and hands
it to Celery as soon as that transaction commits. A broker that cannot be reached leaves the
message pending, and the request that asked for it still succeeds; ``relay`` (a beat every
``OUTBOX_RELAY_SECONDS``, and each worker as it starts) sends pending messages once the broker
answers, and again a message still not done ``OUTBOX_RESEND_MINUTES`` after it was sent. Without
a broker (``make run``, most tests) the task runs eagerly right after the commit.

Each message runs once: the relay locks the rows it sends (``skip_locked``, so two relays never
send the same row) and marks them sent in that transaction (the send right after the commit claims
its fresh row with one UPDATE that matches only a pending row), with the message's id as the Celery
task id. ``OnceTask``, the base of every task, runs a message only while it is not done, holding a
lock on its id: a message published twice (a relay that died before its commit, a redelivery after
a worker was lost) finds it done and is skipped, so no second mail or PDF is made.
"""

import contextlib
import datetime
import logging
import uuid

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .audit import AuditedTask

logger = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)
RELAY_BATCH = 200
MAX_ATTEMPTS = 5
CONNECT_SECONDS = 2


def send(task, *args, **kwargs):
    """Records ``task(*args, **kwargs)`` in the current transaction; it is sent after the commit."""
    from .models import OutboxMessage

    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send_committed(message))
    return message


def _send_committed(message) -> None:
    """Right after the commit that recorded ``message``: claims it with one UPDATE, which a relay
    holding or having sent the row makes match nothing, and publishes it (one quick try)."""
    from .models import OutboxMessage

    if current_app.conf.task_always_eager:
        relay(ids=[message.pk])  # run now, in the relay's transaction, as every eager task is
        return
    message.state, message.sent_at, message.attempts = message.State.SENT, timezone.now(), message.attempts + 1
    claimed = OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
        state=message.state, sent_at=message.sent_at, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    try:
        with _producer() as producer:
            _apply(message, producer=producer)
    except BROKER_DOWN as error:
        _keep_pending(message, error)


@contextlib.contextmanager
def _producer():
    """A producer of the app's pool, its connection checked with one quick try: its connection (and the
    queue it declared once) serves the next request too, and a broker that is down does not hold the
    request that committed."""
    with current_app.producer_pool.acquire(block=True) as producer:
        producer.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CONNECT_SECONDS)
        yield producer


def pending(task, *leading_args):
    """The pending message of ``task`` whose arguments start with ``leading_args``, locked until the
    caller's transaction ends; None if there is none (or the relay is sending it at this moment)."""
    from .models import OutboxMessage

    rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
        task=task.name, state=OutboxMessage.State.PENDING
    )
    for position, value in enumerate(leading_args):
        rows = rows.filter(**{f"args__{position}": value})
    return rows.order_by("created_at").first()


def relay(*, ids=None, limit: int = RELAY_BATCH) -> int:
    """Sends pending messages (the oldest first, or those of ``ids``); stops at the first broker
    error, leaving the rest pending. Returns how many were sent."""
    from .models import OutboxMessage

    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due())
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        messages = list(rows.order_by("created_at")[:limit])
        if not messages:
            return 0
        if current_app.conf.task_always_eager:
            return _publish_all(messages, producer=None)
        try:
            with _producer() as producer:
                return _publish_all(messages, producer=producer)
        except BROKER_DOWN as error:
            messages[0].attempts += 1
            _keep_pending(messages[0], error)
            return 0


def _due() -> Q:
    """Pending, or sent long ago and still not done: the broker may have lost it (a Redis restarted
    without its data). Sending it again is safe, as a message runs once; a task that keeps failing is
    sent at most ``MAX_ATTEMPTS`` times."""
    from .models import OutboxMessage

    resend_before = timezone.now() - datetime.timedelta(minutes=settings.OUTBOX_RESEND_MINUTES)
    lost = Q(state=OutboxMessage.State.SENT, sent_at__lt=resend_before, attempts__lt=MAX_ATTEMPTS)
    return Q(state=OutboxMessage.State.PENDING) | lost


def _publish_all(messages, *, producer) -> int:
    sent = 0
    for message in messages:
        if not _publish(message, producer=producer):
            break
        sent += 1
    return sent


def _publish(message, *, producer) -> bool:
    # Marked sent before it is published: a task run eagerly marks it done, and must not be undone.
    message.state, message.sent_at, message.attempts = message.State.SENT, timezone.now(), message.attempts + 1
    message.save(update_fields=["state", "sent_at", "attempts"])
    try:
        _apply(message, producer=producer)
    except BROKER_DOWN as error:
        _keep_pending(message, error)
        return False
    return True


def _apply(message, *, producer) -> None:
    # No result is awaited (none is kept): the result backend is not consulted, so a Redis that is
    # down fails the publish at once instead of retrying to subscribe for the result.
    current_app.tasks[message.task].apply_async(
        args=message.args, kwargs=message.kwargs, task_id=str(message.pk), retry=False, ignore_result=True,
        producer=producer,
    )  # fmt: skip


def _keep_pending(message, error: Exception) -> None:
    logger.warning("The broker cannot be reached, %s stays pending: %s", message.task, error)
    message.state, message.sent_at, message.last_error = message.State.PENDING, None, str(error)[:1000]
    message.save(update_fields=["state", "sent_at", "attempts", "last_error"])


def purge_done(*, now: datetime.datetime | None = None) -> int:
    """Removes messages done more than ``OUTBOX_KEEP_DAYS`` ago (long past any redelivery); safe to
    run twice. Pending and sent messages stay until they are done."""
    from .models import OutboxMessage

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _rows = OutboxMessage.objects.filter(state=OutboxMessage.State.DONE, done_at__lt=cutoff).delete()
    return deleted


def relay_at_worker_start(**_signal) -> None:
    """Sends what waited while the broker was down as soon as a worker is up (``worker_ready``)."""
    try:
        relay()
    except Exception:  # a worker starts even if the database is not reachable yet: the beat follows
        logger.exception("The outbox could not be relayed at worker start")


class OnceTask(AuditedTask):
    """The base of every task: a task sent through the outbox runs once, however often it arrives."""

    def __call__(self, *args, **kwargs):
        message_id = _message_id(self.request.id)
        if message_id is None:
            return super().__call__(*args, **kwargs)
        from .models import OutboxMessage

        messages = OutboxMessage.objects.filter(pk=message_id)
        if not messages.exists():  # sent directly (delay, beat), not through the outbox
            return super().__call__(*args, **kwargs)
        with _exclusive(message_id):
            if messages.filter(state=OutboxMessage.State.DONE).exists():
                logger.info("%s %s already ran: skipped", self.name, message_id)
                return None
            result = super().__call__(*args, **kwargs)
            messages.update(state=OutboxMessage.State.DONE, done_at=timezone.now())
            return result


def _message_id(task_id) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(task_id)) if task_id else None
    except ValueError:
        return None


@contextlib.contextmanager
def _exclusive(message_id: uuid.UUID):
    """Holds a PostgreSQL advisory lock on the message while it runs: a copy delivered to another
    worker at the same time waits, then finds it done. The lock goes with the session if the worker
    dies. (SQLite runs tasks in one process, eagerly.)"""
    if connection.vendor != "postgresql":
        yield
        return
    key = message_id.int >> 65  # a signed 64-bit key
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
