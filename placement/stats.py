"""The placement figures of the periodic summaries: AK/1 cards, vacancies, placements, apprenticeships, layoffs."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from disnaker.figures import Breakdown, Figure, WorkItem, in_period, rate, tally
from disnaker.models import Sex
from disnaker.periods import Period

from .models import Apprenticeship, CardStatus, JobSeekerCard, LayoffReport, Placement, PlacementSource, Vacancy

SECTION = "placement"
SECTION_TITLE = _("Job seekers, vacancies and placements")
# What the core shows first (collected through disnaker.registry): the dashboard's tiles and trend
# lines, and the breakdowns drawn as bar charts in the summary PDF.
TILES = ("placement.vacancies", "placement.positions", "placement.placements", "placement.ak1_issued")
TREND = ("placement.positions", "placement.placements")
CHARTS = (("placement.positions", "sector"), ("placement.placements", "source"))

SEX = Breakdown("sex", "person__sex", _("Sex"), tuple(Sex.choices))
KECAMATAN = Breakdown(
    "kecamatan", "person__kelurahan__kecamatan__name", _("Kecamatan"), none_label=_("Outside the city")
)
SECTOR = Breakdown("sector", "company__kbli_section__section", _("KBLI section"))
OCCUPATION = Breakdown("occupation", "kbji_group__code", _("KBJI major group"))
SOURCE = Breakdown("source", "source", _("Source"), tuple(PlacementSource.choices))

# Cards that were ever issued (an application still open, rejected or revised never was).
ISSUED_STATUSES = (CardStatus.ACTIVE, CardStatus.EXPIRED, CardStatus.RENEWED)


def cards_issued(period: Period, today: datetime.date) -> dict:
    return tally(JobSeekerCard.objects.filter(in_period("issued_on", period)), (SEX, KECAMATAN))


def cards_active(period: Period, today: datetime.date) -> dict:
    end = period.end
    cards = JobSeekerCard.objects.filter(status__in=ISSUED_STATUSES, issued_on__lte=end, valid_until__gt=end)
    return tally(cards, (SEX, KECAMATAN))


def cards_expired(period: Period, today: datetime.date) -> dict:
    cards = JobSeekerCard.objects.filter(in_period("valid_until", period), status__in=ISSUED_STATUSES)
    return tally(cards.filter(valid_until__lt=today), (SEX, KECAMATAN))


def vacancies(period: Period, today: datetime.date) -> dict:
    return tally(Vacancy.objects.filter(in_period("reported_at", period, is_datetime=True)), (SECTOR, OCCUPATION))


def positions(period: Period, today: datetime.date) -> dict:
    reported = Vacancy.objects.filter(in_period("reported_at", period, is_datetime=True))
    return tally(reported, (SECTOR, OCCUPATION), measure="headcount")


def placements(period: Period, today: datetime.date) -> dict:
    reported = Placement.objects.filter(in_period("reported_at", period, is_datetime=True))
    return tally(reported, (SOURCE, SEX, KECAMATAN, SECTOR))


def local_share(period: Period, today: datetime.date) -> dict:
    counts = Placement.objects.filter(in_period("reported_at", period, is_datetime=True)).aggregate(
        all=Count("pk"), local=Count("pk", filter=Q(is_local_resident=True))
    )
    return rate(counts["local"], counts["all"])


def apprenticeships(period: Period, today: datetime.date) -> dict:
    started = Apprenticeship.objects.filter(in_period("start_date", period)).exclude(
        status=Apprenticeship.Status.CANCELLED
    )
    value = tally(started, (Breakdown("destination", "destination", ""),))
    return value | started.aggregate(participants=Count("participants"))


def layoffs(period: Period, today: datetime.date) -> dict:
    reports = LayoffReport.objects.filter(in_period("date", period))
    value = tally(reports, (SECTOR,), measure="count")
    return value | {"reports": reports.count()}


FIGURES = [
    Figure(
        "placement.ak1_issued",
        SECTION,
        _("AK/1 cards issued"),
        _("Job-seeker cards (AK/1) issued in the period, by sex and kecamatan of domicile."),
        cards_issued,
        breakdowns=(SEX, KECAMATAN),
    ),
    Figure(
        "placement.ak1_active",
        SECTION,
        _("AK/1 cards active at the end of the period"),
        _("Cards issued on or before the last day of the period and valid after it."),
        cards_active,
        breakdowns=(SEX, KECAMATAN),
    ),
    Figure(
        "placement.ak1_expired",
        SECTION,
        _("AK/1 cards expired"),
        _("Cards whose two-year validity ended in the period."),
        cards_expired,
        breakdowns=(SEX, KECAMATAN),
    ),
    Figure(
        "placement.vacancies",
        SECTION,
        _("Vacancies reported"),
        _(
            "Vacancy reports (wajib lapor lowongan, Perpres 57/2023) filed in the period, by the company's KBLI "
            "section and the KBJI major group of the job."
        ),
        vacancies,
        breakdowns=(SECTOR, OCCUPATION),
    ),
    Figure(
        "placement.positions",
        SECTION,
        _("Positions reported"),
        _("The positions (headcount) of the same vacancy reports."),
        positions,
        unit="positions",
        breakdowns=(SECTOR, OCCUPATION),
    ),
    Figure(
        "placement.placements",
        SECTION,
        _("Placements reported"),
        _(
            "Workers placed as reported by companies in the period, by source (BLK graduate, LPK graduate, AK/1 "
            "holder, other: the first that applies), sex, kecamatan of domicile and KBLI section."
        ),
        placements,
        breakdowns=(SOURCE, SEX, KECAMATAN, SECTOR),
    ),
    Figure(
        "placement.local_share",
        SECTION,
        _("Local residents among placements"),
        _("Share of the placements reported in the period whose worker lives in the city."),
        local_share,
        unit="percent",
    ),
    Figure(
        "placement.apprenticeships",
        SECTION,
        _("Apprenticeship programmes started"),
        _(
            "Apprenticeship programmes (not cancelled) that started in the period, by destination, with their "
            "participants."
        ),
        apprenticeships,
        breakdowns=(
            Breakdown("destination", "destination", _("Destination"), tuple(Apprenticeship.Destination.choices)),
        ),
    ),
    Figure(
        "placement.layoffs",
        SECTION,
        _("Workers laid off (PHK)"),
        _("Workers laid off according to the layoff reports dated in the period, by KBLI section."),
        layoffs,
        unit="workers",
        breakdowns=(SECTOR,),
    ),
]


def work_waiting(today: datetime.date) -> list[WorkItem]:
    from .models import Company

    return [
        WorkItem(
            _("AK/1 applications to verify"), JobSeekerCard.objects.filter(status=CardStatus.APPLIED),
            "admin:placement_jobseekercard_changelist", "status=applied", "placement.view_jobseekercard",
        ),
        WorkItem(
            _("Companies to verify"), Company.objects.filter(status=Company.Status.PENDING),
            "admin:placement_company_changelist", "status=pending", "placement.view_company",
        ),
    ]  # fmt: skip


def earliest() -> datetime.date | None:
    first = Vacancy.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    placed = Placement.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    days = [moment.date() for moment in (first, placed) if moment]
    return min(days) if days else None
