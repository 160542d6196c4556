"""An operator uploads a graduate report as a spreadsheet: template, upload, preview, confirm."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disnaker.models import Person
from disnaker.nik import mask_nik
from lpk_registry import imports, services
from lpk_registry.models import ReportGraduate, ReportStatus
from lpk_registry.upload_views import SESSION_KEY
from tests.factories import GraduateReportFactory, PersonFactory, UserFactory, letters, lpk_operator

from .test_import import BORN, csv_file, graduate_rows, private_storage_in, xlsx

pytestmark = pytest.mark.django_db

PER_REPORT = [
    ("get", "lpk_registry:report_upload"),
    ("post", "lpk_registry:report_upload"),
    ("get", "lpk_registry:report_upload_preview"),
    ("post", "lpk_registry:report_upload_confirm"),
]


def _html(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name: str, report) -> str:
    return reverse(name, args=[report.pk])


@pytest.fixture(autouse=True)
def stored(settings, tmp_path):
    """Uploads go to a temporary private storage; ``stored()`` lists those waiting there."""
    folder = private_storage_in(settings, tmp_path / "private") / imports.UPLOAD_FOLDER
    return lambda: sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def operator(db):
    return lpk_operator()


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def report(operator):
    return GraduateReportFactory(institution=operator.lpk_operator.institution)


def upload(client, report, data: bytes, name: str = "laporan.xlsx"):
    return client.post(_url("lpk_registry:report_upload", report), {"file": SimpleUploadedFile(name, data)})


def confirm(client, report, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(_url("lpk_registry:report_upload_confirm", report), data)


# --- Who may use the upload -----------------------------------------------------------------


def _upload(method: str) -> dict:
    """A workbook to post; a GET sends nothing (a file's bytes in a query string are refused as bad input)."""
    return {"file": SimpleUploadedFile("a.xlsx", xlsx())} if method == "post" else {}


class TestAccess:
    @pytest.mark.parametrize(("method", "name"), PER_REPORT)
    def test_anonymous_is_sent_to_the_lpk_login(self, client, report, method, name):
        response = getattr(client, method)(_url(name, report))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("lpk_registry:login") + "?next=")

    @pytest.mark.parametrize(("method", "name"), [*PER_REPORT, ("get", "lpk_registry:report_template")])
    def test_someone_who_is_not_an_operator_is_refused(self, client, report, method, name):
        client.force_login(UserFactory(is_staff=True))
        url = reverse(name) if name.endswith("template") else _url(name, report)
        assert getattr(client, method)(url).status_code == 403

    @pytest.mark.parametrize(("method", "name"), PER_REPORT)
    def test_another_institutions_report_is_not_found(self, operator_client, method, name):
        others = GraduateReportFactory()
        response = getattr(operator_client, method)(_url(name, others), _upload(method))
        assert response.status_code == 404
        assert not others.graduates.exists()

    def test_confirm_is_a_post(self, operator_client, report):
        assert operator_client.get(_url("lpk_registry:report_upload_confirm", report)).status_code == 405

    @pytest.mark.parametrize(("method", "name"), PER_REPORT)
    def test_a_submitted_report_refuses_the_upload(self, operator_client, report, stored, method, name):
        report.status = ReportStatus.SUBMITTED
        report.save()
        response = getattr(operator_client, method)(_url(name, report), _upload(method))
        assert response.status_code == 302
        assert response["Location"] == _url("lpk_registry:report_detail", report)
        assert _messages(response) == ["Laporan ini sudah dikirim dan tidak dapat diubah lagi."]
        assert not report.graduates.exists() and not stored()


# --- The template ---------------------------------------------------------------------------


