"""Periodic summaries: the figures of every part collected into one snapshot per (period, scope).

``summary_request`` makes sure the row exists and queues its build after commit;
``summary_build`` (called by the task and by ``build_summaries``) computes the figures under a row
lock and stores them, then renders the PDF. Both are safe to run twice or at the same time: the
unique (period, scope) row is the only place a summary lives, and a period that ended is frozen
once built after its end unless ``force`` says to rebuild it.
"""

import datetime
import hashlib
import json
import logging
import time
import traceback

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import outbox, registry
from .audit import current_actor_id
from .figures import Figure
from .models import PublishedIndicator, Summary
from .periods import Period
from .storage import storage_overwrite

log = logging.getLogger(__name__)

# Bumped whenever a figure's definition changes, so a snapshot tells which definitions built it.
DEFINITIONS_VERSION = "1"
CITY = "city"


def section_titles() -> dict[str, str]:
    """``{section key: title}`` of every app's figures, in app order (the order a report reads)."""
    return dict(zip(registry.collect("stats", "SECTION"), registry.collect("stats", "SECTION_TITLE"), strict=True))


def all_figures() -> list[Figure]:
    """Every app's ``stats.FIGURES``, found through the app registry (``disnaker.registry``)."""
    return registry.collect_items("stats", "FIGURES")


def earliest_day() -> datetime.date | None:
    days = [day for earliest in registry.collect("stats", "earliest") if (day := earliest())]
    return min(days) if days else None


def periods_of_year(year: int) -> list[Period]:
    """Every period of a year, months first, then quarters, then the year (the order a report reads)."""
    year_period = Period.year(year)
    return [*year_period.months_in(), *(Period.quarter(year, q) for q in range(1, 5)), year_period]


def figure_by_key() -> dict[str, Figure]:
    return {figure.key: figure for figure in all_figures()}


def compute_figures(period: Period, *, today: datetime.date) -> dict:
    values = {figure.key: figure.compute(period, today) for figure in all_figures()}
    return {"figures": values, "indicators": indicators_for(period)}


def indicators_for(period: Period) -> list[dict]:
    """Per indicator, the latest published value for the period's year or before (BPS publishes late)."""
    rows = PublishedIndicator.objects.filter(year__lte=period.start.year).order_by("code", "-year")
    latest = {}
    for row in rows:
        latest.setdefault(row.code, row)
    return [
        {"code": row.code, "year": row.year, "value": str(row.value), "unit": row.unit, "source": row.source,
         "note": row.note}
        for row in latest.values()
    ]  # fmt: skip


def fingerprint(figures: dict) -> str:
    digest = hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:16]
    return f"v{DEFINITIONS_VERSION}:{digest}"


def _row_for(period: Period, scope: str) -> Summary:
    """The one row of (period, scope); two callers at once end up with the same row."""
    lookup = {"period_kind": period.kind, "period_start": period.start, "scope": scope}
    try:
        with transaction.atomic():
            summary, _created = Summary.objects.get_or_create(**lookup, defaults={"period_end": period.end})
    except IntegrityError:  # the other caller inserted it between our SELECT and INSERT
        summary = Summary.objects.get(**lookup)
    return summary


@transaction.atomic
def summary_request(*, period: Period, scope: str = CITY, force: bool = False, now=None) -> Summary:
    """Queues the build of ``period`` (after commit); a frozen summary is left alone unless ``force``."""
    from .tasks import summary_build_task

    summary = Summary.objects.select_for_update().get(pk=_row_for(period, scope).pk)
    if summary.is_frozen and not force:
        return summary
    if summary.state != Summary.State.RUNNING:
        summary.state = Summary.State.QUEUED
    summary.queued_at = now or timezone.now()
    summary.error = ""
    summary.full_clean()
    summary.save(update_fields=["state", "queued_at", "error"])
    actor_id = current_actor_id()  # the staff member who asked for it, named by the build's history
    waiting = outbox.pending(summary_build_task, summary.pk)
    if waiting is None:
        outbox.send(summary_build_task, summary.pk, force, actor_id)
    else:  # the broker has not taken the earlier request yet: one build will do for both
        _pk, waiting_force, waiting_actor = waiting.args
        waiting.args = [summary.pk, waiting_force or force, actor_id or waiting_actor]
        waiting.save(update_fields=["args"])
    return summary


def summary_build(*, summary_id: int, force: bool = False, pdf: bool = True, now=None) -> Summary:
    """Computes and stores the figures of one summary, then its PDF; a failure is kept on the row.

    The state says where the build is: running while figures or PDF are made, done once both are
    stored (so staff know the PDF is ready), failed with the error otherwise.
    """
    now = now or timezone.now()
    try:
        if not _build_start(summary_id=summary_id, force=force, now=now):
            return Summary.objects.get(pk=summary_id)
        summary = _build_figures(summary_id=summary_id, now=now)
        if pdf:
            summary_render_pdf(summary=summary)
        return _build_finish(summary_id=summary_id)
    except Exception as error:
        _mark_failed(summary_id, error)
        raise


