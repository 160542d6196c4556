"""Staff are logged out after STAFF_IDLE_TIMEOUT seconds without a request; job seekers are not."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from disnaker.roles import HEAD_OF_OFFICE, TRAINING_OFFICER
from tests.factories import job_seeker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [TRAINING_OFFICER, HEAD_OF_OFFICE])
def test_staff_idle_longer_than_the_timeout_are_logged_out(client, staff_user, role, time_machine, settings):
    settings.STAFF_IDLE_TIMEOUT = 30 * 60
    client.force_login(staff_user(role))
    start = timezone.now()
    assert client.get("/admin/").status_code == 200

    time_machine.move_to(start + datetime.timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200  # active again: the 30 minutes start over

    time_machine.move_to(start + datetime.timedelta(minutes=29 + 31))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert "Anda dikeluarkan setelah 30 menit tanpa aktivitas." in login_page.content.decode()


def test_the_timeout_comes_from_the_setting(client, staff_user, time_machine, settings):
    settings.STAFF_IDLE_TIMEOUT = 5 * 60
    client.force_login(staff_user(HEAD_OF_OFFICE))
    start = timezone.now()
    client.get("/admin/")
    time_machine.move_to(start + datetime.timedelta(minutes=6))
    assert client.get("/admin/").status_code == 302


def test_a_job_seeker_keeps_the_session_after_hours_without_activity(client, time_machine):
    client.force_login(job_seeker())
    start = timezone.now()
    assert client.get(reverse("account_home")).status_code == 200
    time_machine.move_to(start + datetime.timedelta(hours=5))
    assert client.get(reverse("account_home")).status_code == 200
