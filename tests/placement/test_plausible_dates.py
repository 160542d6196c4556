"""Dates in the company's reports must be near today: 0001-01-01 or 9999-12-31 is a typing slip."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disnaker.dates import add_months
from disnaker.models import KbjiMajorGroup
from placement.models import LayoffReport, Placement, Vacancy
from tests.factories import PersonFactory, company_hr
from tests.submission import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client):
    client.force_login(company_hr())
    return client


def _day(offset_days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset_days)).isoformat()


def _vacancy(hr, **dates):
    data = {
        "title": "Operator Produksi", "kbji_group": KbjiMajorGroup.objects.get(code="8").pk, "headcount": 1,
        "open_from": _day(), "open_until": _day(30), "min_age": 18, "experience_years": 0,
        "location": "Cilegon", "work_type": "contract",
    }  # fmt: skip
    return submit(hr, reverse("placement:company_vacancy_create"), data | dates)


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_vacancy_open_from_year_one_to_9999_is_refused_beside_both_dates(hr):
    response = _vacancy(hr, open_from="0001-01-01", open_until="9999-12-31")
    assert response.status_code == 200
    today = timezone.localdate()
    earliest, latest = add_months(today, -12), add_months(today, 12)
    assert _errors(response, "open_from") == [f"Isi tanggal antara {earliest:%d-%m-%Y} dan {latest:%d-%m-%Y}."]
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize(("offset", "accepted"), [(-366, False), (-360, True), (360, True), (367, False)])
def test_a_vacancy_opens_within_a_year_of_today(hr, offset, accepted):
    response = _vacancy(hr, open_from=_day(offset), open_until=_day(offset + 30))
    assert (response.status_code == 302) is accepted
    assert Vacancy.objects.exists() is accepted


def test_a_vacancy_stays_open_at_most_the_set_months(hr, settings):
    assert settings.VACANCY_MAX_OPEN_MONTHS == 6
    today = timezone.localdate()
    last = add_months(today, 6)
    response = _vacancy(hr, open_until=(last + datetime.timedelta(days=1)).isoformat())
    assert _errors(response, "open_until") == [
        f"Lowongan dibuka paling lama 6 bulan: tutup paling lambat {last:%d-%m-%Y}."
    ]
    assert _vacancy(hr, open_until=last.isoformat()).status_code == 302


def test_the_longest_opening_comes_from_the_setting(hr, settings):
    settings.VACANCY_MAX_OPEN_MONTHS = 1
    response = _vacancy(hr, open_until=_day(45))
    assert "paling lama 1 bulan" in _errors(response, "open_until")[0]


def test_a_vacancy_closed_before_it_opens_is_still_said_beside_the_closing_date(hr):
    response = _vacancy(hr, open_from=_day(10), open_until=_day(5))
    assert _errors(response, "open_until") == ["Tanggal tutup lebih awal dari tanggal buka."]


def test_a_layoff_dated_far_from_today_is_refused(hr):
    url = reverse("placement:company_layoff_create")
    for day in ("0001-01-01", "9999-12-31", _day(-400)):
        response = submit(hr, url, {"date": day, "count": 3, "reason": "Efisiensi"})
        assert _errors(response, "date")[0].startswith("Isi tanggal antara")
    assert submit(hr, url, {"date": _day(-10), "count": 3, "reason": "Efisiensi"}).status_code == 302
    assert LayoffReport.objects.count() == 1


def test_a_placement_started_more_than_a_year_ago_is_refused(hr):
    person = PersonFactory(sex="L")
    data = {"nik": person.nik, "name": person.name, "sex": "L", "position": "Operator", "contract_type": "contract"}
    url = reverse("placement:company_placement_create")
    response = submit(hr, url, data | {"start_date": "0001-01-01"})
    assert "lebih dari 12 bulan yang lalu" in _errors(response, "start_date")[0]
    response = submit(hr, url, data | {"start_date": "9999-12-31"})
    assert "lebih dari 90 hari" in _errors(response, "start_date")[0]
    assert not Placement.objects.exists()
    assert submit(hr, url, data | {"start_date": _day(-300)}).status_code == 302
