"""Reporting periods: a month, a quarter or a year, written ``2026-10``, ``2026-Q3`` or ``2026``."""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .dates import add_months

MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
)


@dataclass(frozen=True, order=True)
class Period:
    """``start`` is the first day; ``end`` the last day (inclusive)."""

    start: datetime.date
    kind: str

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(datetime.date(year, month, 1), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        return cls(datetime.date(year, 3 * quarter - 2, 1), PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), PeriodKind.YEAR)

    @classmethod
    def containing(cls, day: datetime.date, kind: str) -> "Period":
        first_month = (day.month - 1) // _MONTHS[kind] * _MONTHS[kind] + 1
        return cls(datetime.date(day.year, first_month, 1), PeriodKind(kind))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """``2026-10``, ``2026-Q3`` or ``2026``; ValueError for anything else."""
        for pattern, kind in _PATTERNS:
            match = pattern.match(text.strip())
            if match:
                year, number = int(match.group(1)), int(match.group(2)) if match.lastindex > 1 else 1
                if kind == PeriodKind.MONTH and not 1 <= number <= 12:
                    break
                return (
                    cls.quarter(year, number)
                    if kind == PeriodKind.QUARTER
                    else cls.containing(datetime.date(year, number, 1), kind)
                )
        raise ValueError(f"not a period (YYYY-MM, YYYY-Qn or YYYY): {text!r}")

    @property
    def months(self) -> int:
        return _MONTHS[self.kind]

    @property
    def end(self) -> datetime.date:
        return add_months(self.start, self.months) - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{self.quarter_number}"
        return str(self.start.year)

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def label(self) -> str:
        """The Indonesian name used on reports: ``Oktober 2026``, ``Triwulan III 2026``, ``Tahun 2026``."""
        if self.kind == PeriodKind.MONTH:
            return f"{MONTH_NAMES_ID[self.start.month - 1]} {self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"Triwulan {['I', 'II', 'III', 'IV'][self.quarter_number - 1]} {self.start.year}"
        return f"Tahun {self.start.year}"

    def previous(self) -> "Period":
        return Period(add_months(self.start, -self.months), self.kind)

    def next(self) -> "Period":
        return Period(add_months(self.start, self.months), self.kind)

    def quarters(self) -> list[tuple[int, int]]:
        """The (year, quarter) pairs that end inside this period: none for most months."""
        quarters = []
        day = self.start
        while day <= self.end:
            if day.month % 3 == 0:
                quarters.append((day.year, day.month // 3))
            day = add_months(day, 1)
        return quarters

    def months_in(self) -> list["Period"]:
        return [Period(add_months(self.start, i), PeriodKind.MONTH) for i in range(self.months)]

    def has_ended(self, today: datetime.date) -> bool:
        return self.end < today

    def __str__(self) -> str:
        return self.key
