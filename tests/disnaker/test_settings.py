"""Production settings fail loudly when incomplete, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_stops_with_a_clear_error():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="disnaker.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_clear_error():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k8#v2!q9-production-like-secret-key-with-enough-entropy-4hT7zP0w",
        DJANGO_ALLOWED_HOSTS="disnaker.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_mode_runs_without_any_variable():
    result = _manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_embedded_default_runs_tasks_eagerly_and_services_switch_on_with_urls():
    code = (
        "from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], s.DATABASES['default']['ENGINE'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    embedded = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env=clean | {"DJANGO_DEBUG": "1"},
        timeout=60,
    )
    assert embedded.stdout.split() == [
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.db.backends.sqlite3",
    ]
    services = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env=clean
        | {
            "DJANGO_DEBUG": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nowhere",
        },
        timeout=60,
    )
    assert services.stdout.split() == [
        "False",
        "disnaker.cache.TolerantRedisCache",
        "django.db.backends.postgresql",
    ]


def test_interface_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"]
