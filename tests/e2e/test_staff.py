"""A staff member's day in headless Chromium: the dashboard, a registration verified, a summary built,
checked as PDF, published, and shown on the public statistics page."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from disnaker import summaries
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.roles import ADMIN
from tests.conftest import authenticator
from tests.e2e.conftest import pass_second_factor
from tests.factories import BatchFactory, PersonFactory, RegistrationFactory, VacancyFactory
from training.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _work_count(page, label: str) -> str:
    return page.locator(".dashboard-work tr").filter(has_text=label).locator("td.dashboard-count").inner_text()


def _tile(page, label: str) -> str:
    return page.locator(".dashboard-tile").filter(has_text=label).locator(".dashboard-value").inner_text()


def _run_action(page, action: str, pk: int) -> None:
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


@pytest.mark.usefixtures("eager", "summary_files")
def test_staff_verify_a_registration_build_check_and_publish_a_summary(live_server, page, staff_user, pdftotext, shot):
    staff = staff_user(ADMIN)
    authenticator(staff)  # the authenticator app set up at an earlier login
    batch = BatchFactory(programme__name="Operator Forklift")
    names = ("Siti Rohmah", "Bayu Pratama", "Dedi Kurniawan")
    registrations = [RegistrationFactory(batch=batch, person=PersonFactory(name=name)) for name in names]
    VacancyFactory(headcount=4)
    this_month = Period.containing(timezone.localdate(), "month")
    summaries.summary_request(period=this_month)  # what the morning refresh leaves for the dashboard
    quarter = Period.containing(timezone.localdate(), "quarter")

    # 1. The staff member logs in and sees the work waiting and this month's figures.
    page.goto(live_server.url + reverse("admin:index"))
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "rahasia-123")
    page.locator("input[type=submit]").click()
    pass_second_factor(page, staff, live_server)
    shot("dashboard")
    assert _work_count(page, "Pendaftaran yang perlu diverifikasi") == "3"
    assert page.get_by_role("heading", name=f"Angka {this_month.label}").is_visible()
    assert _tile(page, "Pendaftaran pelatihan") == "3"
    assert _tile(page, "Lowongan dilaporkan") == "1"

    # 2. "Registrations to verify" opens the filtered list; one is verified with the admin action.
    page.get_by_role("link", name="Pendaftaran yang perlu diverifikasi").click()
    page.wait_for_url("**/admin/training/registration/?status__exact=registered")
    assert page.locator("#result_list tbody tr").count() == 3
    shot("registrations-to-verify")
    first = registrations[0]
    _run_action(page, "verify_documents", first.pk)
    assert "1 pendaftaran terverifikasi." in page.locator(".messagelist").inner_text()
    assert Registration.objects.get(pk=first.pk).status == "verified"
    assert page.locator("#result_list tbody tr").count() == 2
    shot("registration-verified")
    page.goto(live_server.url + reverse("admin:index"))
    assert _work_count(page, "Pendaftaran yang perlu diverifikasi") == "2"

    # 3. "Build a summary" for this quarter: the build runs, and the summary says "Selesai".
    page.goto(live_server.url + reverse("admin:disnaker_summary_changelist"))
    page.get_by_role("link", name="Buat ringkasan").click()
    page.wait_for_url(live_server.url + reverse("admin:disnaker_summary_build"))
    page.fill("#id_period", quarter.key)
    shot("build-form")
    page.get_by_role("button", name="Masukkan ke antrean").click()
    summary = Summary.objects.get(period_kind="quarter", period_start=quarter.start)
    page.wait_for_url(live_server.url + reverse("admin:disnaker_summary_change", args=[summary.pk]))
    assert page.locator(".field-state_badge .readonly").inner_text() == "Selesai"
    assert summary.figures["figures"]["training.registrations"]["total"] == 3
    shot("summary-built")

    # 4. The PDF carries the period and the page numbers.
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert download.value.suggested_filename == f"ringkasan-{quarter.key}.pdf"
    content = Path(download.value.path()).read_bytes()
    shot.pdf("summary-pdf", content)
    text = pdftotext(content)
    assert quarter.label in text
    assert "Hal. 1 dari" in text

    # 5. Published with the admin action, it is on the public statistics page.
    page.goto(live_server.url + reverse("admin:disnaker_summary_changelist"))
    _run_action(page, "publish", summary.pk)
    assert "1 ringkasan diubah." in page.locator(".messagelist").inner_text()
    assert Summary.objects.get(pk=summary.pk).is_published
    shot("summary-published")
    page.goto(live_server.url + reverse("statistics"))
    assert page.get_by_role("heading", name=quarter.label, exact=True).is_visible()
    assert page.get_by_role("link", name="Unduh CSV").get_attribute("href") == reverse(
        "statistics_csv", args=[quarter.key]
    )
    shot("statistics")
