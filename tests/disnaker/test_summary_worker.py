"""Summaries built by a real Celery worker over Redis, including one killed half-way through the PDF."""

import os
import signal
import time

import pytest

from disnaker import summaries
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
