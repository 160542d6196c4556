"""Every view that hands out a stored document answers with a sandboxed attachment (disnaker.storage.file_download)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.factories import PDF_BYTES, PersonFactory, RegistrationFactory, UserFactory, job_seeker, png_bytes
from tests.security_roles import use_storage

pytestmark = pytest.mark.django_db

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}


@pytest.fixture
def stored(tmp_path, monkeypatch):
    """A training registration with its documents and certificate, and an AK/1 card, their files in tmp."""
    use_storage(monkeypatch, tmp_path / "private")
    return store_documents()


def store_documents() -> dict:
    """A training registration with its documents and certificate, and an AK/1 card, in the storage
    their fields use."""
    from placement import cards
    from training.models import ParticipantCertificate

    registration = RegistrationFactory(
        status="confirmed",
        outcome="graduated",
        ktp_document=ContentFile(PDF_BYTES, name="ktp.pdf"),
        diploma_document=ContentFile(png_bytes(), name="d.png"),
    )
    certificate = ParticipantCertificate.objects.create(
        registration=registration,
        number="BLK/2026/X/000001",
        issued_on=datetime.date(2026, 11, 25),
        pdf=ContentFile(PDF_BYTES, name="certificate.pdf"),
        generated_at=datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC),
    )
    card = cards.card_apply(
        person=PersonFactory(),
        education_history="SMK Negeri 1 Cilegon, 2019",
        skills="",
        experience="",
        photo=ContentFile(png_bytes(), name="photo.png"),
        ktp_document=ContentFile(PDF_BYTES, name="ktp.pdf"),
        diploma_document=ContentFile(PDF_BYTES, name="ijazah.pdf"),
    )
    return {"registration": registration, "certificate": certificate, "card": card}


def _staff_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


STAFF_DOWNLOADS = {
    "registration KTP": (lambda s: reverse("training:staff_document", args=[s["registration"].pk, "ktp"]), "pdf"),
    "registration diploma": (
        lambda s: reverse("training:staff_document", args=[s["registration"].pk, "diploma"]),
        "png",
    ),
    "certificate (staff)": (lambda s: reverse("training:staff_certificate", args=[s["certificate"].pk]), "pdf"),
    "AK/1 photo": (lambda s: reverse("placement:ak1_staff_document", args=[s["card"].pk, "photo"]), "png"),
    "AK/1 KTP": (lambda s: reverse("placement:ak1_staff_document", args=[s["card"].pk, "ktp"]), "pdf"),
    "AK/1 diploma": (lambda s: reverse("placement:ak1_staff_document", args=[s["card"].pk, "diploma"]), "pdf"),
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png"}


def _assert_sandboxed_attachment(response, extension: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert response["Content-Type"] == CONTENT_TYPES[extension]
    for header, value in DOWNLOAD_HEADERS.items():
        assert response[header] == value, header
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("name", list(STAFF_DOWNLOADS))
def test_staff_downloads_are_sandboxed_attachments(name, stored):
    url, extension = STAFF_DOWNLOADS[name]
    _assert_sandboxed_attachment(_staff_client().get(url(stored)), extension)


def test_the_job_seekers_certificate_is_a_sandboxed_attachment(stored):
    registration = stored["registration"]
    client = Client()
    client.force_login(job_seeker(person=registration.person))
    response = client.get(reverse("training:certificate_download", args=[registration.pk]))
    _assert_sandboxed_attachment(response, "pdf")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_older_upload_of_another_type_is_served_as_bytes(stored):
    registration = stored["registration"]
    registration.diploma_document.save("old.html", ContentFile(b"<script>alert(1)</script>"))
    response = _staff_client().get(reverse("training:staff_document", args=[registration.pk, "diploma"]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
