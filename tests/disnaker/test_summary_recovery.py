"""Summaries never disappear: the published one stays while rebuilt or after a failed rebuild, stuck
builds are queued again by beat and shown as stuck, every built summary gets its PDF."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from disnaker import outbox, summaries, tasks
from disnaker.audit import acting_as_id
from disnaker.celery import app
from disnaker.models import OutboxMessage, Summary
from disnaker.periods import Period
from disnaker.roles import ADMIN
from tests.training.conftest import login_in_english

from .conftest import at

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)
AFTER_OCTOBER = at(2026, 11, 15)
STUCK = datetime.timedelta(seconds=settings.SUMMARY_STUCK_AFTER)


def _published(*, pdf=True) -> Summary:
    row = summaries._row_for(OCTOBER, summaries.CITY)
    summary = summaries.summary_build(summary_id=row.pk, pdf=pdf, now=AFTER_OCTOBER)
    return summaries.summary_publish(summary=summary)


def _public_answers(client) -> tuple[int, int]:
    page = client.get(reverse("statistics_detail", args=[OCTOBER.key]))
    csv = client.get(reverse("statistics_csv", args=[OCTOBER.key]))
    return page.status_code, csv.status_code


def _waiting(state, *, since, started=None) -> Summary:
    row = summaries._row_for(OCTOBER, summaries.CITY)
    Summary.objects.filter(pk=row.pk).update(state=state, queued_at=since, started_at=started)
    return Summary.objects.get(pk=row.pk)


@pytest.fixture
def admin_client(client, staff_user):
    return login_in_english(client, staff_user(ADMIN))


# --- The published version stays ---------------------------------------------------------------


@pytest.mark.parametrize("step", ["compute_figures", "summary_render_pdf"])
def test_a_rebuild_that_fails_keeps_the_published_summary_and_its_files(
    client, admin_client, city, summary_files, monkeypatch, step
):
    summary = _published()
    pdf_before = summary_files.open(summary.pdf.name).read()

    def broken(*args, **kwargs):
        raise RuntimeError("tabel tidak terbaca")

    monkeypatch.setattr(summaries, step, broken)
    with pytest.raises(RuntimeError):
        summaries.summary_build(summary_id=summary.pk, force=True)
    failed = Summary.objects.get(pk=summary.pk)
    assert failed.state == Summary.State.FAILED and failed.is_published
    assert _public_answers(client) == (200, 200)
    pdf = admin_client.get(reverse("admin:disnaker_summary_pdf", args=[summary.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == pdf_before
    assert admin_client.get(reverse("admin:disnaker_summary_xlsx", args=[summary.pk])).status_code == 200


def test_a_published_summary_is_served_at_every_step_of_its_rebuild(client, city, summary_files, monkeypatch):
    summary = _published()
    answers = []
    real_render = summaries.summary_render_pdf

    def render_and_look(*, summary):
        answers.append(("figures stored, PDF rendering", _public_answers(client)))
        return real_render(summary=summary)

    monkeypatch.setattr(summaries, "summary_render_pdf", render_and_look)
    summaries.summary_request(period=OCTOBER, force=True)  # queued: on commit of the test, never here
    answers.append(("queued", _public_answers(client)))
    summaries.summary_build(summary_id=summary.pk, force=True)
    answers.append(("done", _public_answers(client)))
    assert answers == [
        ("queued", (200, 200)),
        ("figures stored, PDF rendering", (200, 200)),
        ("done", (200, 200)),
    ]


# --- Stuck builds ------------------------------------------------------------------------------


def test_a_build_is_stuck_only_after_the_set_time_without_moving_on(city):
    now = timezone.now()
    assert not _waiting(Summary.State.QUEUED, since=now - STUCK + datetime.timedelta(seconds=5)).is_stuck(now=now)
    assert _waiting(Summary.State.QUEUED, since=now - STUCK - datetime.timedelta(seconds=1)).is_stuck(now=now)
    # queued long ago but started a moment ago: a worker is on it
    running = _waiting(Summary.State.RUNNING, since=now - 3 * STUCK, started=now - datetime.timedelta(seconds=5))
    assert not running.is_stuck(now=now)
    assert _waiting(Summary.State.RUNNING, since=now - 3 * STUCK, started=now - 2 * STUCK).is_stuck(now=now)
    for state in (Summary.State.DONE, Summary.State.FAILED):
        assert not _waiting(state, since=now - 10 * STUCK).is_stuck(now=now)
    assert list(Summary.objects.stuck(now=now)) == []


def test_stuck_means_longer_than_a_build_may_run():
    assert tasks.summary_build_task.time_limit < settings.SUMMARY_STUCK_AFTER


def test_the_sweep_queues_a_lost_build_again_and_it_is_built(
    city, eager, summary_files, django_capture_on_commit_callbacks
):
    now = timezone.now()
    lost = _waiting(Summary.State.QUEUED, since=now - 2 * STUCK)  # its task never reached the broker
    with django_capture_on_commit_callbacks(execute=True):
        retried = tasks.summaries_recover.apply().get()
    assert retried["retried"] == [str(OCTOBER)]
    built = Summary.objects.get(pk=lost.pk)
    assert built.state == Summary.State.DONE
    assert built.pdf.name == "summaries/city-2026-10.pdf"
    assert built.queued_at >= now


def test_the_sweep_takes_over_a_build_whose_worker_died(city, django_capture_on_commit_callbacks):
    now = timezone.now()
    dead = _waiting(Summary.State.RUNNING, since=now - 3 * STUCK, started=now - 2 * STUCK)
    alive = summaries._row_for(Period.month(2026, 9), summaries.CITY)
    Summary.objects.filter(pk=alive.pk).update(state=Summary.State.RUNNING, started_at=now)
    with django_capture_on_commit_callbacks() as sent:
        retried = summaries.summaries_retry_stuck(now=now)
    assert [summary.pk for summary in retried] == [dead.pk]
    assert len(sent) == 1  # one build task, for the dead one only
    requeued = Summary.objects.get(pk=dead.pk)
    assert requeued.state == Summary.State.QUEUED and requeued.queued_at == now
    assert not requeued.is_stuck(now=now + STUCK - datetime.timedelta(seconds=1))  # not again next minute
    assert Summary.objects.get(pk=alive.pk).state == Summary.State.RUNNING
    assert list(requeued.history.values_list("state", flat=True))[:1] == [Summary.State.QUEUED]


def test_the_sweep_runs_every_minute_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["disnaker.summaries_recover"]
    assert entry["task"] == "disnaker.summaries_recover" and entry["schedule"] == 60.0
    assert settings.SUMMARY_STUCK_AFTER + entry["schedule"] <= 5 * 60  # a lost build runs again within 5 min


def test_the_admin_list_shows_a_stuck_build_with_since_when(admin_client, city):
    now = timezone.now()
    since = (now - 2 * STUCK).replace(microsecond=0)
    _waiting(Summary.State.RUNNING, since=since - STUCK, started=since)
    html = admin_client.get(reverse("admin:disnaker_summary_changelist")).content.decode()
    assert '<strong class="summary-state-stuck">Stuck</strong>' in html
    with translation.override("en"):
        shown = date_format(timezone.localtime(since), "DATETIME_FORMAT")
    assert f"Running since {shown}" in html


def test_the_admin_list_filters_the_stuck_builds(admin_client, city):
    now = timezone.now()
    stuck = _waiting(Summary.State.QUEUED, since=now - 2 * STUCK)
    fresh = summaries._row_for(Period.month(2026, 9), summaries.CITY)
    Summary.objects.filter(pk=fresh.pk).update(queued_at=now)
    response = admin_client.get(reverse("admin:disnaker_summary_changelist"), {"stuck": "yes"})
    assert [summary.pk for summary in response.context["cl"].result_list] == [stuck.pk]


def test_a_build_waiting_a_moment_is_not_shown_as_stuck(admin_client, city):
    _waiting(Summary.State.QUEUED, since=timezone.now())
    html = admin_client.get(reverse("admin:disnaker_summary_changelist")).content.decode()
    assert "summary-state-stuck" not in html
    assert '<strong class="summary-state-queued">Queued</strong>' in html


# --- Every built summary has its PDF ------------------------------------------------------------


def test_the_sweep_renders_the_pdf_a_built_summary_lacks(
    city, eager, summary_files, django_capture_on_commit_callbacks
):
    summary = _published(pdf=False)
    assert not summary.pdf
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.summaries_recover.apply().get()
    assert result == {"retried": [], "pdf_missing": 1}
    summary.refresh_from_db()
    assert summary.pdf.name == "summaries/city-2026-10.pdf" and summary.is_ready
    assert summaries.summaries_missing_pdf() == []
    assert summaries.summary_pdf_ensure(summary_id=summary.pk) is False  # a second run renders nothing


def test_the_sweep_renders_a_bounded_number_of_missing_pdfs_newest_first(city):
    for period in (Period.month(2026, 8), Period.month(2026, 9), OCTOBER):
        row = summaries._row_for(period, summaries.CITY)
        summaries.summary_build(summary_id=row.pk, pdf=False, now=AFTER_OCTOBER)
    keys = [Summary.objects.get(pk=pk).period.key for pk in summaries.summaries_missing_pdf(limit=2)]
    assert keys == ["2026-10", "2026-09"]


def test_build_summaries_gives_a_frozen_period_without_pdf_its_pdf(city, summary_files):
    summary = _published(pdf=False)
    out = io.StringIO()
    call_command("build_summaries", "--period", OCTOBER.key, stdout=out)
    assert "frozen, kept" in out.getvalue() and "pdf=summaries/city-2026-10.pdf" in out.getvalue()
    again = Summary.objects.get(pk=summary.pk)
    assert again.builds == summary.builds and again.pdf


def test_the_demo_builds_every_period_with_its_pdf(city, summary_files):
    from disnaker.demo import seed_summaries

    seed_summaries(log=lambda line: None)
    built = Summary.objects.all()
    assert built.count() >= 12
    assert [summary.period.key for summary in built if not summary.pdf] == []


# --- A build waiting for the broker is queued once ---------------------------------------------


def _builds_in_outbox() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(task=tasks.summary_build_task.name).order_by("created_at"))


def test_the_sweep_adds_no_build_while_the_first_waits_for_the_broker(
    city, broker_down, summary_files, django_capture_on_commit_callbacks, monkeypatch
):
    published = _published()
    asked = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # staff rebuild it while the broker is down
        summaries.summary_request(period=OCTOBER, force=True, now=asked)
    for minute in range(1, 11):  # the beat's sweep, each minute of a ten-minute outage
        with django_capture_on_commit_callbacks(execute=True):
            assert summaries.summaries_retry_stuck(now=asked + STUCK + datetime.timedelta(minutes=minute)) == []
    [waiting] = _builds_in_outbox()
    assert (waiting.state, waiting.args[:2]) == (OutboxMessage.State.PENDING, [published.pk, True])
    assert Summary.objects.get(pk=published.pk).is_stuck(now=asked + 2 * STUCK)  # the admin shows it stuck

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the broker is back (run here)
    assert outbox.relay() == 1
    rebuilt = Summary.objects.get(pk=published.pk)
    assert (rebuilt.state, rebuilt.builds, rebuilt.is_published) == (Summary.State.DONE, 2, True)
    assert [message.state for message in _builds_in_outbox()] == [OutboxMessage.State.DONE]
    assert summary_files.listdir("summaries")[1] == ["city-2026-10.pdf"]


def test_a_rebuild_asked_again_before_the_broker_took_the_first_is_one_build(
    city, staff_user, django_capture_on_commit_callbacks
):
    staff = staff_user(ADMIN)
    with django_capture_on_commit_callbacks():  # not yet sent
        summaries.summary_request(period=OCTOBER)
        with acting_as_id(staff.pk):
            summaries.summary_request(period=OCTOBER, force=True)
    [waiting] = _builds_in_outbox()
    row = summaries._row_for(OCTOBER, summaries.CITY)
    assert waiting.args == [row.pk, True, staff.pk]  # rebuilt even if frozen, on behalf of who asked last


def test_a_build_sent_to_the_broker_does_not_hold_back_the_next_request(
    city, eager, summary_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summaries.summary_request(period=OCTOBER, force=True)
    with django_capture_on_commit_callbacks():
        summaries.summary_request(period=OCTOBER, force=True)
    assert [message.state for message in _builds_in_outbox()] == [OutboxMessage.State.DONE, OutboxMessage.State.PENDING]
