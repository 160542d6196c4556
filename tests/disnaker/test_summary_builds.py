"""Building summaries: one row per (period, scope), frozen past periods, failures kept, the schedule, the command."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from disnaker import summaries
from disnaker.models import OutboxMessage, Summary
from disnaker.periods import Period
from tests.concurrency import run_together
from tests.factories import PersonFactory
from training.models import Registration

from .conftest import at

OCTOBER = Period.month(2026, 10)
AFTER_OCTOBER = at(2026, 11, 15)
DURING_OCTOBER = at(2026, 10, 20)


def _build(period=OCTOBER, *, now=AFTER_OCTOBER, force=False) -> Summary:
    row = summaries._row_for(period, summaries.CITY)
    return summaries.summary_build(summary_id=row.pk, force=force, pdf=False, now=now)


def _add_registration(city):
    Registration.objects.create(person=PersonFactory(), batch=city["r1"].batch, created_at=at(2026, 10, 15))


@pytest.mark.django_db
def test_building_twice_leaves_one_row_with_the_same_figures(city):
    first = _build(now=DURING_OCTOBER)
    second = _build(now=DURING_OCTOBER)
    assert Summary.objects.count() == 1
    assert second.pk == first.pk
    assert second.figures == first.figures
    assert second.data_version == first.data_version
    assert second.builds == 2
    assert second.state == Summary.State.DONE
    assert second.figures["figures"]["training.registrations"]["total"] == 3


@pytest.mark.django_db
def test_a_running_period_is_rebuilt_with_new_data(city):
    _build(now=DURING_OCTOBER)
    _add_registration(city)
    rebuilt = _build(now=DURING_OCTOBER)
    assert rebuilt.figures["figures"]["training.registrations"]["total"] == 4


@pytest.mark.django_db
def test_an_ended_period_is_frozen_until_rebuilt_on_purpose(city):
    frozen = _build(now=AFTER_OCTOBER)
    assert frozen.is_frozen
    _add_registration(city)
    kept = _build(now=at(2026, 11, 16))
    assert kept.figures == frozen.figures
    assert kept.builds == 1
    rebuilt = _build(now=at(2026, 11, 16), force=True)
    assert rebuilt.figures["figures"]["training.registrations"]["total"] == 4
    assert rebuilt.builds == 2
    assert rebuilt.data_version != frozen.data_version


@pytest.mark.django_db
def test_a_summary_built_before_its_period_ended_is_built_again_after(city):
    early = _build(now=DURING_OCTOBER)
    assert not early.is_frozen
    _add_registration(city)
    final = _build(now=AFTER_OCTOBER)
    assert final.is_frozen
    assert final.figures["figures"]["training.registrations"]["total"] == 4


@pytest.mark.django_db
def test_a_failed_build_keeps_the_error_on_the_row(city, monkeypatch):
    def broken(period, *, today):
        raise RuntimeError("tabel tidak terbaca")

    monkeypatch.setattr(summaries, "compute_figures", broken)
    row = summaries._row_for(OCTOBER, summaries.CITY)
    with pytest.raises(RuntimeError):
        summaries.summary_build(summary_id=row.pk, pdf=False, now=AFTER_OCTOBER)
    row.refresh_from_db()
    assert row.state == Summary.State.FAILED
    assert "tabel tidak terbaca" in row.error


@pytest.mark.django_db
def test_each_state_change_is_in_the_history(city):
    summary = _build(now=AFTER_OCTOBER)
    states = list(summary.history.order_by("history_date").values_list("state", flat=True))
    assert states[-2:] == [Summary.State.RUNNING, Summary.State.DONE]


@pytest.mark.django_db
def test_publishing_needs_a_built_summary(city):
    from django.core.exceptions import ValidationError

    row = summaries._row_for(OCTOBER, summaries.CITY)
    with pytest.raises(ValidationError):
        summaries.summary_publish(summary=row)
    published = summaries.summary_publish(summary=_build())
    assert published.is_published and published.published_at is not None


def _build_together(count: int, *, now) -> None:
    """``count`` callers find (or make) October's row and build it at the same moment."""

    def build():
        row = summaries._row_for(OCTOBER, summaries.CITY)
        return summaries.summary_build(summary_id=row.pk, pdf=False, now=now)

    results = run_together([build] * count, workers=count)
    assert [r for r in results if isinstance(r, Exception)] == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_builds_on_postgres_leave_one_row_with_the_same_figures(postgres, city):
    expected = summaries.compute_figures(OCTOBER, today=DURING_OCTOBER.date())
    _build_together(6, now=DURING_OCTOBER)
    rows = Summary.objects.filter(period_kind="month", period_start=OCTOBER.start)
    assert rows.count() == 1
    summary = rows.get()
    assert summary.builds == 6
    assert summary.state == Summary.State.DONE
    assert summary.figures["figures"] == expected["figures"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_on_a_past_period_leave_one_frozen_row(postgres, city):
    expected = summaries.compute_figures(OCTOBER, today=AFTER_OCTOBER.date())
    _build_together(4, now=AFTER_OCTOBER)
    summary = Summary.objects.get(period_kind="month", period_start=OCTOBER.start)
    assert summary.is_frozen
    assert summary.figures["figures"] == expected["figures"]
    # A beat that comes later finds it frozen and leaves it alone.
    again = summaries.summary_build(summary_id=summary.pk, pdf=False, now=at(2026, 12, 1))
    assert again.builds == summary.builds


# --- Schedule and command ---------------------------------------------------------------------


def test_beat_schedule_builds_monthly_on_the_first_at_one_then_quarters_and_years():
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["disnaker.summaries_monthly"]["schedule"]
    assert monthly.day_of_month == {1} and monthly.hour == {1} and monthly.minute == {0}
    quarterly = schedule["disnaker.summaries_quarterly"]["schedule"]
    assert quarterly.month_of_year == {1, 4, 7, 10} and quarterly.day_of_month == {1} and quarterly.hour == {1}
    yearly = schedule["disnaker.summaries_yearly"]["schedule"]
    assert yearly.month_of_year == {1} and (yearly.hour, yearly.minute) == ({2}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
    from disnaker.celery import app

    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry


def test_the_build_task_is_acknowledged_late_with_time_limits_and_retries():
    from disnaker.tasks import summary_build_task

    assert summary_build_task.acks_late is True
    assert summary_build_task.reject_on_worker_lost is True
    assert summary_build_task.time_limit and summary_build_task.soft_time_limit < summary_build_task.time_limit
    assert summary_build_task.max_retries and summary_build_task.retry_backoff


@pytest.mark.django_db
def test_periods_due_are_the_one_that_ended_and_the_one_under_way():
    due = summaries.periods_due(kind="month", today=datetime.date(2026, 11, 1))
    assert [p.key for p in due] == ["2026-10", "2026-11"]
    due = summaries.periods_due(kind="quarter", today=datetime.date(2027, 1, 1))
    assert [p.key for p in due] == ["2026-Q4", "2027-Q1"]


@pytest.mark.django_db
def test_the_monthly_beat_queues_both_months(city):
    result = summaries.summaries_schedule(kind="month", now=at(2026, 11, 1, 1))
    assert [s.period.key for s in result] == ["2026-10", "2026-11"]
    queued = OutboxMessage.objects.filter(task="disnaker.summary_build", state=OutboxMessage.State.PENDING)
    assert sorted(message.args[0] for message in queued) == sorted(s.pk for s in result)
    assert {s.state for s in Summary.objects.all()} == {Summary.State.QUEUED}


@pytest.mark.django_db
def test_build_summaries_prints_what_it_built(city):
    out = io.StringIO()
    call_command("build_summaries", "--period", "2026-10", "--no-pdf", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("2026-10") and "done" in line and "registrations=3" in line
    out = io.StringIO()
    call_command("build_summaries", "--year", "2026", "--no-pdf", stdout=out)
    keys = [line.split()[0] for line in out.getvalue().splitlines()]
    assert keys == [f"2026-{m:02d}" for m in range(1, 13)] + ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"]
    assert Summary.objects.count() == 17


@pytest.mark.django_db
def test_build_summaries_all_starts_at_the_first_data(city):
    out = io.StringIO()
    call_command("build_summaries", "--all", "--no-pdf", stdout=out)
    keys = [line.split()[0] for line in out.getvalue().splitlines()]
    assert keys[0] == f"{summaries.earliest_day().year}-01"
    assert keys[-1] == str(datetime.date.today().year)


def test_build_summaries_refuses_a_bad_period():
    with pytest.raises(CommandError, match="not a period"):
        call_command("build_summaries", "--period", "2026-13")
