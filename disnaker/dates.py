import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clipped to the end of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_between(value: datetime.date, *, earliest: datetime.date, latest: datetime.date) -> None:
    """A date a form accepts only within reach of today: 0001-01-01 or 9999-12-31 is a typing slip."""
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": f"{earliest:%d-%m-%Y}", "latest": f"{latest:%d-%m-%Y}"},
        )


def check_within_a_year(value: datetime.date, *, today: datetime.date) -> None:
    check_between(value, earliest=add_months(today, -12), latest=add_months(today, 12))
