"""Summaries built by a real Celery worker over Redis, including one killed half-way through the PDF
and one killed while rebuilding a published summary, which stays served throughout."""

import os
import signal
import threading
import time

import pytest
from django.test import Client
from django.urls import reverse

from disnaker import summaries
from disnaker.celery import app
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.tasks import summary_build_task
from tests.conftest import start_worker, stop_worker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

OCTOBER = Period.month(2026, 10)


def _wait_for(condition, *, timeout: float, what: str, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _state(pk: int) -> Summary:
    return Summary.objects.get(pk=pk)


def test_a_real_worker_builds_the_summary_and_its_pdf(postgres, city, celery_worker, pdftotext):
    summary = summaries.summary_request(period=OCTOBER)  # queued after commit (no atomic block here)
    assert summary.state == Summary.State.QUEUED
    done = _wait_for(
        lambda: (s := _state(summary.pk)).state in (Summary.State.DONE, Summary.State.FAILED) and s,
        timeout=90,
        what="the worker to build the summary",
        interval=0.2,
    )
    assert done.state == Summary.State.DONE, done.error
    assert done.figures["figures"]["training.registrations"]["total"] == 3
    assert done.pdf.name == "summaries/city-2026-10.pdf"
    with done.pdf.open("rb") as pdf:
        text = pdftotext(pdf.read())
    assert "Oktober 2026" in text
    assert "Hal. 1 dari" in text


def test_a_worker_killed_in_the_middle_of_a_pdf_leaves_exactly_one_pdf_after_restart(
    postgres, city, redis_url, tmp_path, pdftotext
):
    media = tmp_path / "media"
    queue = f"kill-test-{os.getpid()}"
    env = {"MEDIA_ROOT": str(media), "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_RESTORE_INTERVAL": "1"}
    args = ("-Q", queue)
    summary = summaries._row_for(OCTOBER, summaries.CITY)

    worker = start_worker(redis_url=redis_url, log_path=tmp_path / "first.log", name=f"{queue}-a", extra_env=env,
                          extra_args=args)  # fmt: skip
    try:
        summary_build_task.apply_async((summary.pk, False), queue=queue)
        # Figures stored (built_at set) but no PDF yet: the worker is rendering.
        _wait_for(lambda: (s := _state(summary.pk)).built_at and not s.pdf, timeout=60, what="the PDF step")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    interrupted = _state(summary.pk)
    assert interrupted.state == Summary.State.RUNNING  # killed before it could finish
    assert not interrupted.pdf

    restarted = start_worker(redis_url=redis_url, log_path=tmp_path / "second.log", name=f"{queue}-b",
                             extra_env=env, extra_args=args)  # fmt: skip
    try:
        done = _wait_for(
            lambda: (s := _state(summary.pk)).state == Summary.State.DONE and s,
            timeout=90,
            what="the restarted worker to take the unacknowledged build again",
            interval=0.2,
        )
    finally:
        stop_worker(restarted)
    folder = media / "private" / "summaries"
    assert sorted(p.name for p in folder.iterdir()) == ["city-2026-10.pdf"]
    assert done.pdf.name == "summaries/city-2026-10.pdf"
    assert "Oktober 2026" in pdftotext((folder / "city-2026-10.pdf").read_bytes())


def _served(client) -> tuple[int, int]:
    """What a visitor gets for October's published page and its CSV."""
    page = client.get(reverse("statistics_detail", args=[OCTOBER.key]))
    csv = client.get(reverse("statistics_csv", args=[OCTOBER.key]))
    return page.status_code, csv.status_code


class _Visitor(threading.Thread):
    """Asks for the published page and its CSV again and again, on its own database connection."""

    def __init__(self):
        super().__init__(daemon=True)
        self.answers: list = []
        self.done = threading.Event()

    def run(self):
        from django.db import connection

        client = Client(raise_request_exception=False)
        try:
            while not self.done.is_set():
                self.answers.append(_served(client))
                self.done.wait(0.05)
        finally:
            connection.close()

    def stop(self):
        self.done.set()
        if self.is_alive():
            self.join(timeout=30)


@pytest.mark.parametrize("recovery", ["visibility timeout", "stuck sweep"])
def test_a_worker_killed_while_rebuilding_a_published_summary_is_recovered_and_the_summary_stays_served(
    postgres, city, redis_url, tmp_path, pdftotext, settings, recovery
):
    """The two ways back, each with its timing shrunk from minutes to seconds: the broker hands the
    unacknowledged build to the next worker (visibility timeout 4 min, here 3 s), or the beat's sweep
    queues a build that stopped moving on again (SUMMARY_STUCK_AFTER 200 s, here 2 s)."""
    app.control.purge()  # the sweep sends to the default queue, which the second worker also reads
    media = tmp_path / "media"
    queue = f"kill-published-{recovery.split()[-1]}-{os.getpid()}"
    # With the sweep, the broker must not be the one that brings the build back within the test.
    visibility = "3" if recovery == "visibility timeout" else "900"
    env = {"MEDIA_ROOT": str(media), "CELERY_VISIBILITY_TIMEOUT": visibility, "CELERY_RESTORE_INTERVAL": "1"}
    settings.SUMMARY_STUCK_AFTER = 2
    summary = summaries._row_for(OCTOBER, summaries.CITY)

    worker = start_worker(redis_url=redis_url, log_path=tmp_path / "first.log", name=f"{queue}-a", extra_env=env,
                          extra_args=("-Q", queue))  # fmt: skip
    visitor = _Visitor()
    try:
        summary_build_task.apply_async((summary.pk, False), queue=queue)
        first = _wait_for(
            lambda: (s := _state(summary.pk)).state == Summary.State.DONE and s, timeout=90, what="the first build"
        )
        summaries.summary_publish(summary=first)
        visitor.start()
        summary_build_task.apply_async((summary.pk, True), queue=queue)  # "Rebuild" in the admin
        # The rebuild's figures are stored and its PDF is being rendered: kill the worker now.
        _wait_for(
            lambda: (s := _state(summary.pk)).builds == 2 and s.state == Summary.State.RUNNING,
            timeout=60,
            what="the rebuild's PDF step",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed = time.monotonic()
        assert _state(summary.pk).state == Summary.State.RUNNING
        restarted = start_worker(redis_url=redis_url, log_path=tmp_path / "second.log", name=f"{queue}-b",
                                 extra_env=env, extra_args=("-Q", f"{queue},celery"))  # fmt: skip
        try:
            if recovery == "stuck sweep":
                _wait_for(summaries.summaries_retry_stuck, timeout=30, what="the sweep", interval=0.2)
            done = _wait_for(
                lambda: (s := _state(summary.pk)).state == Summary.State.DONE and s,
                timeout=90,
                what="the build to run again",
                interval=0.1,
            )
            recovered_in = time.monotonic() - killed
        finally:
            stop_worker(restarted)
    finally:
        visitor.stop()
        if worker.poll() is None:
            worker.kill()
    assert len(visitor.answers) > 10
    assert set(visitor.answers) == {(200, 200)}, "the published summary was not served at some moment"
    assert recovered_in < 60  # five minutes with the production settings
    assert done.builds >= 3 and done.pdf_built_at > first.pdf_built_at and done.is_published
    folder = media / "private" / "summaries"
    assert sorted(p.name for p in folder.iterdir()) == ["city-2026-10.pdf"]
    assert "Oktober 2026" in pdftotext((folder / "city-2026-10.pdf").read_bytes())
