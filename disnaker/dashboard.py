"""What the admin index shows: this month's figures, the trend of the last twelve months, and the work waiting.

Figures come from the stored monthly snapshots (never computed in the request); the queues are
plain counts on indexed status columns.
"""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import WorkItem
from .models import NikClaim, Summary
from .periods import Period, PeriodKind
from .summaries import CITY, figure_by_key

# The figures on the dashboard's tiles, in this order.
TILES = (
    "training.registrations",
    "training.participants",
    "training.graduates",
    "training.certified",
    "placement.vacancies",
    "placement.positions",
    "placement.placements",
    "placement.ak1_issued",
)
# The lines of the trend chart.
TREND = ("training.registrations", "training.graduates", "placement.positions", "placement.placements")


def work_waiting(user, *, today: datetime.date | None = None) -> list[dict]:
    from lpk_registry.stats import work_waiting as lpk_work
    from placement.stats import work_waiting as placement_work
    from training.stats import work_waiting as training_work

    today = today or timezone.localdate()
    claims = WorkItem(
        _("NIK claims to check"), NikClaim.objects.filter(status=NikClaim.Status.OPEN).count(),
        "admin:disnaker_nikclaim_changelist", "status=open", "disnaker.view_nikclaim",
    )  # fmt: skip
    items = [*training_work(today), *lpk_work(today), *placement_work(today), claims]
    return [
        {"label": item.label, "count": item.count, "url": _changelist_url(item)}
        for item in items
        if not item.permission or user.has_perm(item.permission)
    ]


def _changelist_url(item: WorkItem) -> str:
    url = reverse(item.changelist)
    return f"{url}?{item.query}" if item.query else url


def this_month(*, today: datetime.date | None = None) -> dict:
    """The current month's snapshot (it may still be building) and its tiles."""
    period = Period.containing(today or timezone.localdate(), PeriodKind.MONTH)
    summary = _monthly([period]).get(period.start)
    figures = figure_by_key()
    values = (summary.figures.get("figures", {}) if summary else {}) or {}
    tiles = [
        {"label": figures[key].label, "value": values.get(key, {}).get("total"), "key": key}
        for key in TILES
        if key in figures
    ]
    return {"period": period, "summary": summary, "tiles": tiles, "has_figures": bool(values)}


def trend(*, today: datetime.date | None = None, months: int = 12) -> dict:
    """Chart.js data: one line per TREND figure over the last ``months`` monthly snapshots."""
    period = Period.containing(today or timezone.localdate(), PeriodKind.MONTH)
    periods = [period]
    for _i in range(months - 1):
        periods.insert(0, periods[0].previous())
    snapshots = _monthly(periods)
    figures = figure_by_key()
    datasets = []
    for key in TREND:
        data = [_total(snapshots.get(p.start), key) for p in periods]
        datasets.append({"label": str(figures[key].label), "data": data})
    return {"labels": [p.label for p in periods], "datasets": datasets}


def _monthly(periods: list[Period]) -> dict[datetime.date, Summary]:
    rows = Summary.objects.filter(
        period_kind=PeriodKind.MONTH, scope=CITY, period_start__in=[p.start for p in periods]
    ).only("period_start", "period_end", "period_kind", "state", "figures", "built_at", "pdf")
    return {row.period_start: row for row in rows}


def _total(summary: Summary | None, key: str):
    if summary is None:
        return None
    return summary.figures.get("figures", {}).get(key, {}).get("total")


def build_url() -> str:
    return reverse("admin:disnaker_summary_build") + "?" + urlencode({"period": Period.containing(
        timezone.localdate(), PeriodKind.MONTH).key})  # fmt: skip
