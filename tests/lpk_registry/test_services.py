import datetime

import pytest
from django.core.exceptions import ValidationError

from disnaker.models import Person
from lpk_registry import services
from lpk_registry.models import GraduateReport, ReportEvent, ReportGraduate, quarter_bounds
from lpk_registry.services import GraduateRow, ProgrammeRow, ReportContent
from tests.factories import GraduateReportFactory, PersonFactory, UserFactory, letters, make_nik

pytestmark = pytest.mark.django_db
BORN = datetime.date(2001, 1, 1)


def _content(count=3, *, programme="Bahasa Jepang N4"):
    graduates = [
        GraduateRow(
            nik=make_nik(sex="P" if i % 2 else "L", birth_date=BORN + datetime.timedelta(days=i), serial=500 + i),
            name=f"Lulusan {letters(i)}",
            sex="P" if i % 2 else "L",
            programme=programme,
            status="working",
            company="PT Chandra Asri",
        )  # fmt: skip
        for i in range(count)
    ]
    women = sum(g.sex == "P" for g in graduates)
    programmes = [
        ProgrammeRow(programme=programme, enrolled_male=count - women + 1, enrolled_female=women,
                     graduates_male=count - women, graduates_female=women)
    ]  # fmt: skip
    return ReportContent(programmes=programmes, graduates=graduates)


def test_quarter_bounds_and_due_date():
    assert quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    report = GraduateReport(year=2026, quarter=3)
    assert report.due_date == datetime.date(2026, 10, 15)


def test_graduates_are_linked_to_people_by_nik_and_unknown_niks_become_people():
    known = PersonFactory(nik=make_nik(sex="L", birth_date=datetime.date(2001, 1, 1), serial=500), sex="L",
                          birth_date=datetime.date(2001, 1, 1), name="Nama di Disnaker")  # fmt: skip
    report = GraduateReportFactory()
    services.report_replace_content(report=report, content=_content(3), actor=None)
    graduates = list(report.graduates.select_related("person"))
    assert len(graduates) == 3
    assert next(g for g in graduates if g.nik == known.nik).person == known
    created = Person.objects.get(nik=make_nik(sex="P", birth_date=datetime.date(2001, 1, 2), serial=501))
    assert created.sex == "P" and created.birth_date == datetime.date(2001, 1, 2)
    assert Person.objects.get(pk=known.pk).name == "Nama di Disnaker"  # an LPK report never renames a person


def test_replacing_content_is_all_or_nothing():
    report = GraduateReportFactory()
    services.report_replace_content(report=report, content=_content(2), actor=None)
    bad = _content(3)
    bad.graduates.append(bad.graduates[0])  # the same NIK twice
    with pytest.raises(ValidationError):
        services.report_replace_content(report=report, content=bad, actor=None)
    assert report.graduates.count() == 2


def test_review_cycle_keeps_the_history():
    operator, staff = UserFactory(), UserFactory(is_staff=True)
    report = GraduateReportFactory()
    with pytest.raises(ValidationError):
        services.report_submit(report=report, actor=operator)  # empty
    services.report_replace_content(report=report, content=_content(2), actor=operator)
    services.report_submit(report=report, actor=operator)
    with pytest.raises(ValidationError):
        services.report_replace_content(report=report, content=_content(1), actor=operator)
    with pytest.raises(ValidationError):
        services.report_return(report=report, comment=" ", actor=staff)
    services.report_return(report=report, comment="Status kerja 2 lulusan belum diisi.", actor=staff)
    services.report_replace_content(report=report, content=_content(3), actor=operator)
    services.report_submit(report=report, actor=operator)
    services.report_accept(report=report, actor=staff)
    report.refresh_from_db()
    assert report.status == "accepted"
    trail = list(report.events.values_list("action", "graduates_count"))
    assert trail == [("submitted", 2), ("returned", 2), ("submitted", 3), ("accepted", 3)]
    assert ReportEvent.objects.get(action="returned").comment == "Status kerja 2 lulusan belum diisi."
    assert [h.status for h in report.history.order_by("history_date")][-4:] == [
        "submitted", "returned", "submitted", "accepted",
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        services.report_accept(report=report, actor=staff)


def test_one_report_per_institution_and_quarter():
    report = GraduateReportFactory()
    with pytest.raises(ValidationError):
        services.report_create(institution=report.institution, year=report.year, quarter=report.quarter, actor=None)


def test_five_thousand_graduates_are_saved_in_bulk(django_assert_max_num_queries):
    report = GraduateReportFactory()
    content = _content(5000)
    # Inserts go in batches (SQLite allows fewer values per statement than PostgreSQL); row by row
    # it would take at least 10,000 statements.
    with django_assert_max_num_queries(400):
        services.report_replace_content(report=report, content=content, actor=None)
    assert ReportGraduate.objects.filter(report=report).count() == 5000
