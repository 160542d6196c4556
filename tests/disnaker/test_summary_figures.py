"""Every summary figure against the hand-built city of conftest.py, whose answers are counted by hand."""

import datetime

import pytest

from disnaker.periods import Period
from disnaker.summaries import all_figures, compute_figures

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(city):
    return compute_figures(Period.month(2026, 10), today=TODAY)["figures"]


@pytest.fixture
def third_quarter(city):
    return compute_figures(Period.quarter(2026, 3), today=TODAY)["figures"]


def test_registrations_count_by_the_day_in_jakarta(october, city):
    a, b = city["kecamatan_a"], city["kecamatan_b"]
    assert october["training.registrations"] == {
        "total": 3,
        "by": {
            "vocation": {"K3": 2, "Pengelasan": 1},
            "funding": {"apbd": 1, "apbn": 2},
            "sex": {"L": 2, "P": 1},
            "disability": {"-": 2, "netra": 1},
            "kecamatan": {a: 2, b: 1},
        },
    }


def test_participants_are_those_who_took_a_seat_in_batches_starting_in_the_period(october, city):
    a, b = city["kecamatan_a"], city["kecamatan_b"]
    assert october["training.participants"] == {
        "total": 2,
        "by": {
            "vocation": {"K3": 1, "Pengelasan": 1},
            "funding": {"apbd": 1, "apbn": 1},
            "sex": {"L": 1, "P": 1},
            "disability": {"-": 1, "netra": 1},
            "kecamatan": {a: 1, b: 1},
        },
    }


def test_graduates_and_certified(october, city):
    a = city["kecamatan_a"]
    assert october["training.graduates"] == {
        "total": 2,
        "by": {
            "vocation": {"Pengelasan": 2},
            "funding": {"apbd": 2},
            "sex": {"L": 1, "P": 1},
            "disability": {"-": 2},
            "kecamatan": {a: 2},
        },
    }
    assert october["training.certified"]["total"] == 1
    assert october["training.certified"]["by"]["sex"] == {"L": 1}


def test_batches_started_leave_out_cancelled_ones(october):
    assert october["training.batches"] == {
        "total": 2,
        "by": {"funding": {"apbd": 1, "apbn": 1}, "vocation": {"K3": 1, "Pengelasan": 1}},
        "programmes": 2,
        "vocations": 2,
    }


def test_absorption_with_its_response_rate(october):
    assert october["training.absorption_3"] == {
        "total": 66.7,
        "numerator": 2,
        "denominator": 3,
        "requested": 4,
        "response_rate": 75.0,
    }
    assert october["training.absorption_6"] == {
        "total": None,
        "numerator": 0,
        "denominator": 0,
        "requested": 0,
        "response_rate": None,
    }


def test_a_month_without_a_quarter_end_has_no_lpk_reports_due(october):
    assert october["lpk.compliance"] == {
        "total": None,
        "numerator": 0,
        "denominator": 0,
        "on_time": 0,
        "on_time_rate": None,
    }
    assert october["lpk.graduates"]["total"] == 0
    assert october["lpk.supervision"] == {
        "total": 1,
        "by": {"kind": {"visit": 1}},
        "participants": 1,
        "institutions": 1,
    }


def test_lpk_compliance_of_the_quarter(third_quarter):
    assert third_quarter["lpk.compliance"] == {
        "total": 66.7,
        "numerator": 2,
        "denominator": 3,
        "on_time": 1,
        "on_time_rate": 33.3,
    }


def test_lpk_graduates_come_from_delivered_reports_only(third_quarter):
    assert third_quarter["lpk.graduates"] == {
        "total": 3,
        "by": {
            "sex": {"L": 1, "P": 2},
            "status": {"not_working": 1, "self_employed": 1, "working": 1},
            "certified": {"False": 1, "True": 2},
        },
    }
    assert third_quarter["lpk.enrolment"] == {
        "total": 10,
        "graduates": 4,
        "by": {"enrolled": {"L": 6, "P": 4}, "graduates": {"L": 2, "P": 2}},
    }


