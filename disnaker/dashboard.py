"""What the admin index shows: this month's figures, the trend of the last twelve months, and the work waiting.

Figures come from the stored monthly snapshots (never computed in the request), and only the
totals shown are read from them. The queues are counts on indexed status columns, all in one query,
kept ``COUNTS_TIMEOUT`` seconds in the cache; saving or deleting a row of a queue's model forgets
them as soon as its transaction commits (``forget_counts``, connected in ``DisnakerConfig.ready``),
so only changes that bypass the models' signals (``QuerySet.update``) wait for the timeout.
"""

import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry
from .figures import WorkItem, count_together
from .models import NikClaim, Summary
from .periods import Period, PeriodKind
from .summaries import CITY, figure_by_key


def tile_keys() -> list[str]:
    """The figures on the dashboard's tiles, as the apps declare them (``TILES`` in their stats)."""
    return registry.collect_items("stats", "TILES", ())


def trend_keys() -> list[str]:
    """The lines of the trend chart (``TREND`` in the apps' stats)."""
    return registry.collect_items("stats", "TREND", ())


COUNTS_TIMEOUT = 30
COUNTS_KEY = "dashboard:work-waiting"


def work_waiting(user, *, today: datetime.date | None = None) -> list[dict]:
    """The queues ``user`` may open, each with its count and the admin list that shows it."""
    today = today or timezone.localdate()
    items = work_items(today)
    counts = _counts(items, today)
    return [
        {"label": item.label, "count": counts[_changelist_url(item)], "url": _changelist_url(item)}
        for item in items
        if not item.permission or user.has_perm(item.permission)
    ]


def work_items(today: datetime.date) -> list[WorkItem]:
    """Every app's queues (``work_waiting`` in its stats), then the core's own."""
    claims = WorkItem(
        _("NIK claims to check"), NikClaim.objects.filter(status=NikClaim.Status.OPEN),
        "admin:disnaker_nikclaim_changelist", "status=open", "disnaker.view_nikclaim",
    )  # fmt: skip
    return [*(item for queues in registry.collect("stats", "work_waiting") for item in queues(today)), claims]


def counts_key(today: datetime.date) -> str:
    return f"{COUNTS_KEY}:{today.isoformat()}"


def _counts(items: list[WorkItem], today: datetime.date) -> dict[str, int]:
    """``{changelist URL: rows waiting}`` of every queue, from the cache when it holds them."""
    key = counts_key(today)
    urls = [_changelist_url(item) for item in items]
    counts = cache.get(key)
    if counts is None or set(counts) != set(urls):
        counts = dict(zip(urls, count_together([item.rows for item in items]), strict=True))
        cache.set(key, counts, COUNTS_TIMEOUT)
    return counts


def forget_counts(**_signal) -> None:
    """Drops the cached counts once the current transaction commits (a signal receiver); once per
    atomic block, however many of its rows were saved."""
    connection = transaction.get_connection()
    block = set(connection.savepoint_ids)
    if any(callback is _forget_counts_now and ids == block for ids, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_forget_counts_now)


def _forget_counts_now() -> None:
    cache.delete(counts_key(timezone.localdate()))


def queue_models() -> set[type]:
    """The models whose rows the queues count."""
    return {item.rows.model for item in work_items(timezone.localdate())}


def _changelist_url(item: WorkItem) -> str:
    url = reverse(item.changelist)
    return f"{url}?{item.query}" if item.query else url


def figures(*, today: datetime.date | None = None, months: int = 12) -> tuple[dict, dict]:
    """This month's snapshot with its tiles, and the trend of the last ``months`` months."""
    period = Period.containing(today or timezone.localdate(), PeriodKind.MONTH)
    periods = [period]
    for _i in range(months - 1):
        periods.insert(0, periods[0].previous())
    snapshots = _monthly(periods)
    return _this_month(period, snapshots.get(period.start)), _trend(periods, snapshots)


def _this_month(period: Period, summary: Summary | None) -> dict:
    """The current month's snapshot (it may still be building) and its tiles."""
    known = figure_by_key()
    tiles = [
        {"label": known[key].label, "value": _total(summary, key), "key": key} for key in tile_keys() if key in known
    ]
    has_figures = any(tile["value"] is not None for tile in tiles)
    return {"period": period, "summary": summary, "tiles": tiles, "has_figures": has_figures}


def _trend(periods: list[Period], snapshots: dict[datetime.date, Summary]) -> dict:
    """Chart.js data: one line per trend figure over the monthly snapshots of ``periods``."""
    known = figure_by_key()
    datasets = [
        {"label": str(known[key].label), "data": [_total(snapshots.get(p.start), key) for p in periods]}
        for key in trend_keys()
    ]
    return {"labels": [p.label for p in periods], "datasets": datasets}


def _monthly(periods: list[Period]) -> dict[datetime.date, Summary]:
    """The monthly snapshots of ``periods``, each carrying only the totals the dashboard shows."""
    rows = Summary.objects.filter(
        period_kind=PeriodKind.MONTH, scope=CITY, period_start__in=[p.start for p in periods]
    ).only("period_start", "period_end", "period_kind", "state", "built_at", "totals")
    return {row.period_start: row for row in rows}


def _total(summary: Summary | None, key: str):
    return summary.totals.get(key) if summary is not None else None


def build_url() -> str:
    return reverse("admin:disnaker_summary_build") + "?" + urlencode({"period": Period.containing(
        timezone.localdate(), PeriodKind.MONTH).key})  # fmt: skip
