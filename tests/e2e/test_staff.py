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
from tests.factories import BatchFactory, PersonFactory, RegistrationFactory, VacancyFactory, welding_graduate
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


def _graduate(name: str):
    """A graduate of a welding batch that ended in June 2025, holding an AK/1 application."""
    from placement.models import JobSeekerCard

    registration = welding_graduate(name)
    JobSeekerCard.objects.create(person=registration.person)
    return registration


def _search(page, box: str, term: str) -> None:
    """Types the term into the search box and presses Enter, as staff do."""
    page.fill(box, term)
    with page.expect_navigation():
        page.press(box, "Enter")
    page.wait_for_load_state()


def test_staff_search_by_nik_leaves_no_nik_in_urls_or_logs(live_server, staff_page, staff_user, shot):
    """A search by the full NIK on the person, registration and AK/1 lists and on the alumni page finds the
    person and opens their record; the journey's check (conftest) finds no NIK in any URL or log line."""
    wanted = _graduate("Siti Rohmah")
    _graduate("Bayu Pratama")
    person = wanted.person
    page = staff_page(staff_user(ADMIN))
    shot.page = page
    typed = {  # as found on the KTP, and as a form field gives it
        "person": person.nik,
        "registration": f"{person.nik[:6]} {person.nik[6:12]} {person.nik[12:]}",
        "jobseekercard": person.nik,
    }

    for model, app in (("person", "disnaker"), ("registration", "training"), ("jobseekercard", "placement")):
        page.goto(live_server.url + reverse(f"admin:{app}_{model}_changelist"))
        _search(page, "#searchbar", typed[model])
        assert "q=~" in page.url
        assert page.locator("#searchbar").input_value() == typed[model]
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 1 and "Siti Rohmah" in rows.first.inner_text()
        shot(f"{model}-found")
        # Pages, sorting and each row's link carry the token only (the check at the end would catch a NIK).
        page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first.click()
        page.wait_for_load_state()
        assert "/change/" in page.url and "_changelist_filters=q%3D~" in page.url
        shot(f"{model}-opened")

    page.goto(live_server.url + reverse("admin:disnaker_person_change", args=[person.pk]))
    assert page.locator("#id_nik").input_value() == person.nik  # staff who may see it see the NIK in the page

    page.goto(live_server.url + reverse("training:staff_alumni"))
    _search(page, "#id_q", person.nik)
    assert "q=~" in page.url
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "Siti Rohmah" in rows.first.inner_text()
    assert person.nik in rows.first.inner_text()
    shot("alumni-found")
    rows.first.get_by_role("link", name="Siti Rohmah").click()
    page.wait_for_url(live_server.url + reverse("admin:training_registration_change", args=[wanted.pk]))
    shot("alumni-opened")

    # An autocomplete field (the person of a competency certificate) finds them by NIK too, by POST.
    page.goto(live_server.url + reverse("admin:disnaker_certification_add"))
    page.locator(".field-person .select2-selection").click()
    with page.expect_request(lambda r: "/autocomplete/" in r.url) as search:
        page.locator(".select2-search__field").fill(person.nik)
    assert search.value.method == "POST" and "term=" in (search.value.post_data or "")
    option = page.locator(".select2-results__option", has_text="Siti Rohmah")
    option.wait_for()
    shot("autocomplete-found")
    option.click()
    assert page.locator("#id_person").input_value() == str(person.pk)
    page.context.close()
