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


def test_behind_the_proxy_the_lockout_keys_on_the_client_not_on_the_proxy(client, settings):
    """gunicorn sees only the TLS proxy's address: the client is the address the proxy forwarded."""
    from axes.models import AccessAttempt

    settings.AXES_IPWARE_PROXY_COUNT = 1
    UserFactory(username="petugas", is_staff=True)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    colleague = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    form = {"username": "petugas", "password": "salah", "next": "/admin/"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), form, **attacker)
    assert client.post(reverse("admin:login"), form, **attacker).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    right = {**form, "password": "rahasia-123"}
    assert client.post(reverse("admin:login"), right, **colleague).status_code == 302  # not locked out
