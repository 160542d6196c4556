"""An LPK operator's report cycle in headless Chromium: template, upload, submit, return, fix, accept."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from disnaker.roles import LPK_SUPERVISOR
from lpk_registry import compliance
from lpk_registry.models import GraduateReport
from tests.factories import GraduateReportFactory, InstitutionFactory, lpk_operator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAN = "3672011203010004"  # born 12 March 2001
WOMAN = "3672055208020007"  # born 12 August 2002


def _filled_template(path: str, *, woman_status: str) -> bytes:
    """The downloaded template with its example rows replaced by this quarter's graduates."""
    workbook = openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes()))
    programmes, graduates = workbook["Program"], workbook["Lulusan"]
    programmes.delete_rows(2)
    graduates.delete_rows(2)
    programmes.append(["Bahasa Jepang N4", "Bahasa Jepang", 2, 2, 1, 1])
    graduates.append([MAN, "Rizky Maulana", "L", "Bahasa Jepang N4", "T", "", "belum bekerja", ""])
    graduates.append(
        [WOMAN, "Dewi Sartika", "P", "Bahasa Jepang N4", "Y", "JFT-2026-0042", woman_status, "PT Sakura Indonesia"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(page, live_server, report, content: bytes, shot, step: str):
    page.goto(live_server.url + reverse("lpk_registry:report_upload", args=[report.pk]))
    page.set_input_files(
        "input[type=file]", files=[{"name": "laporan.xlsx", "buffer": content, "mimeType": "application/octet-stream"}]
    )
    page.get_by_role("button", name="Periksa file").click()
    page.wait_for_load_state()
    shot(step)


def test_operator_uploads_submits_is_returned_fixes_and_is_accepted(
    live_server, page, staff_page, staff_user, axe, shot
):
    institution = InstitutionFactory(name="LPK Sakura Nihongo Cilegon")
    operator = lpk_operator(institution=institution)
    year, quarter = compliance.last_finished_quarter()
    report = GraduateReportFactory(institution=institution, year=year, quarter=quarter)
    supervisor = staff_user(LPK_SUPERVISOR)

    # The operator logs in and downloads the template from the report page.
    page.goto(live_server.url + reverse("lpk_registry:login"))
    page.fill("#id_username", operator.email)
    page.fill("#id_password", "rahasia-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server.url + reverse("lpk_registry:dashboard"))
    shot("dashboard")
    page.goto(live_server.url + reverse("lpk_registry:report_detail", args=[report.pk]))
    shot("report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh templat spreadsheet").click()
    template = download.value.path()

    # A status the office cannot read is refused with its row and column, and nothing is saved.
    _upload(
        page, live_server, report, _filled_template(template, woman_status="kerja kantoran"), shot, "upload-refused"
    )
    problems = page.locator("main table").first.inner_text()
    assert "Lulusan" in problems and "3\tStatus\tStatus “kerja kantoran” tidak dikenal" in problems
    assert report.graduates.count() == 0
    assert axe(page) == []

    # The filled template: preview, save, submit.
    _upload(page, live_server, report, _filled_template(template, woman_status="bekerja"), shot, "preview")
    assert "Dewi Sartika" in page.content()
    assert axe(page) == []
    page.get_by_role("button", name="Simpan ke laporan").first.click()
    page.wait_for_url(live_server.url + reverse("lpk_registry:report_detail", args=[report.pk]))
    assert report.graduates.count() == 2
    shot("saved")
    page.get_by_role("button", name="Kirim laporan ke dinas").click()
    page.wait_for_load_state()
    shot("submitted")
    assert GraduateReport.objects.get(pk=report.pk).status == "submitted"

    # An LPK supervisor returns it with a comment.
    staff = staff_page(supervisor)
    staff.goto(live_server.url + reverse("admin:lpk_registry_graduatereport_change", args=[report.pk]))
    staff.get_by_role("link", name="Kembalikan dengan catatan…").click()
    staff.locator("form textarea").fill("Rizky Maulana sudah bekerja di PT Krakatau Posco: perbarui statusnya.")
    shot("staff-return-form", page=staff)
    staff.locator("input[type=submit].default").click()
    staff.wait_for_load_state()
    shot("staff-returned", page=staff)
    assert GraduateReport.objects.get(pk=report.pk).status == "returned"

    # The operator sees the comment, fixes the row by form and resubmits.
    page.goto(live_server.url + reverse("lpk_registry:dashboard"))
    shot("returned-with-comment")
    assert "perbarui statusnya" in page.content()
    page.goto(live_server.url + reverse("lpk_registry:report_edit", args=[report.pk]))
    prefix = page.locator(f"input[name$='-nik'][value='{MAN}']").get_attribute("name").removesuffix("-nik")
    page.select_option(f"[name='{prefix}-status']", "working")
    page.fill(f"[name='{prefix}-company']", "PT Krakatau Posco")
    shot("fix-by-form")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url(live_server.url + reverse("lpk_registry:report_detail", args=[report.pk]))
    assert report.graduates.get(nik=MAN).company == "PT Krakatau Posco"
    page.get_by_role("button", name="Kirim laporan yang sudah diperbaiki").click()
    page.wait_for_load_state()
    shot("resubmitted")
    assert GraduateReport.objects.get(pk=report.pk).status == "submitted"

    # The supervisor accepts; the trail keeps every step.
    staff.goto(live_server.url + reverse("admin:lpk_registry_graduatereport_change", args=[report.pk]))
    staff.get_by_role("button", name="Terima").click()
    staff.wait_for_load_state()
    shot("staff-accepted", page=staff)
    staff.context.close()
    report.refresh_from_db()
    assert report.status == "accepted"
    assert list(report.events.values_list("action", flat=True)) == ["submitted", "returned", "submitted", "accepted"]
    Path(template).unlink(missing_ok=True)
