import time

from django.core.management.base import CommandError
from django.utils import timezone

from disnaker import dashboard, summaries
from disnaker.audit import AuditedCommand
from disnaker.periods import Period


class Command(AuditedCommand):
    help = (
        "Builds the periodic summaries (figures and PDF) here and now, and prints what it built. "
        "A period that has ended and was built after its end is frozen: --force rebuilds it."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", action="append", help="2026-10 (month), 2026-Q3 (quarter) or 2026 (year)")
        which.add_argument("--year", type=int, help="every month, quarter and the year itself")
        which.add_argument("--all", action="store_true", help="every period from the first data up to today")
        parser.add_argument("--force", action="store_true", help="rebuild frozen periods too")
        parser.add_argument("--no-pdf", action="store_true", help="figures only")

    def handle(self, *args, period, year, all, force, no_pdf, **options):
        for target in self._periods(period, year, all):
            started = time.monotonic()
            summary = summaries._row_for(target, summaries.CITY)
            was_frozen = summary.is_frozen and not force
            summary = summaries.summary_build(summary_id=summary.pk, force=force, pdf=not no_pdf)
            if not no_pdf and summaries.summary_pdf_ensure(summary_id=summary.pk):  # frozen, built without one
                summary.refresh_from_db()
            self.stdout.write(self._line(summary, was_frozen, time.monotonic() - started))

    def _periods(self, keys, year, every) -> list[Period]:
        if keys:
            try:
                return [Period.parse(key) for key in keys]
            except ValueError as error:
                raise CommandError(str(error)) from None
        if year:
            return summaries.periods_of_year(year)
        first = summaries.earliest_day()
        if first is None:
            return []
        return [p for y in range(first.year, timezone.localdate().year + 1) for p in summaries.periods_of_year(y)]

    def _line(self, summary, was_frozen: bool, seconds: float) -> str:
        values = summary.figures.get("figures", {})
        totals = ", ".join(
            f"{key.split('.', 1)[1]}={values[key]['total']}"
            for key in dashboard.trend_keys()  # the figures the apps declare as their headline
            if key in values
        )
        what = "frozen, kept" if was_frozen else summary.state
        pdf = f" pdf={summary.pdf.name}" if summary.pdf else ""
        return f"{summary.period.key:8} {what:12} {seconds:6.2f}s {totals}{pdf}"