@transaction.atomic
def _build_start(*, summary_id: int, force: bool, now) -> bool:
    """Marks the row running in its own transaction, so the admin shows it while the build goes on."""
    summary = Summary.objects.select_for_update().get(pk=summary_id)
    if summary.is_frozen and not force:
        return False
    summary.state = Summary.State.RUNNING
    summary.started_at = now
    summary.error = ""
    summary.save(update_fields=["state", "started_at", "error"])
    return True


@transaction.atomic
def _build_figures(*, summary_id: int, now) -> Summary:
    summary = Summary.objects.select_for_update().get(pk=summary_id)
    started = time.monotonic()
    figures = compute_figures(summary.period, today=timezone.localdate(now))
    summary.figures = figures
    summary.data_version = fingerprint(figures)
    summary.built_at = now
    summary.build_seconds = round(time.monotonic() - started, 3)
    summary.builds += 1  # the row is locked: no other build counts at the same time
    summary.full_clean()
    summary.save(update_fields=["figures", "data_version", "built_at", "build_seconds", "builds"])
    return summary


@transaction.atomic
def _build_finish(*, summary_id: int) -> Summary:
    summary = Summary.objects.select_for_update().get(pk=summary_id)
    summary.state = Summary.State.DONE
    summary.save(update_fields=["state"])
    return summary


@transaction.atomic
def summary_render_pdf(*, summary: Summary) -> Summary:
    """Renders the official PDF and stores it under the summary's own name, replacing any earlier one.

    The file name depends only on (period, scope); the PDF replaces the earlier one in one step
    (on a disk or in an object store), under the row lock, so a worker killed half-way and run again leaves exactly one
    complete PDF.
    """
    from .reports import summary_pdf

    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    content = summary_pdf(summary)
    name = f"summaries/{summary.scope}-{summary.period.key}.pdf"
    summary.pdf.name = storage_overwrite(summary.pdf.storage, name, content)
    summary.pdf_built_at = timezone.now()
    summary.save(update_fields=["pdf", "pdf_built_at"])
    return summary


def _mark_failed(summary_id: int, error: Exception) -> None:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    log.error("summary %s failed: %s", summary_id, text)
    Summary.objects.filter(pk=summary_id).update(state=Summary.State.FAILED, error=text[:2000])


@transaction.atomic
def summary_publish(*, summary: Summary, publish: bool = True, now=None) -> Summary:
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if publish and summary.state != Summary.State.DONE:
        raise ValidationError(_("Only a summary that was built can be published."))
    summary.is_published = publish
    summary.published_at = (now or timezone.now()) if publish else None
    summary.save(update_fields=["is_published", "published_at"])
    return summary


def summaries_retry_stuck(*, now=None) -> list[Summary]:
    """Queues again every build queued or running for longer than SUMMARY_STUCK_AFTER (beat, each minute).

    Such a build lost its worker (killed before it could finish) or its task (never reached the
    broker). Its last built figures stay published meanwhile; building twice is safe. A build whose
    message still waits in the outbox for the broker is left to the relay: queuing it again each
    minute would build it as many times once the broker is back.
    """
    now = now or timezone.now()
    stuck = Summary.objects.stuck(now=now).values_list("pk", flat=True)
    retried = [_retry_if_stuck(summary_id=pk, now=now) for pk in stuck]
    return [summary for summary in retried if summary is not None]


@transaction.atomic
def _retry_if_stuck(*, summary_id: int, now) -> Summary | None:
    from .tasks import summary_build_task

    summary = Summary.objects.select_for_update().get(pk=summary_id)
    if not summary.is_stuck(now=now):  # it moved on since the sweep looked
        return None
    if outbox.pending(summary_build_task, summary.pk) is not None:
        # Its build waits in the outbox for the broker: the relay sends it once the broker answers.
        log.warning("summary %s stuck in %s: its build waits for the broker", summary_id, summary.state)
        return None
    log.warning("summary %s stuck in %s since %s: queued again", summary_id, summary.state, summary.last_activity)
    summary.state = Summary.State.QUEUED  # no worker is running it any more
    summary.save(update_fields=["state"])
    return summary_request(period=summary.period, scope=summary.scope, force=True, now=now)


def summaries_missing_pdf(*, limit: int | None = None) -> list[int]:
    """Built summaries without their PDF (built with ``--no-pdf``, or before every build rendered one),
    newest periods first."""
    missing = Summary.objects.filter(state=Summary.State.DONE, pdf="").order_by("-period_end", "period_start")
    return list(missing.values_list("pk", flat=True)[:limit])


def summary_pdf_ensure(*, summary_id: int) -> bool:
    """Renders the PDF of a built summary that has none; True when it rendered one. Safe to run twice."""
    summary = Summary.objects.get(pk=summary_id)
    if summary.state != Summary.State.DONE or summary.pdf:
        return False
    summary_render_pdf(summary=summary)
    return True


def periods_due(*, kind: str, today: datetime.date) -> list[Period]:
    """What a scheduled run builds: the period that just ended and the one under way."""
    current = Period.containing(today, kind)
    return [current.previous(), current]


def summaries_schedule(*, kind: str, now=None) -> list[Summary]:
    today = timezone.localdate(now or timezone.now())
    return [summary_request(period=period, now=now) for period in periods_due(kind=kind, today=today)]
