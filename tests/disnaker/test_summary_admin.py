"""Staff and the summaries: the dashboard on the admin index, building, rebuilding, publishing, downloads."""

import io
import re

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker import summaries
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.roles import ADMIN, HEAD_OF_OFFICE, TRAINING_OFFICER
from tests.training.conftest import login_in_english

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)


def _built(period=OCTOBER, *, pdf=False) -> Summary:
    row = summaries._row_for(period, summaries.CITY)
    return summaries.summary_build(summary_id=row.pk, pdf=pdf)


@pytest.fixture
def admin_client(client, staff_user):
    return login_in_english(client, staff_user(ADMIN))


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_the_work_waiting_with_links_to_the_filtered_lists(admin_client, city):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    work = {item["label"]: item for item in response.context["work_waiting"]}
    registrations = work["Registrations to verify"]
    assert registrations["count"] == 1  # p3's registration of 1 November
    assert registrations["url"] == reverse("admin:training_registration_changelist") + "?status__exact=registered"
    assert work["AK/1 applications to verify"]["count"] == 1
    assert "LPK reports to review" in work and "Companies to verify" in work
    assert admin_client.get(registrations["url"]).status_code == 200


def test_dashboard_lists_only_queues_the_role_may_open(client, staff_user, city):
    login_in_english(client, staff_user(TRAINING_OFFICER))
    labels = {item["label"] for item in client.get(reverse("admin:index")).context["work_waiting"]}
    assert "Registrations to verify" in labels
    assert "LPK reports to review" not in labels and "AK/1 applications to verify" not in labels


def test_dashboard_shows_this_months_snapshot_and_the_trend(admin_client, city):
    this_month = Period.containing(timezone.localdate(), "month")
    summary = _built(this_month)
    response = admin_client.get(reverse("admin:index"))
    assert response.context["this_month"]["summary"].pk == summary.pk
    tiles = {tile["key"]: tile["value"] for tile in response.context["this_month"]["tiles"]}
    expected = summary.figures["figures"]["training.registrations"]["total"]
    assert tiles["training.registrations"] == expected
    trend = response.context["trend"]
    assert len(trend["labels"]) == 12 and trend["labels"][-1] == this_month.label
    assert trend["datasets"][0]["data"][-1] == expected
    assert b"vendor/chartjs/chart.umd.min.js" in response.content
    assert b'id="trend-data"' in response.content


def test_dashboard_query_count_does_not_grow_with_the_snapshots(admin_client, city):
    this_month = Period.containing(timezone.localdate(), "month")
    _built(this_month)
    admin_client.get(reverse("admin:index"))  # the queue counts and the list of models are now cached
    with CaptureQueriesContext(connection) as one:
        admin_client.get(reverse("admin:index"))
    period = this_month
    for _i in range(11):
        period = period.previous()
        _built(period)
    with CaptureQueriesContext(connection) as twelve:
        admin_client.get(reverse("admin:index"))
    assert len(twelve.captured_queries) == len(one.captured_queries)


def _registrations_to_verify(client) -> int:
    work = {item["label"]: item for item in client.get(reverse("admin:index")).context["work_waiting"]}
    return work["Registrations to verify"]["count"]


def test_dashboard_counts_the_queues_in_one_query_and_then_reads_them_from_the_cache(admin_client, city):
    with CaptureQueriesContext(connection) as first:
        assert _registrations_to_verify(admin_client) == 1
    counting = [q["sql"] for q in first.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counting) == 1 and counting[0].count("COUNT(*)") == 7  # every queue, one round trip
    with CaptureQueriesContext(connection) as second:
        assert _registrations_to_verify(admin_client) == 1
    assert not [q for q in second.captured_queries if "COUNT(*)" in q["sql"]]


