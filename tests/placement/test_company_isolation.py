"""Every /perusahaan/ URL × role: own HR, another company's HR, anonymous, staff, job seeker.

The table is checked against ``placement.urls``: a new company-portal URL without a row fails.
"""

import pytest
from django.urls import reverse

from placement import urls as placement_urls
from placement.models import Placement
from tests.factories import CompanyFactory, PersonFactory, UserFactory, VacancyFactory, company_hr, job_seeker

ROLES = ("own", "other", "anonymous", "staff", "seeker")
LOGIN_REDIRECT = 302
#                           own  other anon staff seeker
EXPECTED = {
    "company_dashboard":        (200, 200, 302, 403, 403),
    "company_register":         (302, 302, 200, 200, 200),
    "company_login":            (302, 302, 200, 200, 200),
    "company_logout":           (405, 405, 405, 405, 405),
    "company_set_password":     (200, 200, 200, 200, 200),
    "company_password_reset":   (200, 200, 200, 200, 200),
    "company_users":            (200, 200, 302, 403, 403),
    "company_vacancies":        (200, 200, 302, 403, 403),
    "company_vacancy_create":   (200, 200, 302, 403, 403),
    "company_vacancy_detail":   (200, 404, 302, 403, 403),
    "company_vacancy_status":   (405, 405, 302, 403, 403),
    "company_placements":       (200, 200, 302, 403, 403),
    "company_placement_create": (200, 200, 302, 403, 403),
    "company_placement_template": (200, 200, 302, 403, 403),
    "company_placement_upload": (200, 200, 302, 403, 403),
    "company_placement_upload_preview": (302, 302, 302, 403, 403),  # nothing waiting: back to the upload
    "company_placement_upload_confirm": (405, 405, 302, 403, 403),
    "company_layoff_create":    (200, 200, 302, 403, 403),
    "company_proof_pdf":        (200, 404, 302, 403, 403),
}  # fmt: skip


def portal_patterns():
    return [p for p in placement_urls.urlpatterns if str(p.pattern).startswith("perusahaan/")]


def test_every_company_portal_url_has_a_row():
    assert {p.name for p in portal_patterns()} == set(EXPECTED)


@pytest.fixture
def world(db):
    company = CompanyFactory()
    vacancy = VacancyFactory(company=company)
    return {
        "company": company,
        "vacancy": vacancy,
        "own": company_hr(company=company),
        "other": company_hr(company=CompanyFactory()),
        "staff": UserFactory(is_staff=True),
        "seeker": job_seeker(),
    }


def url_for(name: str, vacancy) -> str:
    kwargs = {
        "company_vacancy_detail": {"pk": vacancy.pk},
        "company_vacancy_status": {"pk": vacancy.pk},
        "company_proof_pdf": {"kind": "lowongan", "pk": vacancy.pk},
        "company_set_password": {"uidb64": "MQ", "token": "bad-token"},
    }.get(name, {})
    return reverse(f"placement:{name}", kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_by_role(client, world, name, role):
    if role != "anonymous":
        client.force_login(world[role])
    response = client.get(url_for(name, world["vacancy"]))
    expected = EXPECTED[name][ROLES.index(role)]
    assert response.status_code == expected, (name, role)
    if role == "anonymous" and expected == LOGIN_REDIRECT:
        assert response.url.startswith(reverse("placement:company_login"))


def test_another_companys_placement_proof_is_404(client, world):
    placement = Placement.objects.create(
        company=world["company"], person=PersonFactory(), nik="3672015504990001", name="A", position="Welder",
        start_date="2026-01-05", contract_type="contract", source="other", is_local_resident=True,
    )  # fmt: skip
    client.force_login(world["other"])
    url = reverse("placement:company_proof_pdf", kwargs={"kind": "penempatan", "pk": placement.pk})
    assert client.get(url).status_code == 404


def test_another_companys_vacancy_status_post_is_404_and_unchanged(client, world):
    client.force_login(world["other"])
    response = client.post(url_for("company_vacancy_status", world["vacancy"]), {"status": "closed"})
    assert response.status_code == 404
    world["vacancy"].refresh_from_db()
    assert world["vacancy"].status == "open"


@pytest.mark.parametrize(
    "name",
    [
        "company_vacancy_create", "company_placement_create", "company_placement_upload",
        "company_placement_upload_preview", "company_placement_upload_confirm", "company_layoff_create",
    ],
)  # fmt: skip
def test_pending_company_can_look_but_not_report(client, db, name):
    client.force_login(company_hr(company=CompanyFactory(status="pending")))
    assert client.get(reverse("placement:company_dashboard")).status_code == 200
    response = client.get(reverse(f"placement:{name}"))
    assert response.status_code == 302
    assert response.url == reverse("placement:company_dashboard")
