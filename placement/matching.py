"""Matching: the people to recommend for a vacancy ("rekomendasikan alumni sesuai sertifikasinya").

The pool is AK/1 holders (an active card, valid on the day) and BLK graduates. Of them, only
those who meet every requirement of the vacancy are candidates:

- the required certification: a certificate valid on the day whose scheme contains the text
  (case-insensitive); no requirement when the vacancy names none;
- the minimum education (by rank); people with no recorded education do not meet one;
- the age range on the day, and the sex when the vacancy asks for one;
- a domicile in the city when the vacancy is for residents.

Candidates come ranked, best first:

1. holding the required certification (or, when none is required, any valid certificate);
2. local residents (a kelurahan of the city) before others;
3. higher education first;
4. the most recent of their BLK graduation and their AK/1 card issue first;
5. by name.

Graduates are read only through the training selector ``alumni_search``.
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from disnaker.dates import add_months
from disnaker.models import Certification, Person
from training.selectors import alumni_search

from .models import CardStatus, JobSeekerCard, Vacancy

NEVER = datetime.date(1900, 1, 1)


def _valid_certificates(*, scheme: str, today: datetime.date) -> QuerySet:
    """The person's certificates valid today (of the scheme when given), newest first."""
    certificates = Certification.objects.filter(person_id=OuterRef("pk")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    if scheme:
        certificates = certificates.filter(scheme__icontains=scheme)
    return certificates.order_by("-issued_on", "-pk")


def _active_cards(*, today: datetime.date) -> QuerySet:
    return JobSeekerCard.objects.filter(
        person_id=OuterRef("pk"), status=CardStatus.ACTIVE, valid_until__gte=today
    ).order_by("-issued_on", "-pk")


def _born_between(vacancy: Vacancy, today: datetime.date) -> Q:
    """Age ``min_age`` .. ``max_age`` on ``today`` as a range of birth dates."""
    condition = Q(birth_date__lte=add_months(today, -12 * vacancy.min_age))
    if vacancy.max_age is not None:
        # Still max_age: born after the day they would have turned max_age + 1.
        condition &= Q(birth_date__gt=add_months(today, -12 * (vacancy.max_age + 1)))
    return condition


def _eligible(vacancy: Vacancy, today: datetime.date) -> QuerySet:
    people = Person.objects.filter(_born_between(vacancy, today))
    if vacancy.min_education_id:
        people = people.filter(education__rank__gte=vacancy.min_education.rank)
    if vacancy.sex:
        people = people.filter(sex=vacancy.sex)
    if vacancy.local_residents_only:
        people = people.filter(kelurahan__isnull=False)
    scheme = vacancy.required_certification.strip()
    if scheme:
        people = people.filter(Exists(_valid_certificates(scheme=scheme, today=today)))
    return people


def candidates(*, vacancy: Vacancy, today: datetime.date | None = None) -> list[Person]:
    """The people eligible for ``vacancy``, in the order documented above.

    Each carries ``is_ak1_holder``, ``card_number``, ``card_issued_on``, ``is_graduate``,
    ``graduated_on``, ``has_certification`` and ``cert_scheme`` / ``cert_number`` /
    ``cert_valid_until`` (the best certificate), with region and education joined in.
    """
    today = today or timezone.localdate()
    scheme = vacancy.required_certification.strip()
    # Without a required scheme this is "any valid certificate", as rank 1 says.
    certificates = _valid_certificates(scheme=scheme, today=today)
    cards = _active_cards(today=today)
    # alumni_search orders graduations newest first; read from training through its selector.
    graduations = alumni_search(today=today).filter(person_id=OuterRef("pk"))
    people = (
        _eligible(vacancy, today)
        .annotate(
            is_ak1_holder=Exists(cards),
            card_number=Subquery(cards.values("number")[:1]),
            card_issued_on=Subquery(cards.values("issued_on")[:1]),
            graduated_on=Subquery(graduations.values("batch__end_date")[:1]),
        )
        .annotate(
            is_graduate=Case(When(graduated_on__isnull=False, then=True), default=False, output_field=BooleanField())
        )
        .filter(Q(is_ak1_holder=True) | Q(is_graduate=True))
        .annotate(
            has_certification=Exists(certificates),
            cert_scheme=Subquery(certificates.values("scheme")[:1]),
            cert_number=Subquery(certificates.values("number")[:1]),
            cert_valid_until=Subquery(certificates.values("valid_until")[:1]),
            is_local=Case(When(kelurahan__isnull=False, then=True), default=False, output_field=BooleanField()),
            # Greatest() is NULL on SQLite when either side is: coalesce both to a date first.
            latest=Greatest(
                Coalesce("graduated_on", "card_issued_on", Value(NEVER), output_field=DateField()),
                Coalesce("card_issued_on", "graduated_on", Value(NEVER), output_field=DateField()),
            ),
        )
        .select_related("kelurahan__kecamatan", "education")
        .order_by(
            F("has_certification").desc(),
            F("is_local").desc(),
            F("education__rank").desc(nulls_last=True),
            F("latest").desc(),
            "name",
            "pk",
        )
    )
    return list(people)