def test_a_saved_row_of_a_queue_shows_on_the_dashboard_once_committed(
    admin_client, city, staff_user, django_capture_on_commit_callbacks
):
    from training.models import Registration, RegistrationStatus
    from training.services import registration_verify

    assert _registrations_to_verify(admin_client) == 1
    waiting = Registration.objects.get(status=RegistrationStatus.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        registration_verify(registration=waiting, actor=staff_user(ADMIN))
    assert _registrations_to_verify(admin_client) == 0


def test_rows_changed_without_signals_show_within_the_timeout(admin_client, city):
    from django.core.cache import cache

    from disnaker.dashboard import counts_key
    from training.models import Registration, RegistrationStatus

    assert _registrations_to_verify(admin_client) == 1
    Registration.objects.filter(status=RegistrationStatus.REGISTERED).update(status=RegistrationStatus.VERIFIED)
    assert _registrations_to_verify(admin_client) == 1  # QuerySet.update sends no signal
    cache.delete(counts_key(timezone.localdate()))  # what the timeout does
    assert _registrations_to_verify(admin_client) == 0


def _models_listed(response) -> set[str]:
    html = response.content.decode().split('id="content-main"', 2)[-1]
    return set(re.findall(r'class="model-([a-z]+)', html))


def test_the_list_of_models_is_cached_per_permissions_and_language(client, staff_user, db):
    officer, other_officer = staff_user(TRAINING_OFFICER), staff_user(TRAINING_OFFICER)
    head = staff_user(HEAD_OF_OFFICE)
    login_in_english(client, officer)
    first = client.get(reverse("admin:index"))
    client.force_login(other_officer)
    with CaptureQueriesContext(connection) as same:
        second = client.get(reverse("admin:index"))
    assert _models_listed(first) == _models_listed(second) and "registration" in _models_listed(first)
    assert first.context["app_list_key"] == second.context["app_list_key"]
    assert "lpk_registry_graduatereport" not in " ".join(q["sql"] for q in same.captured_queries)
    client.force_login(head)
    listed = _models_listed(client.get(reverse("admin:index")))
    assert "graduatereport" in listed and listed != _models_listed(first)
    client.force_login(officer)
    english = client.get(reverse("admin:index")).content.decode()
    client.cookies["django_language"] = "id"
    indonesian = client.get(reverse("admin:index")).content.decode()
    assert "Registrations" in english.split('id="content-main"', 2)[-1]
    assert "Registrations" not in indonesian.split('id="content-main"', 2)[-1]


def test_a_new_permission_changes_the_list_of_models_at_once(client, staff_user, db):
    from django.contrib.auth.models import Permission

    officer = staff_user(TRAINING_OFFICER)
    login_in_english(client, officer)
    assert "graduatereport" not in _models_listed(client.get(reverse("admin:index")))
    officer.user_permissions.add(Permission.objects.get(codename="view_graduatereport"))
    assert "graduatereport" in _models_listed(client.get(reverse("admin:index")))


def test_dashboard_says_when_the_month_is_not_built_yet(admin_client, db):
    response = admin_client.get(reverse("admin:index"))
    assert b"has not been built yet" in response.content


# --- Building ---------------------------------------------------------------------------------


def test_staff_build_a_period_from_the_admin(
    admin_client, city, summary_files, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:disnaker_summary_build"), {"period": "2026-10"})
    summary = Summary.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:disnaker_summary_change", args=[summary.pk])
    assert summary.state == Summary.State.DONE and summary.pdf
    assert LogEntry.objects.filter(object_id=str(summary.pk)).exists()
    page = admin_client.get(response.url)
    assert page.status_code == 200
    assert b"Training registrations" in page.content


def test_a_bad_period_is_answered_beside_the_field(admin_client, db):
    response = admin_client.post(reverse("admin:disnaker_summary_build"), {"period": "2026-13"})
    assert response.status_code == 200
    assert response.context["form"].errors["period"] == [
        "Enter a month as 2026-10, a quarter as 2026-Q3 or a year as 2026."
    ]
    assert not Summary.objects.exists()


def test_the_build_page_refuses_get_for_read_only_staff(client, staff_user, db):
    login_in_english(client, staff_user(HEAD_OF_OFFICE))
    assert client.get(reverse("admin:disnaker_summary_build")).status_code == 403
    assert client.post(reverse("admin:disnaker_summary_build"), {"period": "2026-10"}).status_code == 403
    assert not Summary.objects.exists()


def test_a_frozen_period_needs_the_rebuild_box(admin_client, city, eager, django_capture_on_commit_callbacks):
    frozen = _built()
    assert frozen.is_frozen
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:disnaker_summary_build"), {"period": "2026-10"}, follow=True)
    assert "frozen" in " ".join(str(m) for m in response.context["messages"])
    assert Summary.objects.get().builds == 1


def test_rebuild_action_is_audited(admin_client, city, summary_files, eager, django_capture_on_commit_callbacks):
    summary = _built()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:disnaker_summary_changelist"), {"action": "rebuild", "_selected_action": [summary.pk]}
        )
    summary.refresh_from_db()
    assert summary.builds == 2
    entry = LogEntry.objects.get(object_id=str(summary.pk))
    assert "Rebuild requested" in entry.get_change_message()
    assert summary.history.filter(state=Summary.State.QUEUED).exists()


def test_read_only_staff_cannot_rebuild_or_publish(client, staff_user, city):
    summary = _built()
    login_in_english(client, staff_user(HEAD_OF_OFFICE))
    for action in ("rebuild", "publish"):
        client.post(reverse("admin:disnaker_summary_changelist"), {"action": action, "_selected_action": [summary.pk]})
    summary.refresh_from_db()
    assert summary.builds == 1 and not summary.is_published


def test_officers_rebuild_but_only_the_admin_role_publishes(client, staff_user, city):
    summary = _built()
    url = reverse("admin:disnaker_summary_changelist")
    login_in_english(client, staff_user(TRAINING_OFFICER))
    actions = dict(client.get(url).context["action_form"].fields["action"].choices)
    assert "rebuild" in actions and "publish" not in actions and "unpublish" not in actions
    client.post(url, {"action": "publish", "_selected_action": [summary.pk]})
    summary.refresh_from_db()
    assert not summary.is_published


def test_publish_and_withdraw(admin_client, city):
    summary = _built()
    url = reverse("admin:disnaker_summary_changelist")
    admin_client.post(url, {"action": "publish", "_selected_action": [summary.pk]})
    summary.refresh_from_db()
    assert summary.is_published
    admin_client.post(url, {"action": "unpublish", "_selected_action": [summary.pk]})
    summary.refresh_from_db()
    assert not summary.is_published


# --- Downloads --------------------------------------------------------------------------------


def test_pdf_download_waits_for_the_pdf(admin_client, city, summary_files):
    summary = _built()
    url = reverse("admin:disnaker_summary_pdf", args=[summary.pk])
    assert admin_client.get(url).status_code == 404
    summaries.summary_render_pdf(summary=summary)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_read_only_staff_may_download_the_spreadsheet(client, staff_user, city):
    summary = _built()
    login_in_english(client, staff_user(HEAD_OF_OFFICE))
    response = client.get(reverse("admin:disnaker_summary_xlsx", args=[summary.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 2


def test_downloads_need_a_staff_login(client, city):
    summary = _built()
    for name in ("admin:disnaker_summary_pdf", "admin:disnaker_summary_xlsx", "admin:disnaker_summary_build"):
        response = client.get(reverse(name, args=[summary.pk] if "build" not in name else []))
        assert response.status_code == 302 and "/admin/login/" in response.url
