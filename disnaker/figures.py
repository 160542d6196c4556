"""How a summary figure is defined, and the one query that counts it with its breakdowns.

Each part of the portal lists its figures in its own ``stats.py`` (``FIGURES``); the summaries in
``disnaker.summaries`` collect them. A figure's value is a plain dict, stored as JSON in the
snapshot::

    {"total": 36, "by": {"funding": {"apbd": 20, "apbn": 16}, "sex": {"L": 30, "P": 6}}}

Rates carry their parts: ``{"total": 62.5, "numerator": 5, "denominator": 8}`` (``total`` is a
percentage, None when the denominator is 0). Breakdown keys are codes (choices) or names (rows
such as vocations and kecamatan, kept as they were when the snapshot was built).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period

# The key under which rows without a value (no kecamatan: lives outside the city) are counted.
NONE_KEY = "-"


@dataclass(frozen=True)
class Breakdown:
    """A dimension a figure is split by: the ORM path, its heading and, for choices, their labels."""

    key: str
    path: str
    label: str
    choices: tuple = ()
    none_label: str = _("Not stated")

    def label_of(self, code) -> str:
        if code in (None, "", NONE_KEY):
            return str(self.none_label)
        return str(dict(self.choices).get(code, code))


@dataclass(frozen=True)
class Figure:
    """One figure of the summaries: where it lives, what it means and how it is computed."""

    key: str
    section: str
    label: str
    definition: str
    compute: Callable[[Period, datetime.date], dict]
    unit: str = "count"  # count | percent | workers | positions
    breakdowns: tuple[Breakdown, ...] = field(default=())

    def breakdown(self, key: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.key == key), None)


def day_range(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes [start, next start) in the portal's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def in_period(field_name: str, period: Period, *, is_datetime: bool = False) -> Q:
    if is_datetime:
        start, end = day_range(period)
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def tally(queryset: QuerySet, breakdowns: tuple[Breakdown, ...] = (), *, measure: str | None = None) -> dict:
    """Counts (or sums ``measure`` over) ``queryset`` with every breakdown in ONE grouped query.

    The query groups by all dimensions at once; the margins are added up here, which keeps the
    database to a single scan however many breakdowns a figure has.
    """
    amount = Coalesce(Sum(measure), Value(0)) if measure else Count("pk")
    names = {f"_d{i}": F(b.path) for i, b in enumerate(breakdowns)}
    rows = queryset.order_by().values(**names).annotate(_n=amount) if names else [queryset.aggregate(_n=amount)]
    total = 0
    by = {b.key: defaultdict(int) for b in breakdowns}
    for row in rows:
        n = row["_n"] or 0
        total += n
        for i, b in enumerate(breakdowns):
            code = row[f"_d{i}"]
            by[b.key][NONE_KEY if code in (None, "") else str(code)] += n
    value = {"total": total}
    if breakdowns:
        value["by"] = {key: dict(sorted(counts.items())) for key, counts in by.items()}
    return value


def count_together(querysets: list[QuerySet]) -> list[int]:
    """The row counts of several querysets (of one database) in a single round trip."""
    if not querysets:
        return []
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS waiting)")
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(count) for count in cursor.fetchone()]


def rate(numerator: int, denominator: int, **extra) -> dict:
    percent = round(100 * numerator / denominator, 1) if denominator else None
    return {"total": percent, "numerator": numerator, "denominator": denominator, **extra}


@dataclass(frozen=True)
class WorkItem:
    """A queue on the dashboard: how many rows wait, and the filtered admin list that shows them."""

    label: str
    rows: QuerySet  # the rows waiting (counted by ``count_together`` with the other queues)
    changelist: str  # admin URL name, e.g. "admin:training_registration_changelist"
    query: str = ""  # the changelist's filter, e.g. "status__exact=registered"
    permission: str = ""  # "app_label.view_model": shown only to staff who may open the list
