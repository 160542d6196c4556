"""Redis (cache and broker) stops while a job seeker signs up and registers, and while staff rebuild a
published summary: no 500, nothing lost, the summary still published; once it is back, every task the
outbox kept runs exactly once on a real worker."""

import datetime
import os
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from disnaker import outbox, summaries
from disnaker.celery import app
from disnaker.models import OutboxMessage, Person, Summary
from disnaker.periods import Period
from disnaker.roles import ADMIN
from disnaker.tasks import health, summary_build_task
from tests.conftest import start_worker, stop_worker
from tests.disnaker.conftest import city  # noqa: F401 - fixture: the rows behind the figures
from tests.factories import BatchFactory, VacancyFactory
from training.models import Registration
from training.tasks import registration_notify

from .test_job_seeker import NIK, _attach, _documents, _sign_up
from .test_staff import _run_action

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


QUARTER = Period.quarter(2026, 3)


@pytest.mark.usefixtures("city")
def test_staff_rebuild_a_published_summary_while_redis_is_down_and_it_is_built_once_after(
    live_server, page, staff_page, staff_user, own_redis, summary_files, settings, monkeypatch, tmp_path, shot
):
    _portal_on(own_redis.url, settings, monkeypatch)
    row = summaries._row_for(QUARTER, summaries.CITY)
    summary = summaries.summary_publish(summary=summaries.summary_build(summary_id=row.pk))
    public_page = live_server.url + reverse("statistics_detail", args=[QUARTER.key])
    public_csv = live_server.url + reverse("statistics_csv", args=[QUARTER.key])
    published_csv = page.request.get(public_csv).body()
    pdf_dir = Path(summary_files.location) / "summaries"
    assert [path.name for path in pdf_dir.iterdir()] == ["city-2026-Q3.pdf"]

    def still_published() -> None:
        assert page.goto(public_page).status == 200
        assert page.get_by_role("heading", name=QUARTER.label, exact=True).is_visible()
        csv = page.request.get(public_csv)
        assert csv.status == 200 and csv.body() == published_csv

    # 1. Redis stops; staff log in (second factor included) and rebuild the published summary.
    own_redis.stop()
    staff = staff_page(staff_user(ADMIN))
    server_errors = []
    for each in (page, staff):
        each.on("response", lambda r: r.status >= 500 and server_errors.append(f"{r.status} {r.url}"))
    staff.goto(live_server.url + reverse("admin:disnaker_summary_changelist"))
    _run_action(staff, "rebuild", summary.pk)
    assert staff.locator(".messagelist").inner_text().strip() == (
        "1 ringkasan masuk antrean untuk dibangun ulang; yang sudah terbit tetap tampil di halaman publik sampai "
        "pembangunan baru selesai."
    )
    shot("rebuild-asked-without-redis", page=staff)
    staff.goto(live_server.url + reverse("admin:disnaker_summary_change", args=[summary.pk]))
    assert "Dalam antrean" in staff.locator(".field-state_badge").inner_text()
    still_published()
    shot("statistics-without-redis")

    # The build waits in the outbox; the beat's relay and stuck sweep, minute after minute while the
    # broker is down, leave it there and add no second build.
    [waiting] = OutboxMessage.objects.filter(task=summary_build_task.name)
    assert (waiting.args[:2], waiting.state) == ([summary.pk, True], PENDING)
    assert waiting.attempts == 1 and waiting.last_error
    stuck = timezone.now() + datetime.timedelta(seconds=django_settings.SUMMARY_STUCK_AFTER)
    for minute in range(1, 6):
        assert outbox.relay() == 0
        assert summaries.summaries_retry_stuck(now=stuck + datetime.timedelta(minutes=minute)) == []
    assert OutboxMessage.objects.filter(task=summary_build_task.name).get().state == PENDING
    assert Summary.objects.get(pk=summary.pk).builds == 1
    still_published()
    assert server_errors == []

    # 2. Redis is back; a worker starts, sends what waited and builds it, while the public keep reading.
    own_redis.start()
    worker = start_worker(
        redis_url=own_redis.url, log_path=tmp_path / "worker.log", name=f"outage-staff-{os.getpid()}",
        extra_env={"MEDIA_ROOT": str(Path(summary_files.location).parent)},
    )  # fmt: skip
    try:

        def built() -> bool:
            still_published()
            return OutboxMessage.objects.get(pk=waiting.pk).state == DONE

        _wait_until(built, what="the rebuild")
        # The broker delivers the build again (a relay that died before its commit); a message sent
        # after it marks when the worker has been through it.
        summary_build_task.apply_async(args=waiting.args, task_id=str(waiting.pk), ignore_result=True)
        marker = outbox.send(health)
        _wait_until(lambda: OutboxMessage.objects.get(pk=marker.pk).state == DONE, what="the marker task")
    finally:
        stop_worker(worker)

    rebuilt = Summary.objects.get(pk=summary.pk)
    assert (rebuilt.state, rebuilt.builds, rebuilt.is_published) == (Summary.State.DONE, 2, True)
    assert [path.name for path in pdf_dir.iterdir()] == ["city-2026-Q3.pdf"]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {DONE}
    assert "already ran: skipped" in (tmp_path / "worker.log").read_text()
    still_published()
    assert server_errors == []
    shot("statistics-after-redis-returned")
