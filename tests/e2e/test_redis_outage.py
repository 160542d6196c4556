"""Redis (cache and broker) stops while a job seeker signs up and registers: no 500 and nothing lost;
once it is back, every task the outbox kept runs exactly once on a real worker."""

import os
import time

import pytest
import redis
from django.urls import reverse

from disnaker import outbox
from disnaker.celery import app
from disnaker.models import OutboxMessage, Person
from disnaker.tasks import health
from tests.conftest import start_worker, stop_worker
from tests.factories import BatchFactory, VacancyFactory
from training.models import Registration
from training.tasks import registration_notify

from .test_job_seeker import NIK, _attach, _documents, _sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.ratelimit,  # the rate limits apply, and fail open without Redis
    pytest.mark.django_db(transaction=True),
]

PENDING, DONE = OutboxMessage.State.PENDING, OutboxMessage.State.DONE


def _portal_on(redis_url: str, settings, monkeypatch) -> None:
    """The live server's cache, broker and results on ``redis_url``."""
    settings.CACHES = {
        "default": {
            "BACKEND": "disnaker.cache.TolerantRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
        }
    }
    for name, value in {"broker_url": redis_url, "result_backend": redis_url, "task_always_eager": False}.items():
        monkeypatch.setitem(app.conf, name, value)
    # The app keeps its broker connections in pools made on first use: new ones for this Redis, and
    # the suite's own back afterwards.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def _wait_until(condition, *, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {timeout} s")


def _mails(directory) -> list[str]:
    """The messages the worker's file backend wrote, one string each."""
    texts = [path.read_text() for path in sorted(directory.glob("*.log"))] if directory.exists() else []
    return [block for text in texts for block in text.split("-" * 79) if "Message-ID:" in block]


def test_a_job_seeker_signs_up_and_registers_while_redis_is_down_and_each_task_runs_once_after(
    live_server, page, axe, uploads, shot, mailoutbox, own_redis, settings, monkeypatch, tmp_path
):
    _portal_on(own_redis.url, settings, monkeypatch)
    batch = BatchFactory(programme__name="Juru Las SMAW 3G", quota=10)
    VacancyFactory(title="Operator Produksi")
    server_errors = []
    page.on("response", lambda r: r.status >= 500 and server_errors.append(f"{r.status} {r.url}"))
    page.goto(live_server.url + reverse("training:catalogue"))
    assert redis.Redis.from_url(own_redis.url).keys("*public-page:*")  # the page is cached while Redis runs

    # 1. Redis stops. The public lists are rendered for each visitor.
    own_redis.stop()
    assert page.goto(live_server.url + reverse("placement:vacancy_list")).status == 200
    assert "Operator Produksi" in page.content()
    assert page.goto(live_server.url + reverse("training:catalogue")).status == 200
    assert "Juru Las SMAW 3G" in page.content()
    shot("catalogue-without-redis")

    # 2. Sign-up (rate limited, so counted in the cache) and registration with both uploads complete.
    _sign_up(page, live_server, axe, shot, mailoutbox)
    page.goto(live_server.url + reverse("training:register", args=[batch.pk]))
    for selector, upload in _documents(uploads):
        _attach(page, selector, upload)
    page.get_by_role("button", name="Kirim pendaftaran saya").click()
    page.wait_for_url("**/akun/pelatihan/*/")
    shot("registered-without-redis")
    assert "Terdaftar" in page.content()
    assert server_errors == []

    # Nothing lost: the rows are there, and the e-mail to send waits in the outbox.
    registration = Registration.objects.get(person=Person.objects.get(nik=NIK), batch=batch)
    waiting = OutboxMessage.objects.get()
    assert (waiting.task, waiting.args, waiting.state) == (
        "training.registration_notify", [registration.pk, "registered"], PENDING
    )  # fmt: skip
    assert waiting.attempts == 1 and waiting.last_error

    # 3. Redis is back; a worker starts and sends what waited.
    own_redis.start()
    mail_dir = tmp_path / "mail"
    worker = start_worker(
        redis_url=own_redis.url, log_path=tmp_path / "worker.log", name=f"outage-{os.getpid()}",
        extra_env={"EMAIL_URL": f"filemail:///{mail_dir}"},
    )  # fmt: skip
    try:
        _wait_until(lambda: OutboxMessage.objects.filter(state=DONE).count() == 1, what="the waiting e-mail")
        # The broker delivers the same message again (as after a relay that died before its commit);
        # a message sent after it marks when the worker has been through it.
        registration_notify.apply_async(args=waiting.args, task_id=str(waiting.pk), ignore_result=True)
        marker = outbox.send(health)
        _wait_until(lambda: OutboxMessage.objects.get(pk=marker.pk).state == DONE, what="the marker task")
    finally:
        stop_worker(worker)

    mails = _mails(mail_dir)
    assert len(mails) == 1, mails
    assert "To: nur.aini@example.org" in mails[0]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {DONE}
    assert "already ran: skipped" in (tmp_path / "worker.log").read_text()
