"""The participant certificate PDF: what it says, what it leaves out, and how it is stored."""

import datetime
import shutil
import subprocess

import pytest
from django.core.files.storage import FileSystemStorage

from tests.conftest import ARTIFACTS_DIR, require
from tests.factories import BatchFactory, RegistrationFactory
from training.models import ParticipantCertificate
from training.pdf import certificate_pdf, certificate_pdf_store, verification_url
from training.tasks import certificate_render

UNITS = [
    "Menerapkan prinsip-prinsip K3 di tempat kerja",
    "Membaca gambar teknik",
    "Menyiapkan peralatan las busur manual (SMAW)",
    "Mengelas pelat posisi bawah tangan (1G)",
    "Mengelas pelat posisi tegak (3G)",
    "Memeriksa hasil las secara visual",
]


@pytest.fixture
def private_media(tmp_path, monkeypatch):
    """Certificates go to a folder of their own, so a test can count the files in it."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(ParticipantCertificate._meta.get_field("pdf"), "storage", storage)
    return tmp_path / "private"


@pytest.fixture
def certificate(db):
    batch = BatchFactory(
        code="BLK-2026-LAS-01",
        programme__name="Pengelasan SMAW Posisi 3G",
        programme__vocation__name="Pengelasan",
        programme__competency_scheme="Juru Las 3G SMAW",
        programme__competency_units="\n".join(UNITS),
        programme__hours=240,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 10, 28),
        registration_opens=datetime.date(2026, 9, 1),
        registration_closes=datetime.date(2026, 9, 20),
        funding="apbd",
        status="finished",
    )
    registration = RegistrationFactory(
        batch=batch, person__name="Ahmad Fauzi Ramadhan", status="confirmed", outcome="graduated"
    )
    return ParticipantCertificate.objects.create(
        registration=registration, number="BLK/2026/BLK-2026-LAS-01/000042", issued_on=datetime.date(2026, 11, 2)
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_certificate_names_holder_programme_number_and_verification_url(certificate, pdftotext, settings):
    settings.PORTAL_BASE_URL = "https://portal.disnaker.example"
    text = _one_line(pdftotext(certificate_pdf(certificate)))
    assert "SERTIFIKAT PELATIHAN" in text
    assert "Ahmad Fauzi Ramadhan" in text
    assert "Pengelasan SMAW Posisi 3G" in text
    assert "Juru Las 3G SMAW" in text
    assert "BLK/2026/BLK-2026-LAS-01/000042" in text
    assert f"Periksa keaslian: https://portal.disnaker.example/verifikasi/{certificate.code}/" in text
    assert verification_url(certificate) == f"https://portal.disnaker.example/verifikasi/{certificate.code}/"


def test_certificate_gives_dates_hours_funding_units_and_signature_in_indonesian(certificate, pdftotext):
    text = _one_line(pdftotext(certificate_pdf(certificate)))
    assert "1 Oktober 2026 s.d. 28 Oktober 2026" in text
    assert "240 jam pelajaran" in text
    assert "APBD Kota Cilegon" in text
    assert "Cilegon, 2 November 2026" in text
    assert "Kepala Dinas Tenaga Kerja Kota Cilegon" in text
    assert "PEMERINTAH KOTA CILEGON" in text
    for unit in UNITS:
        assert unit in text


def test_certificate_never_shows_the_nik(certificate, pdftotext):
    person = certificate.registration.person
    text = pdftotext(certificate_pdf(certificate))
    assert person.nik not in text.replace(" ", "")
    assert person.nik_masked not in text
    assert "NIK" not in text


def test_signatory_name_and_nip_come_from_settings_when_present(certificate, pdftotext, settings):
    settings.OFFICE_HEAD_NAME = "Drs. Panca Nugroho Widodo, M.Si."
    settings.OFFICE_HEAD_NIP = "196801011990031001"
    text = pdftotext(certificate_pdf(certificate))
    assert "Drs. Panca Nugroho Widodo, M.Si." in text
    assert "NIP 196801011990031001" in text


def test_certificate_is_a4_landscape_with_the_units_on_the_back(certificate):
    require(bool(shutil.which("pdfinfo")), "pdfinfo (apt-get install poppler-utils)")
    info = subprocess.run(["pdfinfo", "-"], input=certificate_pdf(certificate), capture_output=True, check=True)
    info = " ".join(info.stdout.decode().split())
    assert "Pages: 2" in info
    assert "Page size: 841.89 x 595.276 pts (A4)" in info  # landscape: wider than tall


def test_certificate_pages_render_to_png_for_a_person_to_look_at(certificate, tmp_path):
    """Leaves test-artifacts/certificate-1.png (front) and -2.png (units) to be looked at."""
    require(bool(shutil.which("pdftoppm")), "pdftoppm (apt-get install poppler-utils)")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(certificate))
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    for old in ARTIFACTS_DIR.glob("certificate-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(ARTIFACTS_DIR / "certificate")], check=True)
    pages = sorted(ARTIFACTS_DIR.glob("certificate-*.png"))
    assert [p.name for p in pages] == ["certificate-1.png", "certificate-2.png"]
    assert all(p.stat().st_size > 10_000 for p in pages)


def test_store_saves_the_pdf_privately_under_a_random_name(certificate, private_media):
    before = datetime.datetime.now(datetime.UTC)
    name = certificate_pdf_store(certificate)
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert name.startswith("certificates/") and name.endswith(".pdf")
    assert certificate.number.replace("/", "") not in name.replace("/", "")
    assert (private_media / name).read_bytes().startswith(b"%PDF")
    assert certificate.generated_at >= before


def test_rendering_twice_leaves_exactly_one_file(certificate, private_media):
    certificate_render.apply(args=[certificate.pk]).get()
    first = ParticipantCertificate.objects.get(pk=certificate.pk).pdf.name
    certificate_render.apply(args=[certificate.pk]).get()
    certificate.refresh_from_db()
    files = [p for p in (private_media / "certificates").rglob("*") if p.is_file()]
    assert files == [private_media / certificate.pdf.name]
    assert certificate.pdf.name != first


def test_pdf_templates_read_only_the_portals_own_static_files(settings):
    from disnaker.pdf import static_path

    settings.PORTAL_BASE_URL = "https://portal.example"
    assert static_path("https://portal.example/static/css/pdf.css").name == "pdf.css"
    assert static_path("https://portal.example/static/css/missing.css") is None
    assert static_path("https://elsewhere.example/static/css/pdf.css") is None
    assert static_path("file:///etc/passwd") is None
    assert static_path("https://portal.example/static/../manage.py") is None
    assert static_path("https://portal.example/static/%2e%2e/manage.py") is None
    assert static_path("https://portal.example/static//etc/passwd") is None


def test_shared_letterhead_names_the_office(settings):
    from disnaker.pdf import render_html

    settings.OFFICE_PHONE = "(0254) 123456"
    html = render_html("disnaker/pdf/letterhead.html")
    for text in ("PEMERINTAH KOTA CILEGON", "DINAS TENAGA KERJA KOTA CILEGON", "Jl. Jend. Sudirman No. 2"):
        assert text in html
    assert "Telp. (0254) 123456" in html
    assert "disnaker@cilegon.go.id" in html and "https://disnaker.cilegon.go.id" in html
