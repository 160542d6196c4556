"""Public vacancy list and page, and the proof-of-reporting check."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.models import EducationLevel, KbjiMajorGroup
from placement.models import Placement
from tests.factories import CompanyFactory, PersonFactory, VacancyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST_URL = reverse("placement:vacancy_list")


def _titles(response) -> list[str]:
    return [vacancy.title for vacancy in response.context["page_obj"]]


def test_list_shows_only_open_unhidden_vacancies_of_verified_companies(client):
    VacancyFactory(title="Shown open")
    VacancyFactory(title="Shown in selection", status="selection")
    VacancyFactory(title="Pending company", company=CompanyFactory(status="pending"))
    VacancyFactory(title="Rejected company", company=CompanyFactory(status="rejected"))
    VacancyFactory(title="Hidden", is_hidden=True, hidden_reason="spam")
    VacancyFactory(title="Filled", status="filled")
    VacancyFactory(title="Closed", status="closed")
    VacancyFactory(title="Closed yesterday", open_until=TODAY - datetime.timedelta(days=1))
    VacancyFactory(title="Opens tomorrow", open_from=TODAY + datetime.timedelta(days=1))
    VacancyFactory(title="Closes today", open_until=TODAY)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Closes today", "Shown in selection", "Shown open"]


def test_list_card_shows_company_report_date_and_facts(client):
    vacancy = VacancyFactory(
        title="Operator Forklift",
        company=CompanyFactory(name="PT Pelabuhan Uji"),
        headcount=5,
        wage_min=4_500_000,
        wage_max=5_000_000,
        min_education=EducationLevel.objects.get(code="sma"),
    )
    client.cookies["django_language"] = "en"
    content = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("PT Pelabuhan Uji", "Operator Forklift", vacancy.location, "4,500,000", "5,000,000"):
        assert text in content
    assert reverse("placement:vacancy_detail", args=[vacancy.pk]) in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "las"}, ["Juru Las"]),
        ({"kbji_group": "K3"}, ["Ahli K3"]),
        ({"work_type": "permanent"}, ["Ahli K3"]),
        ({"education": "sma"}, ["Juru Las", "Pramusaji"]),
    ],
)
def test_filters(client, params, expected):
    VacancyFactory(title="Juru Las", min_education=None)
    VacancyFactory(
        title="Ahli K3",
        kbji_group=KbjiMajorGroup.objects.get(code="3"),
        work_type="permanent",
        min_education=EducationLevel.objects.get(code="d3"),
    )
    VacancyFactory(title="Pramusaji", kbji_group=KbjiMajorGroup.objects.get(code="5"),
                   min_education=EducationLevel.objects.get(code="sma"))  # fmt: skip
    if params.get("kbji_group"):
        params = {"kbji_group": KbjiMajorGroup.objects.get(code="3").pk}
    if params.get("education"):
        params = {"education": EducationLevel.objects.get(code="sma").pk}
    assert sorted(_titles(client.get(LIST_URL, params))) == expected


def test_list_is_paginated(client):
    VacancyFactory.create_batch(13)
    first = client.get(LIST_URL)
    assert len(_titles(first)) == 12
    assert len(_titles(client.get(LIST_URL, {"page": 2}))) == 1


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_makes_the_same_queries_for_1_and_50_vacancies(client):
    VacancyFactory(wage_min=1, min_education=EducationLevel.objects.get(code="sma"))
    one = _count_queries(client, LIST_URL)
    for _ in range(49):
        VacancyFactory(wage_min=1, min_education=EducationLevel.objects.get(code="sma"))
    assert _count_queries(client, LIST_URL) == one


# --- Vacancy page -----------------------------------------------------------------------------


def test_detail_shows_the_perpres_fields(client):
    vacancy = VacancyFactory(
        title="Juru Las 3G",
        required_certification="Juru Las 3G SMAW",
        max_age=35,
        experience_years=2,
        skills="Membaca gambar teknik",
        description="Pengelasan pipa",
    )
    response = client.get(reverse("placement:vacancy_detail", args=[vacancy.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for text in (vacancy.company.name, "Juru Las 3G SMAW", "Membaca gambar teknik", vacancy.kbji_code,
                 vacancy.registration_number, vacancy.location, "18", "35"):  # fmt: skip
        assert text in content


@pytest.mark.parametrize(
    "make",
    [
        lambda: VacancyFactory(is_hidden=True),
        lambda: VacancyFactory(company=CompanyFactory(status="pending")),
        lambda: VacancyFactory(company=CompanyFactory(status="rejected")),
    ],
)
def test_detail_of_a_hidden_or_unverified_companys_vacancy_is_404(client, make):
    assert client.get(reverse("placement:vacancy_detail", args=[make().pk])).status_code == 404


def test_detail_of_a_closed_vacancy_says_it_is_closed(client):
    vacancy = VacancyFactory(status="filled")
    response = client.get(reverse("placement:vacancy_detail", args=[vacancy.pk]))
    assert response.status_code == 200 and response.context["is_open"] is False


# --- Proof of reporting -----------------------------------------------------------------------


def test_report_verify_finds_a_vacancy_report(client):
    vacancy = VacancyFactory(title="Ahli K3 Umum", company=CompanyFactory(name="PT Kimia Uji"))
    response = client.get(reverse("placement:report_verify", args=[vacancy.registration_number.lower()]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "PT Kimia Uji" in content and "Ahli K3 Umum" in content


def test_report_verify_of_a_placement_shows_no_personal_data(client):
    company = CompanyFactory(name="PT Baja Uji")
    person = PersonFactory(name="Slamet Rahasia")
    placement = Placement.objects.create(
        company=company, person=person, nik=person.nik, name=person.name, position="Juru Las",
        start_date=datetime.date(2026, 2, 2), contract_type="contract", source="blk", is_local_resident=True,
    )  # fmt: skip
    response = client.get(reverse("placement:report_verify", args=[placement.registration_number]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "PT Baja Uji" in content and "Juru Las" in content
    assert person.name not in content and person.nik not in content and person.nik_masked not in content


def test_report_verify_of_an_unknown_number_is_a_clear_404(client):
    response = client.get(reverse("placement:report_verify", args=["NOPE123"]))
    assert response.status_code == 404
    assert response.context["found"] is False
    assert "NOPE123" in response.content.decode()
