"""Read-only selectors of LPK reporting compliance: who owes which quarterly report, and how they did.

The rules, in one place:

- A quarter's report is **due** ``REPORT_DUE_DAYS`` after the quarter ends; it **counts** for an
  institution once that date has passed (on the due date itself it can still come on time).
- An institution owes a quarter when it was licensed by the end of that quarter (its first licence's
  ``issued_on``; without any licence, the day it was registered) and is not inactive.
- A report is **submitted** when its status is submitted or accepted: a draft, or a report returned
  for revision and not sent again, is still missing.
- It was **on time** when it was *first* submitted on or before the due date (Asia/Jakarta), so an
  institution that reported on time and was asked to correct something is not marked late.
- The **rate** is submitted / due; None when nothing is due yet.

Summaries call ``period_compliance`` (one quarter, totals over all institutions).
"""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import REPORT_DUE_DAYS, GraduateReport, Institution, Licence, ReportEvent, ReportStatus, quarter_bounds

Quarter = tuple[int, int]

# Reports that count as delivered.
SUBMITTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
# Institutions that must report (a closed institution reports nothing).
OBLIGED_STATUSES = (Institution.Status.ACTIVE, Institution.Status.FROZEN)
# Quarters shown on the compliance page and behind the changelist's rate.
WINDOW = 4


# --- Quarters ---------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> Quarter:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(quarter: Quarter) -> Quarter:
    year, q = quarter
    return (year - 1, 4) if q == 1 else (year, q - 1)


def quarter_end(quarter: Quarter) -> datetime.date:
    return quarter_bounds(*quarter)[1]


def due_date(quarter: Quarter) -> datetime.date:
    return quarter_end(quarter) + datetime.timedelta(days=REPORT_DUE_DAYS)


def last_finished_quarter(*, today: datetime.date | None = None) -> Quarter:
    return previous_quarter(quarter_of(today or timezone.localdate()))


def due_quarters(*, count: int = WINDOW, today: datetime.date | None = None) -> list[Quarter]:
    """The last ``count`` quarters whose due date has passed, the most recent first."""
    today = today or timezone.localdate()
    quarter = last_finished_quarter(today=today)
    if due_date(quarter) >= today:
        quarter = previous_quarter(quarter)
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = previous_quarter(quarter)
    return quarters


def quarter_label(quarter: Quarter) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


# --- Query expressions ------------------------------------------------------------------------


def licensed_since():
    """Institution expression: the day its reporting duty began (first licence, else registration)."""
    first_licence = Licence.objects.filter(institution=OuterRef("pk")).order_by("issued_on").values("issued_on")[:1]
    return Coalesce(Subquery(first_licence), TruncDate("created_at"), output_field=DateField())


def first_submitted_at():
    """GraduateReport expression: the first submission (the event trail), else ``submitted_at``."""
    first = (
        ReportEvent.objects.filter(report=OuterRef("pk"), action=ReportEvent.Action.SUBMITTED)
        .order_by("at")
        .values("at")[:1]
    )
    return Coalesce(Subquery(first), "submitted_at")


def _submitted(quarter: Quarter):
    year, q = quarter
    return Exists(
        GraduateReport.objects.filter(institution=OuterRef("pk"), year=year, quarter=q, status__in=SUBMITTED_STATUSES)
    )


def _owes(quarter: Quarter) -> Q:
    """On a queryset annotated with ``since``: the institution owes this quarter's report."""
    return Q(status__in=OBLIGED_STATUSES, since__lte=quarter_end(quarter))


def missing_report(queryset: QuerySet | None = None, *, quarter: Quarter) -> QuerySet:
    """Institutions that owe ``quarter``'s report and have not submitted it (none, draft or returned)."""
    queryset = Institution.objects.all() if queryset is None else queryset
    return queryset.annotate(since=licensed_since()).filter(_owes(quarter) & ~Q(_submitted(quarter)))


def overdue(queryset: QuerySet | None = None, *, today: datetime.date | None = None) -> QuerySet:
    """Institutions missing a report for any of the last ``WINDOW`` quarters whose due date has passed."""
    queryset = Institution.objects.all() if queryset is None else queryset
    quarters = due_quarters(today=today)
    missing = reduce(operator.or_, (_owes(quarter) & ~Q(_submitted(quarter)) for quarter in quarters))
    return queryset.annotate(since=licensed_since()).filter(missing)


