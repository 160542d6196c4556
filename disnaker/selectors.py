"""Read queries of the core that pages call: the published summaries of the statistics page."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Certification, NikClaim, Person, Summary
from .periods import Period, PeriodKind
from .summaries import CITY

# How many periods of each kind the statistics page offers.
LATEST = {PeriodKind.YEAR: 5, PeriodKind.QUARTER: 8, PeriodKind.MONTH: 12}


def published_summaries() -> QuerySet[Summary]:
    """Built and published city summaries, newest data first (a year before its last quarter and month).

    A published summary stays listed while it is rebuilt or after a rebuild failed: its last built
    figures are what the page shows. The figures are left out: a list needs only the periods.
    """
    return (
        Summary.objects.visible()
        .filter(is_published=True, scope=CITY)
        .defer("figures")
        .order_by("-period_end", "period_start")
    )


def published_summary(period_key: str) -> Summary:
    """The published summary of ``period_key`` ("2026", "2026-Q3", "2026-10"); 404 for any other."""
    try:
        period = Period.parse(period_key)
    except ValueError:
        raise Http404("not a period") from None
    return get_object_or_404(
        Summary.objects.visible().filter(is_published=True, scope=CITY),
        period_kind=period.kind,
        period_start=period.start,
    )


def latest_published_summary() -> Summary | None:
    return published_summaries().defer(None).first()


def published_periods() -> list[dict]:
    """The latest published summaries of each kind: ``[{kind, label, summaries}]``, years first."""
    latest = {kind: [] for kind in LATEST}
    for summary in published_summaries():
        if len(latest[summary.period_kind]) < LATEST[summary.period_kind]:
            latest[summary.period_kind].append(summary)
    return [{"kind": kind, "label": kind.label, "summaries": rows} for kind, rows in latest.items() if rows]


def personal_data(person: Person) -> dict:
    """The core's rows naming the person, for their "download my data" (``disnaker.personal_data``)."""
    return {
        "certifications": Certification.objects.filter(person=person),
        "nik_claims": NikClaim.objects.filter(user_id=person.user_id) if person.user_id else NikClaim.objects.none(),
    }
