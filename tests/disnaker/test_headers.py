"""Every page, the admin included, sends the strict Content-Security-Policy and the Permissions-Policy."""

import pytest
from django.urls import reverse

from disnaker.roles import HEAD_OF_OFFICE, TRAINING_OFFICER
from tests.factories import BatchFactory, company_hr, job_seeker, lpk_operator

pytestmark = pytest.mark.django_db

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
DEVICES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def assert_headers(response):
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    for name, value in CSP.items():
        assert directives[name] == value, (name, directives)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    for feature in DEVICES:
        assert feature in response["Permissions-Policy"]


PUBLIC = [
    "home", "statistics", "account_login", "account_signup", "password_reset", "training:catalogue",
    "placement:vacancy_list", "lpk_registry:login", "placement:company_login", "placement:company_register",
    "admin:login", "admin:index",  # a redirect to the login
]  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_send_both_headers(client, name):
    assert_headers(client.get(reverse(name)))


def test_a_missing_page_and_a_batch_page_send_both_headers(client):
    assert_headers(client.get("/tidak-ada/"))
    assert_headers(client.get(reverse("training:batch_detail", args=[BatchFactory().pk])))


PORTALS = {
    "job_seeker": (job_seeker, ["account_home", "account_profile", "training:my_registrations", "placement:ak1_home"]),
    "lpk_operator": (lpk_operator, ["lpk_registry:dashboard", "lpk_registry:report_list", "lpk_registry:profile"]),
    "company_hr": (company_hr, ["placement:company_dashboard", "placement:company_vacancies"]),
}


@pytest.mark.parametrize(
    ("portal", "name"), [(portal, name) for portal, (_, names) in PORTALS.items() for name in names]
)
def test_portal_pages_send_both_headers(client, portal, name):
    client.force_login(PORTALS[portal][0]())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_headers(response)


ADMIN_PAGES = [
    "admin:index", "admin:training_registration_changelist", "admin:training_batch_add",
    "admin:disnaker_person_changelist", "admin:auth_user_changelist", "admin:lpk_registry_institution_changelist",
    "admin:placement_vacancy_changelist", "admin:disnaker_summary_changelist", "admin:password_change",
    "training:staff_alumni", "training:staff_walk_in", "admin:disnaker_kecamatan_export",
]  # fmt: skip


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_and_staff_pages_send_both_headers(client, superuser, name):
    client.force_login(superuser)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_headers(response)


def test_the_export_page_binds_its_select_all_toggle_from_a_static_file(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:disnaker_kecamatan_export")).content.decode()
    assert "js/export-select-all.js" in html
    assert "onchange=" not in html and 'style="' not in html


@pytest.mark.parametrize("role", [TRAINING_OFFICER, HEAD_OF_OFFICE])
def test_the_dashboard_of_each_kind_of_officer_sends_both_headers(client, staff_user, role):
    client.force_login(staff_user(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert_headers(response)


@pytest.mark.second_factor
def test_the_second_factor_page_sends_both_headers(client, staff_user):
    client.force_login(staff_user(TRAINING_OFFICER))
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 200
    assert_headers(response)


def test_no_template_carries_inline_script_style_or_handlers():
    """What the policy would block is not written in the first place (PDF templates are for WeasyPrint)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.I)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "pdf" not in path.parts and inline.search(path.read_text())
    ]
    assert offenders == []
