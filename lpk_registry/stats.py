"""The LPK figures of the periodic summaries: compliance, graduates reported, supervision."""

import datetime
import operator
from functools import reduce

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from disnaker.figures import Breakdown, Figure, WorkItem, in_period, rate, tally
from disnaker.models import Sex
from disnaker.periods import Period

from .compliance import SUBMITTED_STATUSES, period_compliance
from .models import GraduateStatus, ReportGraduate, ReportProgrammeLine, SupervisionActivity, SupervisionParticipation

SECTION = "lpk"
SECTION_TITLE = _("LPK (private training institutions)")
# The breakdown drawn as a bar chart in the summary PDF (collected through disnaker.registry).
CHARTS = (("lpk.graduates", "status"),)


def _reports_of(period: Period, prefix: str = "") -> Q:
    """Reports (or rows of reports, through ``prefix``) of the quarters ending in the period, delivered."""
    quarters = period.quarters()
    if not quarters:
        return Q(pk__in=[])
    periods = reduce(operator.or_, (Q(**{f"{prefix}year": y, f"{prefix}quarter": q}) for y, q in quarters))
    return periods & Q(**{f"{prefix}status__in": SUBMITTED_STATUSES})


def compliance(period: Period, today: datetime.date) -> dict:
    due = submitted = on_time = 0
    for year, quarter in period.quarters():
        result = period_compliance(year=year, quarter=quarter, today=today)
        due, submitted, on_time = due + result.due, submitted + result.submitted, on_time + result.on_time
    return rate(submitted, due, on_time=on_time, on_time_rate=rate(on_time, due)["total"])


GRADUATE_BREAKDOWNS = (
    Breakdown("sex", "sex", _("Sex"), tuple(Sex.choices)),
    Breakdown("status", "status", _("Current status"), tuple(GraduateStatus.choices)),
    Breakdown("certified", "certified", _("Certified"), (("True", _("Certified")), ("False", _("Not certified")))),
)


def graduates_reported(period: Period, today: datetime.date) -> dict:
    return tally(ReportGraduate.objects.filter(_reports_of(period, "report__")), GRADUATE_BREAKDOWNS)


def enrolment(period: Period, today: datetime.date) -> dict:
    lines = ReportProgrammeLine.objects.filter(_reports_of(period, "report__"))
    sums = lines.aggregate(
        enrolled_male=Coalesce(Sum("enrolled_male"), 0),
        enrolled_female=Coalesce(Sum("enrolled_female"), 0),
        graduates_male=Coalesce(Sum("graduates_male"), 0),
        graduates_female=Coalesce(Sum("graduates_female"), 0),
    )
    return {
        "total": sums["enrolled_male"] + sums["enrolled_female"],
        "graduates": sums["graduates_male"] + sums["graduates_female"],
        "by": {
            "enrolled": {"L": sums["enrolled_male"], "P": sums["enrolled_female"]},
            "graduates": {"L": sums["graduates_male"], "P": sums["graduates_female"]},
        },
    }


def supervision(period: Period, today: datetime.date) -> dict:
    activities = SupervisionActivity.objects.filter(in_period("date", period))
    kinds = tally(activities, (Breakdown("kind", "kind", ""),))
    taking_part = SupervisionParticipation.objects.filter(activity__in=activities).aggregate(
        participants=Coalesce(Sum("headcount"), 0), institutions=Count("institution", distinct=True)
    )
    return kinds | taking_part


FIGURES = [
    Figure(
        "lpk.compliance",
        SECTION,
        _("LPK report compliance"),
        _(
            "Quarterly graduate reports of the quarters ending in the period: reports submitted / reports due "
            "(institutions licensed by the quarter's end, counted once the due date has passed); on time = first "
            "submitted by the due date."
        ),
        compliance,
        unit="percent",
    ),
    Figure(
        "lpk.graduates",
        SECTION,
        _("LPK graduates reported"),
        _(
            "Graduates named in submitted or accepted LPK reports of the quarters ending in the period, by sex, "
            "current status and certification."
        ),
        graduates_reported,
        breakdowns=GRADUATE_BREAKDOWNS,
    ),
    Figure(
        "lpk.enrolment",
        SECTION,
        _("LPK enrolment"),
        _("Trainees enrolled (and graduates) per programme line of the same reports, by sex."),
        enrolment,
        breakdowns=(
            Breakdown("enrolled", "", _("Enrolled"), tuple(Sex.choices)),
            Breakdown("graduates", "", _("Graduates"), tuple(Sex.choices)),
        ),
    ),
    Figure(
        "lpk.supervision",
        SECTION,
        _("LPK supervision activities"),
        _(
            "Supervision and guidance activities held in the period, with the participants and the number of "
            "LPKs that took part."
        ),
        supervision,
        breakdowns=(Breakdown("kind", "kind", _("Type"), tuple(SupervisionActivity.Kind.choices)),),
    ),
]


def work_waiting(today: datetime.date) -> list[WorkItem]:
    from .models import Accreditation, GraduateReport, Licence, ReportStatus

    soon = 90  # as the admin's "expires within 90 days" filter
    return [
        WorkItem(
            _("LPK reports to review"), GraduateReport.objects.filter(status=ReportStatus.SUBMITTED),
            "admin:lpk_registry_graduatereport_changelist", "status=submitted", "lpk_registry.view_graduatereport",
        ),
        WorkItem(
            _("LPK licences expiring within 90 days"),
            Licence.objects.exclude(status=Licence.Status.REVOKED).expiring_within(soon, today=today),
            "admin:lpk_registry_licence_changelist", "expiry=soon", "lpk_registry.view_licence",
        ),
        WorkItem(
            _("Accreditations expiring within 90 days"),
            Accreditation.objects.expiring_within(soon, today=today),
            "admin:lpk_registry_accreditation_changelist", "expiry=soon", "lpk_registry.view_accreditation",
        ),
    ]  # fmt: skip


def earliest() -> datetime.date | None:
    from .models import GraduateReport

    first = GraduateReport.objects.order_by("year", "quarter").values_list("year", flat=True).first()
    return datetime.date(first, 1, 1) if first else None
