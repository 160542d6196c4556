"""The training figures of the periodic summaries: read queries only, one grouped query each."""

import datetime

from django.db.models import Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disnaker.figures import Breakdown, Figure, WorkItem, in_period, rate, tally
from disnaker.models import Disability, Sex
from disnaker.periods import Period

from .models import (
    Batch,
    BatchStatus,
    CompetencyResult,
    Funding,
    Outcome,
    Registration,
    RegistrationStatus,
    TracerResponse,
    TracerStatus,
)

SECTION = "training"
SECTION_TITLE = _("BLK training")
# What the core shows first (collected through disnaker.registry): the dashboard's tiles and trend
# lines, and the breakdowns drawn as bar charts in the summary PDF.
TILES = ("training.registrations", "training.participants", "training.graduates", "training.certified")
TREND = ("training.registrations", "training.graduates")
CHARTS = (("training.registrations", "vocation"), ("training.participants", "funding"))

VOCATION = Breakdown("vocation", "batch__programme__vocation__name", _("Vocation"))
FUNDING = Breakdown("funding", "batch__funding", _("Funding source"), tuple(Funding.choices))
SEX = Breakdown("sex", "person__sex", _("Sex"), tuple(Sex.choices))
DISABILITY = Breakdown(
    "disability", "person__disability", _("Disability"), tuple(Disability.choices), none_label=_("No disability")
)
KECAMATAN = Breakdown(
    "kecamatan", "person__kelurahan__kecamatan__name", _("Kecamatan"), none_label=_("Outside the city")
)
PEOPLE = (VOCATION, FUNDING, SEX, DISABILITY, KECAMATAN)

# A participant is anyone who took up a seat: confirmed, whether they later graduated or dropped out.
TOOK_PART = Q(status=RegistrationStatus.CONFIRMED) | ~Q(outcome="")


def registrations(period: Period, today: datetime.date) -> dict:
    return tally(Registration.objects.filter(in_period("created_at", period, is_datetime=True)), PEOPLE)


def participants(period: Period, today: datetime.date) -> dict:
    return tally(Registration.objects.filter(TOOK_PART, in_period("batch__start_date", period)), PEOPLE)


def graduates(period: Period, today: datetime.date) -> dict:
    queryset = Registration.objects.filter(outcome=Outcome.GRADUATED).filter(
        in_period("completed_at", period, is_datetime=True)
    )
    return tally(queryset, PEOPLE)


def certified(period: Period, today: datetime.date) -> dict:
    queryset = Registration.objects.filter(competency_result=CompetencyResult.COMPETENT).filter(
        in_period("competency_tested_on", period)
    )
    return tally(queryset, PEOPLE)


def batches(period: Period, today: datetime.date) -> dict:
    started = Batch.objects.filter(in_period("start_date", period)).exclude(status=BatchStatus.CANCELLED)
    value = tally(
        started, (Breakdown("funding", "funding", ""), Breakdown("vocation", "programme__vocation__name", ""))
    )
    kinds = started.aggregate(
        programmes=Count("programme", distinct=True), vocations=Count("programme__vocation", distinct=True)
    )
    return value | kinds


def absorption(months: int):
    """Tracer answers at +``months``: the share working or self-employed, with the response rate."""

    def compute(period: Period, today: datetime.date) -> dict:
        counts = TracerResponse.objects.filter(
            in_period("requested_at", period, is_datetime=True), months_after=months
        ).aggregate(
            requested=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            absorbed=Count(
                "pk",
                filter=Q(answered_at__isnull=False, status__in=[TracerStatus.WORKING, TracerStatus.SELF_EMPLOYED]),
            ),
        )
        response = rate(counts["answered"], counts["requested"])["total"]
        return rate(counts["absorbed"], counts["answered"], requested=counts["requested"], response_rate=response)

    return compute


_PEOPLE_BY = _("Broken down by vocation, funding source, sex, disability and kecamatan of domicile.")

FIGURES = [
    Figure(
        "training.registrations",
        SECTION,
        _("Training registrations"),
        format_lazy(
            "{} {}", _("Registrations for BLK training batches made in the period (online and walk-in)."), _PEOPLE_BY
        ),
        registrations,
        breakdowns=PEOPLE,
    ),
    Figure(
        "training.participants",
        SECTION,
        _("Training participants"),
        format_lazy(
            "{} {}",
            _("People who took up a seat (confirmed, graduated or dropped out) in batches that started in the period."),
            _PEOPLE_BY,
        ),
        participants,
        breakdowns=PEOPLE,
    ),
    Figure(
        "training.graduates",
        SECTION,
        _("Graduates"),
        format_lazy(
            "{} {}", _("Participants whose training ended with the result 'graduated' in the period."), _PEOPLE_BY
        ),
        graduates,
        breakdowns=PEOPLE,
    ),
    Figure(
        "training.certified",
        SECTION,
        _("Certified competent"),
        format_lazy(
            "{} {}", _("Participants found competent at a competency test (UJK) held in the period."), _PEOPLE_BY
        ),
        certified,
        breakdowns=PEOPLE,
    ),
    Figure(
        "training.batches",
        SECTION,
        _("Training batches started"),
        _(
            "Batches (not cancelled) that started in the period, with the number of programmes and vocations "
            "they covered."
        ),
        batches,
        breakdowns=(
            Breakdown("funding", "funding", _("Funding source"), tuple(Funding.choices)),
            Breakdown("vocation", "programme__vocation__name", _("Vocation")),
        ),
    ),
    *(
        Figure(
            f"training.absorption_{m}",
            SECTION,
            format_lazy(_("Graduate absorption at {months} months"), months=m),
            format_lazy(
                _(
                    "Of the tracer answers at +{months} months requested in the period, the share working or "
                    "self-employed; the response rate is answers / requests."
                ),
                months=m,
            ),
            absorption(m),
            unit="percent",
        )
        for m in TracerResponse.MILESTONES
    ),
]


def work_waiting(today: datetime.date) -> list[WorkItem]:
    waiting = Registration.objects.filter(status=RegistrationStatus.REGISTERED)
    return [
        WorkItem(
            _("Registrations to verify"), waiting, "admin:training_registration_changelist",
            "status__exact=registered", "training.view_registration",
        )
    ]  # fmt: skip


def earliest() -> datetime.date | None:
    """The first day the training data speaks of (for building every summary there is)."""
    first = Registration.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return first.date() if first else None
