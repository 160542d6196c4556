"""Fixtures of the public training pages: a job seeker, documents to upload, private files in tmp."""

import datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import PersonFactory, job_seeker, make_nik, pdf_bytes, png_bytes
from training.models import ParticipantCertificate, Registration


def login_in_english(client, user):
    """Logged in, in English, so that tests read staff messages as written in the source."""
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def private_files(tmp_path, monkeypatch):
    """Uploads and certificates go to a temporary folder instead of MEDIA_ROOT."""
    storage = FileSystemStorage(location=tmp_path / "private")
    for model, name in (
        (Registration, "ktp_document"),
        (Registration, "diploma_document"),
        (ParticipantCertificate, "pdf"),
    ):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    return storage


def seeker_person(*, birth_date=datetime.date(2000, 5, 5), serial=9001, **kwargs):
    """A resident with SMA education, 26 on the first day of a BatchFactory batch."""
    return PersonFactory(birth_date=birth_date, sex="L", nik=make_nik(birth_date=birth_date, serial=serial), **kwargs)


@pytest.fixture
def seeker(db):
    """A job seeker's account with its person (user.person)."""
    return job_seeker(person=seeker_person())


@pytest.fixture
def seeker_client(seeker):
    client = Client()
    client.force_login(seeker)
    return client


def pdf_upload(name="ktp.pdf", size=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(size=size), content_type="application/pdf")


def png_upload(name="ijazah.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size=(4, 4)), content_type="image/png")


@pytest.fixture
def uploads():
    """Makers of files to upload: ``uploads.pdf(size=...)``, ``uploads.png()``, ``uploads.documents()``."""

    class Uploads:
        pdf = staticmethod(pdf_upload)
        png = staticmethod(png_upload)

        @staticmethod
        def documents() -> dict:
            return {"ktp_document": pdf_upload(), "diploma_document": png_upload()}

    return Uploads
