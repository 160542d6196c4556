"""Hostile documents sent to the training forms are refused beside the field, and nothing is stored."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from disnaker.documents import document_clean
from disnaker.roles import TRAINING_OFFICER
from tests.disnaker.test_documents import HOSTILE, hostile_upload
from tests.factories import BatchFactory
from tests.submission import submit
from training.models import Registration

from .conftest import login_in_english
from .test_staff_views import _walk_in_data

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return " ".join(response.content.decode().split())


def _stored(storage) -> list[str]:
    return [name for _root, _dirs, names in os.walk(storage.location) for name in names]


def _message(name: str) -> str:
    try:
        document_clean(hostile_upload(name))
    except ValidationError as refusal:
        with translation.override("id"):
            return refusal.messages[0]
    raise AssertionError(f"{name} passed")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_registration_refuses_a_hostile_document_beside_the_field(name, seeker_client, private_files, uploads):
    response = submit(
        seeker_client,
        reverse("training:register", args=[BatchFactory().pk]),
        {"ktp_document": hostile_upload(name), "diploma_document": uploads.png()},
    )
    html = _html(response)
    assert response.status_code == 200
    error = html.split('id="id_ktp_document_error">', 1)[1].split("</div>", 1)[0]
    assert _message(name) in error
    assert 'id="id_diploma_document_error"' not in html
    assert not Registration.objects.exists()
    assert _stored(private_files) == []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_walk_in_refuses_a_hostile_document_beside_the_field(name, client, staff_user, private_files):
    client = login_in_english(client, staff_user(TRAINING_OFFICER))
    data = _walk_in_data(BatchFactory()) | {"diploma_document": hostile_upload(name)}
    response = submit(client, reverse("training:staff_walk_in"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["diploma_document"][0].code == HOSTILE[name][2]
    assert 'id="id_diploma_document_error"' in _html(response)
    assert not Registration.objects.exists()
    assert _stored(private_files) == []


def test_a_clean_photo_is_stored_re_encoded(seeker_client, seeker, private_files, uploads):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(buffer, format="JPEG", comment=b"Budi 3672014207010077")
    photo = SimpleUploadedFile("ktp.jpg", buffer.getvalue(), content_type="image/jpeg")
    batch = BatchFactory()
    submit(
        seeker_client,
        reverse("training:register", args=[batch.pk]),
        {"ktp_document": photo, "diploma_document": uploads.pdf()},
    )
    registration = Registration.objects.get(person=seeker.person, batch=batch)
    with registration.ktp_document.open("rb") as stored:
        kept = stored.read()
    assert registration.ktp_document.name.endswith(".jpg")
    assert kept != buffer.getvalue() and b"3672014207010077" not in kept
    assert Image.open(io.BytesIO(kept)).size == (20, 10)
