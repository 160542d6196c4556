"""Staff search a job seeker by NIK, open their record and export the alumni list; the job seeker then
sees each of those accesses on /akun/ and downloads their data (headless Chromium).

The journey's check (conftest) fails it if a NIK reaches any URL or log line on the way."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from disnaker.models import DataAccess
from disnaker.readaudit import accesses_for_person
from disnaker.roles import ADMIN
from tests.factories import job_seeker, welding_graduate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _graduate(name: str):
    return welding_graduate(name)


def _search(page, box: str, term: str) -> None:
    """Types the term into the search box and presses Enter, as staff do."""
    page.fill(box, term)
    with page.expect_navigation():
        page.press(box, "Enter")
    page.wait_for_load_state()


def _kinds(accesses) -> dict[str, int]:
    counts: dict[str, int] = {}
    for access in accesses:
        counts[access.kind] = counts.get(access.kind, 0) + 1
    return counts


def test_staff_search_view_and_export_by_nik_are_shown_to_the_job_seeker(
    live_server, page, staff_page, staff_user, shot, pdftotext, axe
):
    registration = _graduate("Siti Rohmah")
    _graduate("Bayu Pratama")  # someone else in the lists, whose accesses are not Siti's business
    person = registration.person
    seeker = job_seeker(person=person)
    officer = staff_user(ADMIN)
    officer.first_name, officer.last_name = "Rina", "Petugas"
    officer.save()

    # 1. Staff search the person list by the full NIK: the search is POSTed, the URL holds a token only.
    staff = staff_page(officer)
    staff.goto(live_server.url + reverse("admin:disnaker_person_changelist"))
    _search(staff, "#searchbar", person.nik)
    assert "q=~" in staff.url
    rows = staff.locator("#result_list tbody tr")
    assert rows.count() == 1 and "Siti Rohmah" in rows.first.inner_text()
    shot("person-found", page=staff)

    # 2. They open the person: the change page shows the NIK in full (and is recorded as a view).
    rows.first.locator("th a, td a").first.click()
    staff.wait_for_url(f"**{reverse('admin:disnaker_person_change', args=[person.pk])}**")
    assert staff.locator("#id_nik").input_value() == person.nik
    shot("person-opened", page=staff)

    # 3. The alumni search by NIK finds the graduate; the Excel export of that search holds their NIK.
    staff.goto(live_server.url + reverse("training:staff_alumni"))
    _search(staff, "#id_q", person.nik)
    assert "q=~" in staff.url
    rows = staff.locator("#result_list tbody tr")
    assert rows.count() == 1 and person.nik in rows.first.inner_text()
    shot("alumni-found", page=staff)
    with staff.expect_download() as download:
        staff.locator(f"a[href^='{reverse('training:staff_alumni_export')}'][href$='format=xlsx']").click()
    assert person.nik not in download.value.suggested_filename
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header, *exported = sheet.iter_rows(values_only=True)
    # Siti alone, her NIK in full: the export is of the search, not of every graduate.
    assert header[0] == "NIK" and [row[0] for row in exported] == [person.nik]
    staff.context.close()

    # The read audit of Siti, by kind. The design records a "list" row for every page that shows her
    # in full among others, so besides the one view and the one export there are four:
    #   - the person changelist as first opened (every person, Siti included),
    #   - the same list after the NIK search (Siti only),
    #   - the alumni page as first opened (every graduate, Siti included),
    #   - the alumni page after the NIK search (Siti only).
    # The POSTs of the two searches only redirect and record nothing.
    accesses = list(accesses_for_person(person))
    assert all(access.user == officer for access in accesses)
    assert _kinds(accesses) == {DataAccess.Kind.LIST: 4, DataAccess.Kind.VIEW: 1, DataAccess.Kind.EXPORT: 1}
    (view,) = [a for a in accesses if a.kind == DataAccess.Kind.VIEW]
    assert view.person_id == person.pk and view.view_name == "admin:disnaker_person_change"
    (export,) = [a for a in accesses if a.kind == DataAccess.Kind.EXPORT]
    assert export.what == "Alumni" and export.row_count == 1
    assert list(export.subjects.values_list("person_id", flat=True)) == [person.pk]
    assert all("?" not in a.path and person.nik not in a.path for a in accesses)

    # 4. Siti logs in (a browser context of her own) and finds each access in "Riwayat akses data".
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_username", seeker.email)
    page.fill("#id_password", "rahasia-123")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(live_server.url + reverse("account_home"))
    shot("account")
    page.get_by_role("link", name="Riwayat akses data").click()
    page.wait_for_url(live_server.url + reverse("account_data_access"))
    table_rows = page.locator("#data-access-table tbody tr")
    assert table_rows.count() == len(accesses)
    for shown, access in zip(table_rows.all_inner_texts(), accesses, strict=True):  # newest first, as listed
        assert "Rina Petugas (Admin Disnaker)" in shown
        assert access.get_kind_display() in shown and access.screen in shown
    assert view.screen.endswith(": halaman rincian")  # the person's change page, in words
    assert axe(page) == []
    shot("access-history")

    # 5. "Unduh data saya": the JSON holds her NIK, her name and the same accesses; the PDF too.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh data saya (JSON)").click()
    assert person.nik not in download.value.suggested_filename and download.value.suggested_filename.endswith(".json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["person"]["nik"] == person.nik and data["person"]["name"] == "Siti Rohmah"
    assert [(a["by"], a["kind"], a["screen"]) for a in data["data_accesses"]] == [
        (a.accessed_by, a.get_kind_display(), a.screen) for a in accesses
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh data saya (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    shot.pdf("my-data-pdf", content)
    text = pdftotext(content)
    assert "Siti Rohmah" in text and "Rina Petugas" in text
