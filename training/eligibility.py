"""Who may register for a batch: each rule answers with the field it concerns and a message."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from disnaker.models import Person

from .models import ACTIVE_STATUSES, Batch, DomicileRule, Registration


def eligibility_errors(*, person: Person, batch: Batch, today: datetime.date) -> dict[str, list[str]]:
    """Errors by form field (``None`` for the form as a whole); empty when the person may register."""
    errors: dict[str | None, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    programme = batch.programme
    if not batch.is_registration_open(today):
        add(
            None,
            _("Registration for this batch is open from %(opens)s to %(closes)s.")
            % {
                "opens": batch.registration_opens.strftime("%d-%m-%Y"),
                "closes": batch.registration_closes.strftime("%d-%m-%Y"),
            },
        )
    age = person.age_on(batch.start_date)
    if age < programme.min_age:
        add(
            "birth_date",
            _("You must be at least %(age)d years old on the first day of training.") % {"age": programme.min_age},
        )
    if programme.max_age and age > programme.max_age:
        add(
            "birth_date", _("This programme accepts participants up to %(age)d years old.") % {"age": programme.max_age}
        )
    if programme.min_education and (person.education is None or person.education.rank < programme.min_education.rank):
        add(
            "education",
            _("This programme needs at least %(level)s education.") % {"level": programme.min_education.label},
        )
    if programme.domicile_rule == DomicileRule.CITY_RESIDENTS and not person.is_local_resident:
        add("kelurahan", _("This batch is for residents of the city only: choose your kelurahan of domicile."))
    if person.pk:
        _check_other_registrations(person=person, batch=batch, add=add)
    return errors


def _check_other_registrations(*, person, batch, add) -> None:
    # One read: the batches of this batch's registration (any status) and of the active ones that overlap it.
    overlaps = Q(
        status__in=ACTIVE_STATUSES, batch__start_date__lte=batch.end_date, batch__end_date__gte=batch.start_date
    )
    batch_ids = list(
        Registration.objects.filter(Q(batch=batch) | overlaps, person=person)
        .order_by("pk")
        .values_list("batch_id", flat=True)
    )
    if batch.pk in batch_ids:
        add(None, _("You are already registered for this batch."))
        return
    if batch_ids:
        overlapping = Batch.objects.select_related("programme").get(pk=batch_ids[0])
        add(None, _("You are already registered for %(batch)s, which runs at the same time.") % {"batch": overlapping})


def check_eligible(*, person: Person, batch: Batch, today: datetime.date) -> None:
    errors = eligibility_errors(person=person, batch=batch, today=today)
    if errors:
        raise ValidationError({NON_FIELD_ERRORS if k is None else k: v for k, v in errors.items()})
