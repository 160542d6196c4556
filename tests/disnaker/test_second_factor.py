"""Staff who can reveal personal data confirm their login with a TOTP code; the others keep the password."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from disnaker.roles import ADMIN, HEAD_OF_OFFICE, PLACEMENT_OFFICER, TRAINING_OFFICER
from tests.conftest import authenticator, totp_code
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]


def _password_login(client, user):
    form = {"username": user.username, "password": "rahasia-123", "next": "/admin/"}
    return client.post(reverse("admin:login"), form)


def _a_moment_later(time_machine):
    """After a wrong code django-otp waits a moment before it takes another."""
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=3))


def _code_of(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", [ADMIN, TRAINING_OFFICER, PLACEMENT_OFFICER])
def test_staff_who_can_reveal_personal_data_reach_no_admin_page_after_the_password_alone(client, staff_user, role):
    officer = staff_user(role)
    authenticator(officer)
    assert _password_login(client, officer).url == "/admin/"
    for url in ("/admin/", reverse("admin:disnaker_person_changelist"), reverse("training:staff_alumni")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("otp_verify") + "?next=")
    assert client.post(reverse("admin:disnaker_person_changelist"), {}).url == reverse("otp_verify")


def test_a_superuser_is_asked_for_the_code_too(client, superuser):
    authenticator(superuser)
    _password_login(client, superuser)
    assert client.get("/admin/").url.startswith(reverse("otp_verify"))


def test_first_login_enrols_an_app_with_a_qr_code_then_the_right_code_opens_the_admin(client, staff_user, time_machine):
    officer = staff_user(TRAINING_OFFICER)
    _password_login(client, officer)
    response = client.get("/admin/")
    assert response.url.startswith(reverse("otp_enrol"))
    page = client.get(response.url)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "")  # the key as text, for apps without a camera
    assert client.get("/admin/").status_code == 302  # not yet

    wrong = client.post(reverse("otp_enrol"), {"token": "000000" if _code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    _a_moment_later(time_machine)
    right = client.post(reverse("otp_enrol"), {"token": _code_of(device), "next": "/admin/"})
    assert right.url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_an_enrolled_member_enters_the_code_a_wrong_one_fails_the_right_one_passes(client, staff_user, time_machine):
    officer = staff_user(PLACEMENT_OFFICER)
    device = authenticator(officer)
    _password_login(client, officer)
    target = client.get(reverse("admin:placement_vacancy_changelist")).url
    assert target == reverse("otp_verify") + "?next=%2Fadmin%2Fplacement%2Fvacancy%2F"
    assert "kode 6 digit" in client.get(target).content.decode()

    wrong = client.post(target, {"token": f"{(int(_code_of(device)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    _a_moment_later(time_machine)
    passed = client.post(target, {"token": _code_of(device), "next": "/admin/placement/vacancy/"})
    assert passed.url == "/admin/placement/vacancy/"
    assert client.get("/admin/placement/vacancy/").status_code == 200


def test_the_next_address_stays_on_the_portal(client, staff_user):
    officer = staff_user(TRAINING_OFFICER)
    authenticator(officer)
    _password_login(client, officer)
    response = client.post(reverse("otp_verify"), {"token": totp_code(officer), "next": "https://evil.example/"})
    assert response.url == "/admin/"


@pytest.mark.parametrize("role", [HEAD_OF_OFFICE, None])
def test_staff_without_the_reveal_permission_keep_the_password_alone(client, staff_user, role):
    member = staff_user(role) if role else UserFactory(is_staff=True)
    assert _password_login(client, member).url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_the_otp_pages_send_staff_who_need_no_code_on(client, staff_user):
    client.force_login(staff_user(HEAD_OF_OFFICE))
    assert client.get(reverse("otp_verify")).url == "/admin/"
    assert client.get(reverse("otp_enrol")).url == "/admin/"


def test_otp_reset_makes_the_member_enrol_again(client, staff_user):
    officer = staff_user(TRAINING_OFFICER)
    authenticator(officer)
    out = io.StringIO()
    call_command("otp_reset", officer.username, stdout=out)
    assert "1 device(s)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    _password_login(client, officer)
    assert client.get("/admin/").url.startswith(reverse("otp_enrol"))