def test_supervision_counts_participants_and_institutions(third_quarter):
    assert third_quarter["lpk.supervision"] == {
        "total": 1,
        "by": {"kind": {"guidance": 1}},
        "participants": 5,
        "institutions": 2,
    }


def test_ak1_cards_issued_active_and_expired(october, city):
    a, b = city["kecamatan_a"], city["kecamatan_b"]
    assert october["placement.ak1_issued"] == {"total": 1, "by": {"sex": {"L": 1}, "kecamatan": {a: 1}}}
    assert october["placement.ak1_active"] == {"total": 2, "by": {"sex": {"L": 1, "P": 1}, "kecamatan": {a: 2}}}
    assert october["placement.ak1_expired"] == {"total": 1, "by": {"sex": {"P": 1}, "kecamatan": {b: 1}}}


def test_vacancies_and_positions_reported(october):
    assert october["placement.vacancies"] == {
        "total": 2,
        "by": {"sector": {"C": 1, "I": 1}, "occupation": {"5": 1, "7": 1}},
    }
    assert october["placement.positions"] == {
        "total": 8,
        "by": {"sector": {"C": 5, "I": 3}, "occupation": {"5": 3, "7": 5}},
    }


def test_placements_by_source_and_local_share(october, city):
    a = city["kecamatan_a"]
    assert october["placement.placements"] == {
        "total": 3,
        "by": {
            "source": {"blk": 1, "lpk": 1, "other": 1},
            "sex": {"L": 2, "P": 1},
            "kecamatan": {"-": 1, a: 2},
            "sector": {"C": 2, "I": 1},
        },
    }
    assert october["placement.local_share"] == {"total": 66.7, "numerator": 2, "denominator": 3}


def test_apprenticeships_and_layoffs(october):
    assert october["placement.apprenticeships"] == {"total": 1, "by": {"destination": {"japan": 1}}, "participants": 2}
    assert october["placement.layoffs"] == {"total": 15, "by": {"sector": {"C": 3, "I": 12}}, "reports": 2}


def test_a_year_adds_up_its_months(city):
    year = compute_figures(Period.year(2026), today=TODAY)["figures"]
    months = [compute_figures(m, today=TODAY)["figures"] for m in Period.year(2026).months_in()]
    for key in ("training.registrations", "training.graduates", "placement.positions", "placement.placements"):
        assert year[key]["total"] == sum(m[key]["total"] for m in months), key


def test_published_indicators_stand_beside_the_figures(city):
    from disnaker.models import PublishedIndicator

    PublishedIndicator.objects.create(code="tpt", year=2026, value="7.25", unit="%", source="BPS Kota Cilegon")
    PublishedIndicator.objects.create(code="tpt", year=2025, value="8.10", unit="%")
    indicators = compute_figures(Period.month(2026, 10), today=TODAY)["indicators"]
    assert indicators == [
        {"code": "tpt", "year": 2026, "value": "7.25", "unit": "%", "source": "BPS Kota Cilegon", "note": ""}
    ]


def test_every_figure_has_a_definition_and_a_unique_key():
    figures = all_figures()
    assert len({f.key for f in figures}) == len(figures)
    assert all(str(f.definition).strip() and str(f.label).strip() for f in figures)


def test_periods_parse_and_bound():
    assert Period.parse("2026-10") == Period.month(2026, 10)
    assert Period.parse("2026-Q3").end == datetime.date(2026, 9, 30)
    assert Period.parse("2026").key == "2026"
    assert Period.parse("2026-02").end == datetime.date(2026, 2, 28)
    assert Period.month(2026, 1).previous().key == "2025-12"
    assert Period.parse("2026-Q4").label == "Triwulan IV 2026"
    for bad in ("2026-13", "2026-Q5", "26-10", "oktober"):
        with pytest.raises(ValueError):
            Period.parse(bad)
