"""Report compliance per institution, on a hand-built year of reports with a fixed 'today'."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lpk_registry import compliance, services
from lpk_registry.compliance import Compliance
from lpk_registry.models import Institution, ReportStatus
from lpk_registry.services import GraduateRow, ProgrammeRow, ReportContent
from tests.factories import GraduateReportFactory, InstitutionFactory, LicenceFactory, make_nik

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)
# The last four quarters whose due date (15 days after the quarter) has passed by TODAY.
Q3, Q2, Q1, Q4_2025 = (2026, 3), (2026, 2), (2026, 1), (2025, 4)


def _at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def _institution(*, licensed: str = "2020-01-01", **kwargs) -> Institution:
    institution = InstitutionFactory(**kwargs)
    LicenceFactory(institution=institution, issued_on=datetime.date.fromisoformat(licensed))
    return institution


def _report(institution, quarter, *steps):
    """A report taken through the services: ("submit", day) / ("return", day) / ("accept", day)."""
    report = GraduateReportFactory(institution=institution, year=quarter[0], quarter=quarter[1])
    content = ReportContent(
        programmes=[ProgrammeRow(programme="Bahasa Jepang N4", enrolled_male=1, graduates_male=1)],
        graduates=[GraduateRow(nik=make_nik(serial=7), name="Andi", sex="L", programme="Bahasa Jepang N4",
                               status="studying")],
    )  # fmt: skip
    services.report_replace_content(report=report, content=content, actor=None)
    for step, day in steps:
        if step == "submit":
            services.report_submit(report=report, actor=None, now=_at(day))
        elif step == "return":
            services.report_return(report=report, comment="Perbaiki", actor=None, now=_at(day))
        else:
            services.report_accept(report=report, actor=None, now=_at(day))
    return report


@pytest.fixture
def year_of_reports():
    """
    punctual: all four quarters, on time (the last on its due date, late in the evening).
    sloppy:   Q3 late; Q2 returned and never sent again; Q1 only a draft; 2025 Q4 nothing.
    newcomer: licensed in May 2026, so it owes Q2 and Q3 only; Q2 first sent on time, returned,
              sent again after the due date and accepted (on time: the first submission counts).
    closed:   inactive, owes nothing although its reports are missing.
    """
    punctual = _institution(name="LPK Tepat Waktu")
    _report(punctual, Q4_2025, ("submit", "2026-01-10"), ("accept", "2026-01-20"))
    _report(punctual, Q1, ("submit", "2026-04-15"), ("accept", "2026-04-20"))
    _report(punctual, Q2, ("submit", "2026-07-01"))
    punctual_q3 = _report(punctual, Q3)
    services.report_submit(report=punctual_q3, actor=None, now=_at("2026-10-15", 23))

    sloppy = _institution(name="LPK Terlambat")
    _report(sloppy, Q3, ("submit", "2026-10-20"))
    _report(sloppy, Q2, ("submit", "2026-07-10"), ("return", "2026-07-12"))
    _report(sloppy, Q1)

    newcomer = _institution(name="LPK Baru", licensed="2026-05-10")
    _report(newcomer, Q2, ("submit", "2026-07-14"), ("return", "2026-07-20"), ("submit", "2026-07-25"),
            ("accept", "2026-07-28"))  # fmt: skip

    closed = _institution(name="LPK Tutup", status="inactive")
    return {"punctual": punctual, "sloppy": sloppy, "newcomer": newcomer, "closed": closed}


def test_due_quarters_start_the_day_after_the_due_date():
    assert compliance.due_quarters(today=TODAY) == [Q3, Q2, Q1, Q4_2025]
    assert compliance.due_quarters(today=datetime.date(2026, 10, 15))[0] == Q2  # Q3 may still come today
    assert compliance.due_quarters(today=datetime.date(2026, 10, 16))[0] == Q3
    assert compliance.due_quarters(count=2, today=datetime.date(2026, 1, 20)) == [(2025, 4), (2025, 3)]
    assert compliance.last_finished_quarter(today=datetime.date(2026, 1, 1)) == (2025, 4)
    assert compliance.due_date(Q4_2025) == datetime.date(2026, 1, 15)


def test_compliance_per_institution_over_four_quarters(year_of_reports):
    figures = compliance.institution_compliance(Institution.objects.all(), today=TODAY)
    numbers = {name: figures[inst.pk] for name, inst in year_of_reports.items()}
    assert numbers["punctual"] == Compliance(due=4, submitted=4, on_time=4)
    assert numbers["sloppy"] == Compliance(due=4, submitted=1, on_time=0)
    assert numbers["newcomer"] == Compliance(due=2, submitted=1, on_time=1)
    assert numbers["closed"] == Compliance(due=0, submitted=0, on_time=0)
    assert (numbers["punctual"].rate, numbers["sloppy"].rate, numbers["newcomer"].rate) == (1.0, 0.25, 0.5)
    assert numbers["sloppy"].missing == 3
    assert numbers["closed"].rate is None


def test_the_cells_say_what_happened_in_each_quarter(year_of_reports):
    figures = compliance.institution_compliance([year_of_reports["sloppy"].pk], today=TODAY)
    cells = {cell.label: cell for cell in figures[year_of_reports["sloppy"].pk].cells}
    assert (cells["2026 Q3"].submitted, cells["2026 Q3"].on_time) == (True, False)
    assert (cells["2026 Q2"].status, cells["2026 Q2"].submitted) == (ReportStatus.RETURNED, False)
    assert cells["2026 Q1"].status == ReportStatus.DRAFT
    assert cells["2025 Q4"].status is None and cells["2025 Q4"].due


def test_a_quarter_is_counted_only_after_its_due_date(year_of_reports):
    on_due_date = compliance.institution_compliance(
        [year_of_reports["punctual"].pk], quarters=[Q3], today=datetime.date(2026, 10, 15)
    )
    assert on_due_date[year_of_reports["punctual"].pk].due == 0
    after = compliance.institution_compliance([year_of_reports["punctual"].pk], quarters=[Q3], today=TODAY)
    assert after[year_of_reports["punctual"].pk] == Compliance(due=1, submitted=1, on_time=1)


def test_an_institution_without_a_licence_owes_reports_from_its_registration():
    institution = InstitutionFactory()
    Institution.objects.filter(pk=institution.pk).update(created_at=_at("2026-08-01"))
    figures = compliance.institution_compliance([institution.pk], today=TODAY)[institution.pk]
    assert figures.due == 1  # Q3 only


def test_overdue_and_missing_report_pick_exactly_the_institutions(year_of_reports):
    overdue = set(compliance.overdue(today=TODAY).values_list("name", flat=True))
    assert overdue == {"LPK Terlambat", "LPK Baru"}
    missing_q3 = set(compliance.missing_report(quarter=Q3).values_list("name", flat=True))
    assert missing_q3 == {"LPK Baru"}
    missing_q1 = set(compliance.missing_report(quarter=Q1).values_list("name", flat=True))
    assert missing_q1 == {"LPK Terlambat"}  # the newcomer was not licensed yet, the closed one owes nothing


def test_period_compliance_sums_all_institutions_for_the_summaries(year_of_reports):
    assert compliance.period_compliance(year=2026, quarter=3, today=TODAY) == Compliance(due=3, submitted=2, on_time=1)
    assert compliance.period_compliance(year=2026, quarter=2, today=TODAY) == Compliance(due=3, submitted=2, on_time=2)
    not_yet = compliance.period_compliance(year=2026, quarter=4, today=TODAY)
    assert not_yet.due == 0 and not_yet.rate is None


def test_compliance_takes_two_queries_for_any_number_of_institutions(year_of_reports):
    for _ in range(20):
        _report(_institution(), Q3, ("submit", "2026-10-01"))
    with CaptureQueriesContext(connection) as queries:
        figures = compliance.institution_compliance(Institution.objects.all(), today=TODAY)
    assert len(figures) == 24
    assert len(queries) == 2
