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
    assert app.conf.task_time_limit == 3 * 60
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.timezone == "Asia/Jakarta"
    assert "disnaker.health" in app.tasks


def test_a_task_acknowledged_late_finishes_before_the_broker_hands_it_to_another_worker():
    """A worker killed mid-task is recovered after the visibility timeout: in minutes, and never while
    the task could still be running (its time limit, and the longest retry wait it holds, are shorter)."""
    from django.conf import settings

    app.loader.import_default_modules()  # every app's tasks, as a worker loads them
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    visibility = options["visibility_timeout"]
    assert visibility + options["unacked_restore_interval"] <= 5 * 60
    assert app.conf.task_time_limit < visibility
    late = [task for name, task in app.tasks.items() if not name.startswith("celery.") and task.acks_late]
    assert {"disnaker.summary_build", "disnaker.summary_render_pdf", "training.certificate_render"} <= {
        task.name for task in late
    }
    for task in late:
        assert task.time_limit and task.time_limit < visibility, task.name
        assert task.soft_time_limit and task.soft_time_limit < task.time_limit, task.name
        if getattr(task, "autoretry_for", ()):
            assert task.retry_backoff_max < visibility, task.name


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_health_task_runs_on_a_real_worker_over_redis(celery_worker):
    result = health.delay()
    payload = result.get(timeout=60)
    assert payload["ok"] is True
    assert result.state == "SUCCESS"