# --- Numbers per institution ------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterCell:
    """One institution in one quarter."""

    quarter: Quarter
    due: bool  # owed and its due date has passed
    status: str | None  # the report's status; None without a report
    first_submitted_at: datetime.datetime | None
    report_id: int | None

    @property
    def submitted(self) -> bool:
        return self.status in SUBMITTED_STATUSES

    @property
    def on_time(self) -> bool:
        return (
            self.submitted
            and self.first_submitted_at is not None
            and timezone.localdate(self.first_submitted_at) <= due_date(self.quarter)
        )

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)


@dataclass(frozen=True)
class Compliance:
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    cells: list[QuarterCell] = field(default_factory=list, compare=False)

    @property
    def rate(self) -> float | None:
        return self.submitted / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def missing(self) -> int:
        return self.due - self.submitted


def institution_compliance(
    institutions, *, quarters: list[Quarter] | None = None, today: datetime.date | None = None
) -> dict[int, Compliance]:
    """Compliance of each institution (a queryset or pks) over ``quarters``: two queries in all."""
    today = today or timezone.localdate()
    quarters = quarters if quarters is not None else due_quarters(today=today)
    queryset = institutions if isinstance(institutions, QuerySet) else Institution.objects.filter(pk__in=institutions)
    rows = queryset.annotate(since=licensed_since()).values_list("pk", "status", "since")
    reports = _reports_by_institution(queryset.values("pk"), quarters)
    result = {}
    for pk, status, since in rows:
        cells = [_cell(quarter, status, since, reports.get((pk, quarter)), today) for quarter in quarters]
        result[pk] = _total(cells)
    return result


def _reports_by_institution(institution_pks, quarters: list[Quarter]) -> dict:
    if not quarters:
        return {}
    periods = reduce(operator.or_, (Q(year=year, quarter=q) for year, q in quarters))
    reports = (
        GraduateReport.objects.filter(periods, institution__in=institution_pks)
        .annotate(first_at=first_submitted_at())
        .values_list("institution_id", "year", "quarter", "status", "first_at", "pk")
    )
    return {(inst, (year, q)): (status, first_at, pk) for inst, year, q, status, first_at, pk in reports}


def _cell(quarter: Quarter, status: str, since, report, today: datetime.date) -> QuarterCell:
    due = status in OBLIGED_STATUSES and since <= quarter_end(quarter) and due_date(quarter) < today
    report_status, first_at, report_id = report or (None, None, None)
    return QuarterCell(quarter, due, report_status, first_at, report_id)


def _total(cells: list[QuarterCell]) -> Compliance:
    due = [cell for cell in cells if cell.due]
    return Compliance(
        due=len(due),
        submitted=sum(cell.submitted for cell in due),
        on_time=sum(cell.on_time for cell in due),
        cells=cells,
    )


# --- Totals for the periodic summaries --------------------------------------------------------


def period_compliance(*, year: int, quarter: int, today: datetime.date | None = None) -> Compliance:
    """All institutions together for one quarter (counted once its due date has passed).

    The same rules as ``institution_compliance``, counted by the database: two aggregate queries,
    however many institutions there are.
    """
    today = today or timezone.localdate()
    period = (year, quarter)
    if due_date(period) >= today:
        return Compliance()
    owing = (
        Institution.objects.filter(status__in=OBLIGED_STATUSES)
        .annotate(since=licensed_since())
        .filter(since__lte=quarter_end(period))
    )
    delivered = (
        GraduateReport.objects.filter(
            year=year, quarter=quarter, status__in=SUBMITTED_STATUSES, institution__in=owing.values("pk")
        )
        .annotate(first_at=first_submitted_at())
        .aggregate(submitted=Count("pk"), on_time=Count("pk", filter=Q(first_at__date__lte=due_date(period))))
    )
    return Compliance(due=owing.count(), submitted=delivered["submitted"], on_time=delivered["on_time"])
