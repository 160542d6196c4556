"""The placement admin: changelists without N+1, company and vacancy actions, NIK masked."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disnaker.roles import HEAD_OF_OFFICE, PLACEMENT_OFFICER
from placement.models import Apprenticeship, Company, CompanyUser, LayoffReport, Placement, Vacancy
from tests.factories import CompanyFactory, PersonFactory, VacancyFactory, company_hr

pytestmark = pytest.mark.django_db


def _url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:placement_{model}_{view}", args=args)


def _login(client, user):
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def officer_client(client, staff_user):
    return _login(client, staff_user(PLACEMENT_OFFICER))


@pytest.fixture
def head_client(client, staff_user):
    return _login(client, staff_user(HEAD_OF_OFFICE))


def _placement(**kwargs):
    person = PersonFactory()
    fields = {
        "company": CompanyFactory(), "person": person, "nik": person.nik, "name": person.name,
        "position": "Juru Las", "start_date": datetime.date(2026, 1, 5), "contract_type": "contract",
        "source": "blk", "is_local_resident": True,
    } | kwargs  # fmt: skip
    return Placement.objects.create(**fields)


def _apprenticeship():
    apprenticeship = Apprenticeship.objects.create(
        company=CompanyFactory(), programme="Magang Jepang", destination="japan", duration_months=12,
        start_date=datetime.date(2026, 4, 1),
    )  # fmt: skip
    apprenticeship.participants.add(PersonFactory(), PersonFactory())


def _layoff():
    LayoffReport.objects.create(company=CompanyFactory(), date=datetime.date(2026, 1, 1), count=5, reason="Efisiensi")


ROW_MAKERS = {
    "company": lambda: VacancyFactory().company,
    "companyuser": lambda: company_hr(),
    "vacancy": VacancyFactory,
    "placement": _placement,
    "apprenticeship": _apprenticeship,
    "layoffreport": _layoff,
}


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ROW_MAKERS)
def test_changelists_make_the_same_queries_for_1_and_50_rows(officer_client, model):
    url = _url(model) + ("?status=all" if model == "company" else "")
    ROW_MAKERS[model]()
    one = _count_queries(officer_client, url)
    for _ in range(49):
        ROW_MAKERS[model]()
    assert _count_queries(officer_client, url) == one


def test_company_queue_shows_pending_companies_by_default(officer_client):
    CompanyFactory(name="PT Menunggu", status="pending")
    CompanyFactory(name="PT Sudah", status="verified")
    names = [c.name for c in officer_client.get(_url("company")).context["cl"].result_list]
    assert names == ["PT Menunggu"]


def _action(client, model, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(_url(model), data, follow=True)


def test_verify_action_calls_the_service(officer_client, django_capture_on_commit_callbacks):
    company = CompanyFactory(status="pending")
    with django_capture_on_commit_callbacks():
        response = _action(officer_client, "company", "verify", [company])
    company.refresh_from_db()
    assert company.status == "verified" and company.verified_by == response.wsgi_request.user
    assert [str(m) for m in response.context["messages"]] == ["1 companies verified."]


def test_reject_action_asks_for_a_reason_then_rejects(officer_client, django_capture_on_commit_callbacks):
    company = CompanyFactory(status="pending")
    form = _action(officer_client, "company", "reject", [company])
    assert form.templates[0].name == "admin/placement/reason.html"
    company.refresh_from_db()
    assert company.status == "pending"
    with django_capture_on_commit_callbacks():
        _action(officer_client, "company", "reject", [company], apply="1", reason="NIB tidak ditemukan di OSS")
    company.refresh_from_db()
    assert company.status == "rejected" and company.status_note == "NIB tidak ditemukan di OSS"


def test_read_only_role_cannot_run_actions(head_client):
    company = CompanyFactory(status="pending")
    _action(head_client, "company", "verify", [company])
    company.refresh_from_db()
    assert company.status == "pending"


def test_hide_and_unhide_vacancies_with_history(officer_client):
    vacancy = VacancyFactory()
    _action(officer_client, "vacancy", "hide", [vacancy], apply="1", reason="Lowongan palsu")
    vacancy.refresh_from_db()
    assert vacancy.is_hidden and vacancy.hidden_reason == "Lowongan palsu"
    assert vacancy.history.first().history_change_reason == "Lowongan palsu"
    _action(officer_client, "vacancy", "unhide", [vacancy])
    vacancy.refresh_from_db()
    assert not vacancy.is_hidden and vacancy.hidden_reason == ""


def test_vacancy_change_page_links_to_the_candidates(officer_client):
    vacancy = VacancyFactory()
    content = officer_client.get(_url("vacancy", "change", vacancy.pk)).content.decode()
    assert reverse("placement:staff_matching", args=[vacancy.pk]) in content


def test_placement_nik_is_masked_for_a_role_without_personal_data(head_client):
    placement = _placement()
    content = head_client.get(_url("placement")).content.decode()
    assert placement.person.nik_masked in content and placement.nik not in content
    change = head_client.get(_url("placement", "change", placement.pk)).content.decode()
    assert placement.nik not in change


def test_placement_nik_is_shown_to_the_placement_officer(officer_client):
    placement = _placement()
    assert placement.nik in officer_client.get(_url("placement")).content.decode()


def test_apprenticeship_longer_than_a_year_is_an_error_beside_the_duration(officer_client):
    company = CompanyFactory()
    response = officer_client.post(
        _url("apprenticeship", "add"),
        {"company": company.pk, "programme": "Magang Korea", "destination": "korea", "duration_months": 13,
         "start_date": "2026-05-01", "status": "planned", "participants": [PersonFactory().pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["duration_months"] == [
        "An apprenticeship lasts at most 12 months (Permenaker 6/2020)."
    ]
    assert not Apprenticeship.objects.exists()


def test_company_user_and_company_search_work(officer_client):
    hr = company_hr()
    assert officer_client.get(_url("companyuser"), {"q": hr.email}, follow=True).context["cl"].result_count == 1
    assert CompanyUser.objects.count() == 1 and Company.objects.count() == 1
    assert Vacancy.objects.count() == 0
