"""Redis unreachable: the cache answers as an empty cache, pages are rendered, rate limits let POSTs through."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from disnaker import cache as tolerant_cache
from tests.conftest import free_port
from tests.factories import BatchFactory, VacancyFactory, signup_form

User = get_user_model()


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The default cache points at a port nothing listens on; the warning interval starts afresh."""
    settings.CACHES = {
        "default": {
            "BACKEND": "disnaker.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    monkeypatch.setitem(tolerant_cache._last_warning, "at", None)


def warnings_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "disnaker.cache" and r.levelno == logging.WARNING]


def test_the_cache_answers_as_an_empty_cache(redis_down, caplog):
    assert cache.get("key", "default") == "default"
    assert cache.set("key", 1) is None
    assert cache.add("key", 1) is False
    assert cache.incr("key") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("key") is False
    assert cache.has_key("key") is False
    assert cache.get_or_set("key", 5) == 5
    assert len(warnings_logged(caplog)) == 1  # one warning, not one per call


@pytest.mark.django_db
def test_public_lists_are_rendered_uncached(redis_down, caplog):
    BatchFactory(programme__name="Juru Las SMAW 3G")
    VacancyFactory(title="Operator Produksi")
    catalogue = Client().get(reverse("training:catalogue"))
    vacancies = Client().get(reverse("placement:vacancy_list"))
    assert catalogue.status_code == 200
    assert "Juru Las SMAW 3G" in catalogue.content.decode()
    assert vacancies.status_code == 200
    assert "Operator Produksi" in vacancies.content.decode()
    assert len(warnings_logged(caplog)) == 1


@pytest.mark.django_db
@pytest.mark.ratelimit
def test_rate_limits_fail_open_and_the_sign_up_completes(redis_down, settings):
    settings.RATELIMIT_SIGNUP = "1/h"
    for _attempt in range(3):
        assert Client().post("/akun/daftar/", {"nik": "salah"}).status_code == 200  # the form, not 429
    assert Client().post("/akun/daftar/", signup_form()).status_code == 302
    assert User.objects.filter(email="sri.wahyuni@example.org").exists()


@pytest.mark.django_db
def test_the_admin_dashboard_counts_without_the_cache(redis_down, superuser, client):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200


def test_sessions_messages_and_lockouts_never_live_in_the_cache(settings):
    from axes.conf import settings as axes_settings

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.fallback.FallbackStorage"
    assert not settings.CSRF_USE_SESSIONS  # a cookie
    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
