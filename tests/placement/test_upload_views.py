"""A company's HR uploads placements as a spreadsheet: template, upload, preview, confirm.

Nothing is reported before the confirmation; then every row is, or none. Another company's upload,
vacancy and placements are never reached.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disnaker.nik import mask_nik
from placement import placement_import
from placement.models import Placement
from placement.upload_views import PENDING
from tests.factories import CompanyFactory, PersonFactory, VacancyFactory, company_hr, letters, make_nik
from tests.lpk_registry.test_import import private_storage_in, with_sheet_xml

from .test_placements import report

pytestmark = pytest.mark.django_db

UPLOAD, PREVIEW = "placement:company_placement_upload", "placement:company_placement_upload_preview"
CONFIRM, TEMPLATE = "placement:company_placement_upload_confirm", "placement:company_placement_template"
NIK = "3672011204990001"


@pytest.fixture(autouse=True)
def stored(settings, tmp_path):
    """Uploads go to a temporary private storage; ``stored()`` lists those waiting there."""
    folder = private_storage_in(settings, tmp_path / "private") / PENDING.folder
    return lambda: sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def company(db):
    return CompanyFactory()


@pytest.fixture
def hr_client(client, company):
    client.force_login(company_hr(company=company))
    return client


def rows(count: int) -> list[list]:
    return [
        [make_nik(sex="L", birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=i), serial=i + 1),
         f"Pekerja Nomor {letters(i)}", "L", "Operator", "05-01-2026", "PKWT", "2-4"]
        for i in range(count)
    ]  # fmt: skip


def xlsx(data_rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Penempatan"
    for row in [list(placement_import.HEADERS), *data_rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "penempatan.xlsx", **extra):
    return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, data), **extra})


def confirm(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse(CONFIRM), data)


def _html(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The template ---------------------------------------------------------------------------


def test_the_template_has_the_header_an_example_row_a_text_nik_column_and_an_explanation(hr_client):
    response = hr_client.get(reverse(TEMPLATE))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-laporan-penempatan.xlsx"'
    assert "no-store" in response["Cache-Control"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Penempatan", "Petunjuk"]
    sheet = workbook["Penempatan"]
    assert [c.value for c in sheet[1]] == ["NIK", "Nama", "Jenis Kelamin (L/P)", "Jabatan", "Tanggal Mulai",
                                           "Jenis Kontrak", "Kisaran Upah"]  # fmt: skip
    assert sheet.max_row == 2 and sheet["A2"].value == placement_import.EXAMPLE[0]
    assert sheet.column_dimensions["A"].number_format == "@" and sheet["A2"].number_format == "@"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists["F2:F2001"] == '"PKWT,PKWTT,harian,paruh waktu,magang"'
    notes = {row[0].value: row[1].value for row in workbook["Petunjuk"].iter_rows(min_row=2)}
    assert "berformat Teks" in notes["NIK"] and "HH-BB-TTTT" in notes["Tanggal Mulai"]


def test_the_template_sent_back_unchanged_is_refused_on_its_example_row(hr_client, company, stored):
    response = upload(hr_client, hr_client.get(reverse(TEMPLATE)).content)
    assert response.status_code == 200
    assert [(e.sheet, e.row, e.column) for e in response.context["result"].errors] == [("Penempatan", 2, "NIK")]
    assert "Ini baris contoh dari templat: hapus baris ini." in _html(response)
    assert not stored() and not Placement.objects.exists()


def test_the_upload_page_links_the_template(hr_client):
    html = _html(hr_client.get(reverse(UPLOAD)))
    assert reverse(TEMPLATE) in html and 'accept=".xlsx,.csv"' in html


# --- Upload, preview, confirm ---------------------------------------------------------------


def test_an_upload_is_previewed_then_reported_on_confirm(
    hr_client, company, stored, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(company=company, headcount=80)
    known = PersonFactory(nik=rows(60)[7][0], sex="L", birth_date=datetime.date(1990, 1, 8))
    response = upload(hr_client, xlsx(rows(60)), vacancy=vacancy.pk)
    assert response.status_code == 302 and response.url == reverse(PREVIEW)
    (waiting,) = stored()
    assert hr_client.session[PENDING.session_key] == {
        "company": company.pk, "vacancy": vacancy.pk, "file": f"placement_uploads/{waiting.name}",
    }  # fmt: skip

    html = _html(hr_client.get(reverse(PREVIEW)))
    assert not Placement.objects.exists()  # nothing is reported before the confirmation
    assert '<dt class="col-7 col-sm-4 col-lg-3">Pekerja</dt><dd class="col-5 col-sm-8 col-lg-9">60</dd>' in html
    assert "50 pekerja pertama dari 60." in html
    assert f"Pekerja Nomor {letters(49)}<" in html and f"Pekerja Nomor {letters(50)}<" not in html
    assert rows(1)[0][0] not in html and mask_nik(rows(1)[0][0]) in html
    assert vacancy.registration_number in html

    response = confirm(hr_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == reverse("placement:company_placements")
    assert _messages(response) == ["60 penempatan sudah dilaporkan."]
    placements = Placement.objects.filter(company=company)
    assert placements.count() == 60 and set(placements.values_list("vacancy", flat=True)) == {vacancy.pk}
    assert placements.get(nik=known.nik).person_id == known.pk
    assert placements.first().reported_by.company_user.company == company
    assert not stored() and PENDING.session_key not in hr_client.session


def test_a_bad_row_is_named_and_nothing_is_kept(hr_client, stored):
    data_rows = rows(3)
    data_rows[2][4] = "31-02-2026"
    response = upload(hr_client, xlsx(data_rows))
    assert response.status_code == 200
    html = _html(response)
    assert "Masalah dalam file: 1. Belum ada yang disimpan." in html
    assert '<th scope="colgroup" colspan="3">Sheet “Penempatan”</th>' in html
    assert '<td class="text-end">4</td> <td>Tanggal Mulai</td>' in html
    assert not stored() and PENDING.session_key not in hr_client.session


def test_an_emoji_name_in_an_uploaded_sheet_is_named_by_sheet_row_and_column(hr_client, stored):
    data_rows = rows(3)
    data_rows[1][1] = "Uji Coba Pengguna 😀"
    data_rows[2][3] = "Operator\u202e Produksi"
    response = upload(hr_client, xlsx(data_rows))
    assert response.status_code == 200
    html = _html(response)
    assert "Masalah dalam file: 2. Belum ada yang disimpan." in html
    assert '<td class="text-end">3</td> <td>Nama</td> <td>Tulis nama sesuai KTP:' in html
    assert "Tidak diperbolehkan: “😀”." in html
    assert '<td class="text-end">4</td> <td>Jabatan</td> <td>Gunakan hanya huruf Latin' in html
    assert "Tidak diperbolehkan: U+202E." in html
    assert not stored() and not Placement.objects.exists()


def test_a_nik_excel_stored_as_a_float_is_refused_naming_the_row_and_column(hr_client, stored):
    data_rows = rows(2)
    data_rows[1][:3] = [int(NIK), "Budi", "L"]
    data = with_sheet_xml(xlsx(data_rows), f"<v>{NIK}</v>", "<v>3.67201120499E+15</v>", "xl/worksheets/sheet1.xml")
    response = upload(hr_client, data)
    assert response.status_code == 200
    html = _html(response)
    assert '<td class="text-end">3</td> <td>NIK</td> <td>Excel menghapus digit terakhir NIK ini (36720112049900' in html
    assert not stored() and not Placement.objects.exists()


def test_a_pdf_renamed_xlsx_is_not_a_spreadsheet(hr_client, stored):
    response = upload(hr_client, b"%PDF-1.7\n1 0 obj", "penempatan.xlsx")
    assert "File ini dokumen PDF, bukan spreadsheet." in _html(response)
    assert not stored()


def test_cancel_deletes_the_file_and_reports_nothing(hr_client, stored, django_capture_on_commit_callbacks):
    upload(hr_client, xlsx(rows(2)))
    assert stored()
    response = confirm(hr_client, django_capture_on_commit_callbacks, cancel="1")
    assert response.url == reverse("placement:company_placements")
    assert _messages(response) == ["Unggahan dibatalkan; belum ada yang dilaporkan."]
    assert not stored() and not Placement.objects.exists()


def test_confirm_is_a_post(hr_client):
    upload(hr_client, xlsx(rows(2)))
    assert hr_client.get(reverse(CONFIRM)).status_code == 405
    assert not Placement.objects.exists()


@pytest.mark.parametrize("name", [PREVIEW, CONFIRM])
def test_without_a_waiting_upload_hr_is_sent_to_upload(hr_client, name):
    response = getattr(hr_client, "get" if name == PREVIEW else "post")(reverse(name))
    assert response.url == reverse(UPLOAD)
    assert _messages(response) == ["Tidak ada file unggahan yang menunggu disimpan. Unggah file lagi."]


def test_a_service_refusal_reports_nothing_and_keeps_nothing(
    hr_client, company, stored, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(company=company, headcount=1)
    upload(hr_client, xlsx(rows(2)), vacancy=vacancy.pk)
    response = confirm(hr_client, django_capture_on_commit_callbacks)
    assert response.url == reverse(UPLOAD)
    assert _messages(response)[0].startswith("Belum ada yang dilaporkan. Baris 3:")
    assert not Placement.objects.exists() and not stored()
    vacancy.refresh_from_db()
    assert vacancy.filled == 0


def test_a_vacancy_closed_while_the_upload_waited_is_refused(hr_client, company, django_capture_on_commit_callbacks):
    vacancy = VacancyFactory(company=company)
    upload(hr_client, xlsx(rows(2)), vacancy=vacancy.pk)
    vacancy.status = "closed"
    vacancy.save()
    response = confirm(hr_client, django_capture_on_commit_callbacks)
    assert response.url == reverse(UPLOAD)
    assert _messages(response) == [
        "Belum ada yang dilaporkan. Lowongan yang dipilih saat mengunggah sudah tidak dibuka. Unggah file lagi."
    ]
    assert not Placement.objects.exists()


# --- Another company ------------------------------------------------------------------------


def test_another_companys_vacancy_cannot_be_chosen(hr_client, stored):
    others = VacancyFactory(company=CompanyFactory())
    response = upload(hr_client, xlsx(rows(2)), vacancy=others.pk)
    assert response.status_code == 200 and "vacancy" in response.context["form"].errors
    assert not stored() and not Placement.objects.exists()


def test_an_upload_waits_for_its_own_company_only(client, company, django_capture_on_commit_callbacks):
    """The session of an HR user who moved to another company cannot report the first one's upload."""
    hr = company_hr(company=company)
    other = CompanyFactory()
    existing = report(other, make_nik(serial=9000))
    client.force_login(hr)
    upload(client, xlsx(rows(2)))
    hr.company_user.company = other
    hr.company_user.save()
    response = confirm(client, django_capture_on_commit_callbacks)
    assert response.url == reverse(UPLOAD)
    assert list(Placement.objects.all()) == [existing]


def test_a_vacancy_of_another_company_slipped_into_the_session_is_refused(
    hr_client, company, django_capture_on_commit_callbacks
):
    others = VacancyFactory(company=CompanyFactory())
    upload(hr_client, xlsx(rows(2)))
    session = hr_client.session
    session[PENDING.session_key] = {**session[PENDING.session_key], "vacancy": others.pk}
    session.save()
    response = confirm(hr_client, django_capture_on_commit_callbacks)
    assert response.url == reverse(UPLOAD)
    assert not Placement.objects.exists()
    others.refresh_from_db()
    assert others.filled == 0


def test_uploads_never_confirmed_are_deleted_after_a_day(hr_client, stored):
    from django.utils import timezone

    upload(hr_client, xlsx(rows(1)))
    assert PENDING.discard_stale() == 0 and stored()
    assert PENDING.discard_stale(now=timezone.now() + datetime.timedelta(days=1, minutes=1)) == 1
    assert not stored()
