"""The outbox: tasks recorded with the transaction that asks for them, sent after commit, run once."""

import datetime
import threading
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from disnaker import outbox
from disnaker.celery import app
from disnaker.models import OutboxMessage
from disnaker.tasks import health
from tests.factories import PersonFactory, RegistrationFactory
from training.tasks import registration_notify

PENDING, SENT, DONE = OutboxMessage.State.PENDING, OutboxMessage.State.SENT, OutboxMessage.State.DONE


def _registration():
    return RegistrationFactory(person=PersonFactory(email="nur.aini@example.org"))


@pytest.mark.django_db
def test_a_message_is_recorded_in_the_transaction_that_asks_for_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.send(health)
        raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists()

    message = outbox.send(health)
    assert (message.task, message.state, message.args) == ("disnaker.health", PENDING, [])


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_right_after_the_commit(eager, django_capture_on_commit_callbacks, mailoutbox):
    registration = _registration()
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.send(registration_notify, registration.pk, registration.status)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (DONE, 1)
    assert [m.to for m in mailoutbox] == [["nur.aini@example.org"]]


@pytest.mark.django_db
def test_a_message_delivered_again_is_skipped(eager, django_capture_on_commit_callbacks, mailoutbox):
    registration = _registration()
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.send(registration_notify, registration.pk, registration.status)

    again = registration_notify.apply(args=message.args, task_id=str(message.pk))  # the broker redelivers it
    assert again.result is None
    assert len(mailoutbox) == 1
    # Not a message of the outbox: it runs as asked (the mail, sent once per status change, stays one).
    assert health.apply(task_id=str(uuid.uuid4())).result["ok"] is True


@pytest.mark.django_db
def test_a_broker_that_is_down_leaves_the_message_pending(broker_down, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.send(health)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at) == (PENDING, 1, None)
    assert "Connection refused" in message.last_error
    assert "stays pending" in caplog.text

    assert outbox.relay() == 0  # the beat, while the broker is still down
    message.refresh_from_db()
    assert (message.state, message.attempts) == (PENDING, 2)


@pytest.mark.services
@pytest.mark.django_db
def test_the_relay_sends_what_waited_once_the_broker_answers(redis_url, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    first, second = outbox.send(health), outbox.send(health)
    try:
        assert outbox.relay() == 2
        assert outbox.relay() == 0  # sent ones are not sent again
    finally:
        app.control.purge()  # no worker here: nothing is left in the queue for a later test's worker
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {SENT}
    assert {first.pk, second.pk} == set(OutboxMessage.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_message_another_relay_holds_is_left_to_it(broker_down):
    message = outbox.send(health)  # autocommit: tried at once, and left pending
    locked, release = threading.Event(), threading.Event()

    def other_relay():
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
            locked.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert outbox.relay() == 0  # skipped, not waited for
    finally:
        release.set()
        thread.join()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (PENDING, 1)  # only the first try


def test_the_beat_relays_the_outbox_every_thirty_seconds(settings):
    assert settings.CELERY_BEAT_SCHEDULE["disnaker.outbox_relay"] == {"task": "disnaker.outbox_relay", "schedule": 30}
    assert "disnaker.outbox_relay" in app.tasks


@pytest.mark.django_db
def test_a_message_sent_long_ago_and_never_run_is_sent_again(eager, mailoutbox):
    """The broker lost it (a Redis restarted without its queue): the relay sends it again, a few times at most."""
    registration = _registration()
    message = outbox.send(registration_notify, registration.pk, registration.status)
    sent_at = timezone.now() - datetime.timedelta(minutes=36)
    OutboxMessage.objects.filter(pk=message.pk).update(state=SENT, sent_at=sent_at, attempts=1)
    recent = outbox.send(health)
    OutboxMessage.objects.filter(pk=recent.pk).update(state=SENT, sent_at=timezone.now(), attempts=1)
    given_up = outbox.send(health)
    OutboxMessage.objects.filter(pk=given_up.pk).update(state=SENT, sent_at=sent_at, attempts=outbox.MAX_ATTEMPTS)

    assert outbox.relay() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (DONE, 2)
    assert len(mailoutbox) == 1
    assert set(OutboxMessage.objects.exclude(pk=message.pk).values_list("state", flat=True)) == {SENT}


@pytest.mark.django_db
def test_messages_done_long_ago_are_purged_and_the_rest_kept(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    now = timezone.now()
    old_done = OutboxMessage.objects.create(
        task="disnaker.health", state=DONE, done_at=now - datetime.timedelta(days=31)
    )
    recent_done = OutboxMessage.objects.create(
        task="disnaker.health", state=DONE, done_at=now - datetime.timedelta(days=29)
    )
    old_pending = OutboxMessage.objects.create(task="disnaker.health", created_at=now - datetime.timedelta(days=90))
    old_sent = OutboxMessage.objects.create(
        task="disnaker.health", state=SENT, sent_at=now - datetime.timedelta(days=90)
    )

    assert outbox.purge_done(now=now) == 1
    assert outbox.purge_done(now=now) == 0
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent_done.pk, old_pending.pk, old_sent.pk}
    assert not OutboxMessage.objects.filter(pk=old_done.pk).exists()
    assert settings.CELERY_BEAT_SCHEDULE["disnaker.outbox_purge"]["task"] == "disnaker.outbox_purge"


def _queued_task_ids() -> list[str]:
    """The ids of the task messages waiting in the broker's default queue (Redis)."""
    import json

    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        return [json.loads(body)["headers"]["id"] for body in client.lrange(app.conf.task_default_queue, 0, -1)]


@pytest.mark.services
@pytest.mark.django_db
def test_after_the_commit_a_message_is_published_once_unless_a_relay_took_it(
    redis_url, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    app.control.purge()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sent = outbox.send(health)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            taken = outbox.send(health)
        OutboxMessage.objects.filter(pk=taken.pk).update(state=SENT, attempts=1)  # a relay sent it first
        for callback in callbacks:
            callback()
        queued = _queued_task_ids()
    finally:
        app.control.purge()  # no worker here: nothing is left in the queue for a later test's worker
    assert queued == [str(sent.pk)]
    sent.refresh_from_db()
    taken.refresh_from_db()
    assert (sent.state, sent.attempts, sent.sent_at is not None) == (SENT, 1, True)
    assert (taken.state, taken.attempts) == (SENT, 1)
