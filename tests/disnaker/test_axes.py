import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})


def test_admin_login_works_with_the_right_password(client):
    UserFactory(username="petugas", is_staff=True)
    response = _login(client, "petugas", "rahasia-123")
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, settings):
    UserFactory(username="petugas", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "petugas", "salah").status_code == 200
    locked = _login(client, "petugas", "salah")
    assert locked.status_code == 429
    again = _login(client, "petugas", "rahasia-123")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan masuk" in again.content.decode()
