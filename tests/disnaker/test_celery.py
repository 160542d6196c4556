import pytest

from disnaker.celery import app
from disnaker.tasks import health


@pytest.mark.django_db
def test_health_task_runs_eagerly_in_process(settings):
    result = health.apply()
    assert result.successful()
    assert result.get()["ok"] is True


def test_celery_is_configured_from_django_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == 30 * 60
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.timezone == "Asia/Jakarta"
    assert "disnaker.health" in app.tasks


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_health_task_runs_on_a_real_worker_over_redis(celery_worker):
    result = health.delay()
    payload = result.get(timeout=60)
    assert payload["ok"] is True
    assert result.state == "SUCCESS"