def test_the_template_downloads_as_an_xlsx_workbook(operator_client):
    response = operator_client.get(reverse("lpk_registry:report_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == imports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="templat-laporan-lulusan-lpk.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Program", "Lulusan"]


def test_the_upload_page_explains_the_format_and_links_the_template(operator_client, report):
    html = _html(operator_client.get(_url("lpk_registry:report_upload", report)))
    assert 'type="file"' in html and 'accept=".xlsx,.csv"' in html
    assert reverse("lpk_registry:report_template") in html
    assert "bekerja, wirausaha, belum bekerja, melanjutkan studi" in html


# --- Upload, preview, confirm ---------------------------------------------------------------


def test_five_thousand_rows_go_through_preview_and_are_saved_on_confirm(
    operator_client, report, stored, django_capture_on_commit_callbacks
):
    rows = graduate_rows(5000)
    known = PersonFactory(nik=rows[7][0], sex=rows[7][2], birth_date=BORN + datetime.timedelta(days=7))
    people_before = Person.objects.count()

    response = upload(operator_client, report, xlsx(graduates=rows))
    assert response.status_code == 302
    assert response["Location"] == _url("lpk_registry:report_upload_preview", report)
    (waiting,) = stored()
    assert operator_client.session[SESSION_KEY] == {"report": report.pk, "file": f"lpk_uploads/{waiting.name}"}
    assert not report.graduates.exists()  # nothing is saved before the confirmation

    html = _html(operator_client.get(response["Location"]))
    assert "Lulusan 5.000" not in html  # the figures stand in their own cells
    assert '<dt class="col-7 col-sm-4 col-lg-3">Lulusan</dt><dd class="col-5 col-sm-8 col-lg-9">5.000</dd>' in html
    assert 'Bekerja</dt><dd class="col-5 col-sm-8 col-lg-9">1.250</dd>' in html
    # the first 50 rows only
    assert f"Lulusan Nomor {letters(49)}<" in html and f"Lulusan Nomor {letters(50)}<" not in html
    assert "50 lulusan pertama dari 5.000" in html
    assert rows[0][0] not in html and mask_nik(rows[0][0]) in html

    response = confirm(operator_client, report, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == _url("lpk_registry:report_detail", report)
    assert _messages(response) == ["Tersimpan dari file: 1 program dan 5.000 lulusan."]
    assert ReportGraduate.objects.filter(report=report).count() == 5000
    assert report.programme_lines.get().graduates_male == 3333
    assert Person.objects.count() == people_before + 4999  # the known person is reused
    assert report.graduates.get(nik=known.nik).person_id == known.pk
    assert not stored() and SESSION_KEY not in operator_client.session


def test_one_bad_row_in_five_thousand_saves_nothing_and_names_the_row_and_column(operator_client, report, stored):
    rows = graduate_rows(5000)
    rows[4321][6] = "pensiun"
    people_before = Person.objects.count()
    response = upload(operator_client, report, xlsx(graduates=rows))
    assert response.status_code == 200
    html = _html(response)
    assert "Masalah dalam file: 1. Belum ada yang disimpan." in html
    assert '<th scope="colgroup" colspan="3">Sheet “Lulusan”</th>' in html
    assert (
        '<td class="text-end">4323</td> <td>Status</td> '
        "<td>Status “pensiun” tidak dikenal: isi salah satu dari bekerja, wirausaha, belum bekerja, "
        "melanjutkan studi.</td>"
    ) in html
    assert not report.graduates.exists() and Person.objects.count() == people_before
    assert not stored() and SESSION_KEY not in operator_client.session


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (xlsx(graduate_header=["NIK", "Nama"]), "laporan.xlsx", "Kolom tidak sesuai dengan templat. Tidak ada: "),
        (xlsx(programmes=[], graduates=[]), "laporan.xlsx", "File tidak berisi data"),
        (b"%PDF-1.7\n1 0 obj", "laporan.xlsx", "File ini dokumen PDF, bukan spreadsheet."),
        (b"NIK,Nama\n", "laporan.xlsx", "File ini bukan spreadsheet Excel, meskipun namanya berakhiran .xlsx."),
    ],
)
def test_a_wrong_file_is_explained_and_nothing_is_kept(operator_client, report, stored, data, name, message):
    response = upload(operator_client, report, data, name)
    assert response.status_code == 200
    assert message in _html(response)
    assert not stored() and SESSION_KEY not in operator_client.session


def test_a_file_over_the_limit_is_refused(operator_client, report, stored):
    response = upload(operator_client, report, b"x" * (imports.MAX_BYTES + 1))
    assert response.status_code == 200
    assert "Ukuran file lebih dari 5 MB." in _html(response)
    assert not stored()


def test_no_file_chosen_is_a_form_error(operator_client, report):
    response = operator_client.post(_url("lpk_registry:report_upload", report))
    assert response.status_code == 200
    assert '<div class="alert alert-danger" role="alert" id="error-summary"' in _html(response)


def test_a_csv_preview_says_the_programme_lines_are_counted_from_the_graduates(
    operator_client, report, django_capture_on_commit_callbacks
):
    rows = graduate_rows(6)
    upload(operator_client, report, csv_file(rows, delimiter=";"), "lulusan.csv")
    html = _html(operator_client.get(_url("lpk_registry:report_upload_preview", report)))
    assert "File CSV ini hanya berisi data lulusan" in html
    confirm(operator_client, report, django_capture_on_commit_callbacks)
    line = report.programme_lines.get()
    assert (line.enrolled_male, line.enrolled_female, line.graduates_male, line.graduates_female) == (4, 2, 4, 2)


def test_confirming_replaces_what_the_report_held(operator_client, report, django_capture_on_commit_callbacks):
    services.report_replace_content(report=report, content=imports.parse_report_file(
        SimpleUploadedFile("a.xlsx", xlsx(graduates=graduate_rows(3, start=100)))).content, actor=None)  # fmt: skip
    upload(operator_client, report, xlsx(graduates=graduate_rows(2)))
    html = _html(operator_client.get(_url("lpk_registry:report_upload_preview", report)))
    assert "Menyimpan akan menggantikan isi laporan sekarang: 1 program dan 3 lulusan." in html
    confirm(operator_client, report, django_capture_on_commit_callbacks)
    assert sorted(report.graduates.values_list("name", flat=True)) == ["Lulusan Nomor A", "Lulusan Nomor B"]


def test_cancel_deletes_the_file_and_changes_nothing(
    operator_client, report, stored, django_capture_on_commit_callbacks
):
    upload(operator_client, report, xlsx())
    assert stored()
    response = confirm(operator_client, report, django_capture_on_commit_callbacks, cancel="1")
    assert response["Location"] == _url("lpk_registry:report_detail", report)
    assert _messages(response) == ["Unggahan dibatalkan; laporan tidak berubah."]
    assert not report.graduates.exists() and not stored()


def test_a_new_upload_replaces_the_one_waiting(operator_client, report, stored, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(operator_client, report, xlsx(graduates=graduate_rows(2)))
        upload(operator_client, report, xlsx(graduates=graduate_rows(4)))
    assert len(stored()) == 1
    confirm(operator_client, report, django_capture_on_commit_callbacks)
    assert report.graduates.count() == 4


@pytest.mark.parametrize("name", ["lpk_registry:report_upload_preview", "lpk_registry:report_upload_confirm"])
def test_without_a_waiting_upload_the_operator_is_sent_to_upload(operator_client, report, name):
    response = getattr(operator_client, "get" if name.endswith("preview") else "post")(_url(name, report))
    assert response["Location"] == _url("lpk_registry:report_upload", report)
    assert _messages(response) == ["Tidak ada file unggahan yang menunggu disimpan. Unggah file lagi."]


def test_an_upload_waits_for_its_own_report_only(operator_client, report, operator):
    other = GraduateReportFactory(institution=operator.lpk_operator.institution, quarter=2)
    upload(operator_client, report, xlsx())
    response = operator_client.post(_url("lpk_registry:report_upload_confirm", other))
    assert response["Location"] == _url("lpk_registry:report_upload", other)
    assert not other.graduates.exists() and not report.graduates.exists()


def test_a_report_submitted_while_the_upload_waited_is_not_changed(
    operator_client, report, stored, django_capture_on_commit_callbacks
):
    upload(operator_client, report, xlsx())
    services.report_replace_content(report=report, content=imports.parse_report_file(
        SimpleUploadedFile("a.xlsx", xlsx(graduates=graduate_rows(1, start=50)))).content, actor=None)  # fmt: skip
    services.report_submit(report=report, actor=None)
    response = confirm(operator_client, report, django_capture_on_commit_callbacks)
    assert response["Location"] == _url("lpk_registry:report_detail", report)
    assert report.graduates.count() == 1 and not stored()
