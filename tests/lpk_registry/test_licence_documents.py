"""The licence scan uploaded in the admin: checked like every document, downloaded as a sandboxed attachment."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disnaker.roles import TRAINING_OFFICER
from lpk_registry.models import Licence
from tests.disnaker.test_documents import HOSTILE, hostile_upload
from tests.factories import PDF_BYTES, LicenceFactory
from tests.security_roles import use_storage
from tests.training.conftest import login_in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path, monkeypatch):
    use_storage(monkeypatch, tmp_path / "private")
    return tmp_path / "private"


def _post(client, licence, document):
    data = {
        "institution": licence.institution_id,
        "number": licence.number,
        "issued_on": "2024-01-15",
        "valid_until": "2029-01-15",
        "status": "active",
        "document": document,
    }
    return client.post(reverse("admin:lpk_registry_licence_change", args=[licence.pk]), data)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_licence_scan_is_refused_beside_the_field(name, client, superuser, folder):
    licence = LicenceFactory()
    response = _post(login_in_english(client, superuser), licence, hostile_upload(name))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert list(errors) == ["document"] and errors["document"][0].code == HOSTILE[name][2]
    licence.refresh_from_db()
    assert not licence.document
    assert not folder.exists() or [n for _root, _dirs, names in os.walk(folder) for n in names] == []


def test_a_clean_licence_scan_is_stored_and_downloaded_as_a_sandboxed_attachment(client, superuser, folder):
    licence = LicenceFactory()
    client = login_in_english(client, superuser)
    response = _post(client, licence, SimpleUploadedFile("izin 503.pdf", PDF_BYTES, content_type="application/pdf"))
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.document.name.startswith("licences/") and licence.document.name.endswith(".pdf")
    download = reverse("admin:lpk_registry_licence_document", args=[licence.pk])
    assert download in client.get(reverse("admin:lpk_registry_licence_change", args=[licence.pk])).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="izin-lpk-{licence.pk}.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_download_needs_the_view_permission(client, staff_user, folder):
    licence = LicenceFactory()
    client = login_in_english(client, staff_user(TRAINING_OFFICER))
    assert client.get(reverse("admin:lpk_registry_licence_document", args=[licence.pk])).status_code == 403
    assert Licence.objects.get().document.name == ""
