"""Alumni search for staff: which graduates to recommend to industry, by certification and situation.

"Certified welders living in Cilegon, not yet working" is
``alumni_search(scheme="las", certified=True, resident=True, status=TracerStatus.NOT_WORKING)``.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from disnaker.models import Certification
from disnaker.nik import normalize_nik

from .models import Outcome, Registration, TracerResponse

# The status filter value for graduates who have not answered any tracer yet.
STATUS_UNKNOWN = "unknown"


def _certifications(*, scheme: str | None, valid_on: datetime.date | None = None) -> QuerySet:
    """The person's certificates of the scheme (all, or those valid on a day), newest first."""
    certificates = Certification.objects.filter(person_id=OuterRef("person_id"))
    if scheme:
        certificates = certificates.filter(scheme__icontains=scheme.strip())
    if valid_on:
        certificates = certificates.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_on))
    return certificates.order_by("-issued_on", "-pk")


def _person_condition(person: str, *, by_nik: bool) -> Q:
    """The graduate named ``person``, or holding it as NIK (typed with the KTP's spaces or dots)."""
    nik = normalize_nik(person)
    if len(nik) == 16 and nik.isdigit():
        return Q(person__nik=nik) if by_nik else Q(pk__in=[])
    return Q(person__name__icontains=person.strip())


def alumni_search(
    *,
    person: str | None = None,
    by_nik: bool = True,
    scheme: str | None = None,
    vocation=None,
    year: int | None = None,
    kecamatan=None,
    status: str | None = None,
    certified: bool | None = None,
    resident: bool | None = None,
    today: datetime.date | None = None,
) -> QuerySet:
    """Graduations (one row per graduate per programme) matching every filter given.

    - ``person``: part of the graduate's name, or their full NIK (``by_nik=False``, for staff who
      may not see NIKs: a NIK finds no one);
    - ``scheme``: text found in the scheme of one of the person's competency certificates;
    - ``vocation``, ``year``: of the programme graduated from, the year the batch ended;
    - ``kecamatan``: of the person's domicile; ``resident=True``: any domicile in the city;
    - ``status``: the person's latest answered tracer status, or ``STATUS_UNKNOWN`` for none;
    - ``certified``: True, only people holding a certificate valid today (of the scheme, if
      given); False, only people holding none (so with a scheme: theirs has expired).

    Rows carry ``current_status`` and ``cert_scheme`` / ``cert_number`` / ``cert_valid_until``
    (the newest matching certificate) as annotations, and their person, region and programme
    joined in, so listing a page makes no query per row.
    """
    today = today or timezone.localdate()
    latest_answer = TracerResponse.objects.filter(
        registration__person_id=OuterRef("person_id"), answered_at__isnull=False
    ).order_by("-answered_at", "-pk")
    matching = _certifications(scheme=scheme)
    valid = _certifications(scheme=scheme, valid_on=today)
    certificates = valid if certified else matching
    rows = (
        Registration.objects.filter(outcome=Outcome.GRADUATED)
        .select_related("person__kelurahan__kecamatan", "person__education", "batch__programme__vocation")
        .annotate(
            current_status=Subquery(latest_answer.values("status")[:1]),
            cert_scheme=Subquery(certificates.values("scheme")[:1]),
            cert_number=Subquery(certificates.values("number")[:1]),
            cert_valid_until=Subquery(certificates.values("valid_until")[:1]),
        )
    )
    if person:
        rows = rows.filter(_person_condition(person, by_nik=by_nik))
    if scheme:
        rows = rows.filter(Exists(matching))
    if certified:
        rows = rows.filter(Exists(valid))
    elif certified is False:
        rows = rows.exclude(Exists(valid))
    if vocation:
        rows = rows.filter(batch__programme__vocation=vocation)
    if year:
        rows = rows.filter(batch__end_date__year=year)
    if kecamatan:
        rows = rows.filter(person__kelurahan__kecamatan=kecamatan)
    if resident:
        rows = rows.filter(person__kelurahan__isnull=False)
    if status == STATUS_UNKNOWN:
        rows = rows.filter(Q(current_status__isnull=True) | Q(current_status=""))
    elif status:
        rows = rows.filter(current_status=status)
    return rows.order_by("-batch__end_date", "person__name", "pk")
