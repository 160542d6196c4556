"""Media in an S3-compatible object store (several hosts): written, listed, streamed and backed up
through the storage API, never through a path on the disk; objects are private and have no URL."""

import datetime
import os
import subprocess
import sys
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse

from disnaker import backup, summaries
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.spreadsheets.flow import PendingUpload
from disnaker.storage import storage_overwrite, storage_walk
from tests.conftest import PROJECT_DIR
from tests.factories import PDF_BYTES, UserFactory, job_seeker
from tests.security_roles import file_fields
from tests.test_document_downloads import STAFF_DOWNLOADS, store_documents

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket_storage(object_store, monkeypatch):
    """Every FileField stores in the test's bucket (the ``private`` storage of the object store)."""
    storage = object_store.storage("private")
    for field in file_fields():
        monkeypatch.setattr(field, "storage", storage)
    return storage


def test_settings_keep_media_in_the_bucket_only_when_one_is_named():
    code = "from django.conf import settings; print(settings.STORAGES['private']['BACKEND'])"
    base = os.environ | {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "disnaker.settings"}
    base.pop("AWS_STORAGE_BUCKET_NAME", None)

    def backend(**env) -> str:
        command = [sys.executable, "-c", "import django; django.setup(); " + code]
        run = subprocess.run(command, cwd=PROJECT_DIR, env=base | env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert backend() == "django.core.files.storage.FileSystemStorage"
    assert backend(AWS_STORAGE_BUCKET_NAME="disnaker-media") == "disnaker.objectstore.PrivateObjectStorage"


def test_object_store_options_keep_every_object_private(object_store):
    for alias, location in (("default", "media"), ("private", "private")):
        options = object_store.storages()[alias]["OPTIONS"]
        assert options["default_acl"] == "private"
        assert options["location"] == location
        assert options["file_overwrite"] is False


def test_a_stored_object_is_private_and_gets_no_url(object_store):
    storage = object_store.storage()
    name = storage.save("ktp/2026/scan.pdf", ContentFile(PDF_BYTES))
    with pytest.raises(ValueError):
        storage.url(name)
    grants = object_store.client().get_object_acl(Bucket=object_store.bucket, Key=f"private/{name}")["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only, no AllUsers READ


def test_a_taken_name_gets_another_instead_of_replacing_the_object(object_store):
    storage = object_store.storage()
    first = storage.save("ktp/scan.pdf", ContentFile(b"first"))
    second = storage.save("ktp/scan.pdf", ContentFile(b"second"))
    assert first != second
    assert object_store.read(f"private/{first}") == b"first"


@pytest.mark.parametrize("where", ["disk", "object store"])
def test_overwrite_replaces_the_file_under_the_same_name_and_leaves_one(where, object_store, tmp_path):
    storage = FileSystemStorage(location=tmp_path) if where == "disk" else object_store.storage()
    assert storage_overwrite(storage, "summaries/city-2026-10.pdf", b"old") == "summaries/city-2026-10.pdf"
    assert storage_overwrite(storage, "summaries/city-2026-10.pdf", b"new") == "summaries/city-2026-10.pdf"
    assert list(storage_walk(storage)) == ["summaries/city-2026-10.pdf"]
    with storage.open("summaries/city-2026-10.pdf", "rb") as stored:
        assert stored.read() == b"new"


@pytest.mark.parametrize("where", ["disk", "object store"])
def test_walk_lists_every_file_under_a_folder_and_nothing_for_a_missing_one(where, object_store, tmp_path):
    storage = FileSystemStorage(location=tmp_path) if where == "disk" else object_store.storage()
    for name in ("a/1.pdf", "a/b/2.pdf", "c/3.pdf"):
        storage.save(name, ContentFile(b"x"))
    assert list(storage_walk(storage)) == ["a/1.pdf", "a/b/2.pdf", "c/3.pdf"]
    assert list(storage_walk(storage, "a")) == ["a/1.pdf", "a/b/2.pdf"]
    assert list(storage_walk(storage, "missing")) == []


@pytest.mark.parametrize("name", list(STAFF_DOWNLOADS))
def test_staff_download_streams_the_object_after_the_access_check(name, bucket_storage, object_store):
    stored = store_documents()
    url, _extension = STAFF_DOWNLOADS[name]
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = staff.get(url(stored))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content and content in [object_store.read(key) for key in object_store.object_keys("private/")]
    assert Client().get(url(stored)).status_code in (302, 403, 404)  # anonymous: never the file
    outsider = Client()
    outsider.force_login(job_seeker())
    assert outsider.get(url(stored)).status_code in (302, 403, 404)


def test_the_job_seekers_certificate_streams_from_the_object_store(bucket_storage):
    stored = store_documents()
    registration = stored["registration"]
    client = Client()
    client.force_login(job_seeker(person=registration.person))
    response = client.get(reverse("training:certificate_download", args=[registration.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_rendered_summary_pdf_is_one_object_however_often_it_is_rendered(city, object_store, monkeypatch):
    storage = object_store.storage()
    monkeypatch.setattr(Summary._meta.get_field("pdf"), "storage", storage)
    row = summaries._row_for(Period.month(2026, 10), summaries.CITY)
    summary = summaries.summary_build(summary_id=row.pk, pdf=False, now=at(2026, 11, 15))
    summaries.summary_render_pdf(summary=summary)
    summary = summaries.summary_render_pdf(summary=summary)
    assert summary.pdf.name == "summaries/city-2026-10.pdf"
    assert object_store.object_keys() == ["private/summaries/city-2026-10.pdf"]
    assert object_store.read("private/summaries/city-2026-10.pdf").startswith(b"%PDF")


def test_stale_spreadsheet_uploads_are_removed_from_the_object_store(object_store, monkeypatch):
    storage = object_store.storage()
    monkeypatch.setattr("disnaker.spreadsheets.flow.private_storage", lambda: storage)
    flow = PendingUpload(session_key="test-upload", folder="imports/test")
    now = at(2026, 11, 25)
    old = int((now - datetime.timedelta(days=2)).timestamp())
    fresh = int((now - datetime.timedelta(hours=1)).timestamp())
    storage.save(f"imports/test/{old}-a.xlsx", ContentFile(b"old"))
    storage.save(f"imports/test/{fresh}-b.xlsx", ContentFile(b"fresh"))
    assert flow.discard_stale(now=now) == 1
    assert object_store.object_keys() == [f"private/imports/test/{fresh}-b.xlsx"]


def test_media_backup_streams_the_objects_and_restores_them_into_the_store(object_store, settings, tmp_path):
    settings.STORAGES = settings.STORAGES | object_store.storages()
    private = object_store.storage("private")
    private.save("ktp/2026/a.pdf", ContentFile(PDF_BYTES))
    private.save("summaries/city-2026-10.pdf", ContentFile(b"%PDF-summary"))
    object_store.storage("default").save("logo.png", ContentFile(b"png"))
    media_root = tmp_path / "media"  # empty: nothing of the object store is on this host's disk
    archive = tmp_path / "media.tar.gz"

    files, size = backup._media_archive(media_root, archive, recipients=[])

    assert (files, size) == (3, len(PDF_BYTES) + len(b"%PDF-summary") + len(b"png"))
    with tarfile.open(archive, "r:gz") as tar:
        assert sorted(tar.getnames()) == ["logo.png", "private/ktp/2026/a.pdf", "private/summaries/city-2026-10.pdf"]
    client = object_store.client()
    for key in object_store.object_keys():
        client.delete_object(Bucket=object_store.bucket, Key=key)
    private.save("stray.pdf", ContentFile(b"left in place"))

    restored = backup._media_extract(archive, media_root)

    assert restored == (3, size, 1)
    assert object_store.read("private/ktp/2026/a.pdf") == PDF_BYTES
    assert object_store.read("media/logo.png") == b"png"
    assert not any(media_root.rglob("*.pdf"))


def test_media_archive_from_the_disk_is_unchanged_without_an_object_store(tmp_path):
    media_root = tmp_path / "media"
    (media_root / "private" / "ktp").mkdir(parents=True)
    (media_root / "private" / "ktp" / "a.pdf").write_bytes(PDF_BYTES)
    archive = tmp_path / "media.tar.gz"
    assert backup._media_archive(media_root, archive, recipients=[]) == (1, len(PDF_BYTES))
    with tarfile.open(archive, "r:gz") as tar:
        assert tar.getnames() == ["private/ktp/a.pdf"]
        assert tar.extractfile("private/ktp/a.pdf").read() == PDF_BYTES


def test_a_document_missing_from_the_object_store_answers_404(bucket_storage, object_store):
    stored = store_documents()
    registration = stored["registration"]
    object_store.client().delete_object(Bucket=object_store.bucket, Key=f"private/{registration.ktp_document.name}")
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert staff.get(reverse("training:staff_document", args=[registration.pk, "ktp"])).status_code == 404


def test_a_backup_of_one_hosts_media_root_restores_into_the_object_store(object_store, settings, tmp_path):
    """The way from one host to several: the archive's paths are the same on a disk and in the store."""
    media_root = tmp_path / "media"
    (media_root / "private" / "ktp" / "2026").mkdir(parents=True)
    (media_root / "private" / "ktp" / "2026" / "a.pdf").write_bytes(PDF_BYTES)
    archive = tmp_path / "media.tar.gz"
    backup._media_archive(media_root, archive, recipients=[])
    settings.STORAGES = settings.STORAGES | object_store.storages()

    assert backup._media_extract(archive, tmp_path / "empty") == (1, len(PDF_BYTES), 0)

    assert object_store.object_keys() == ["private/ktp/2026/a.pdf"]
    assert object_store.storage().open("ktp/2026/a.pdf").read() == PDF_BYTES


def test_the_ak1_card_embeds_the_photo_read_from_the_object_store(bucket_storage, object_store):
    import base64

    from placement.pdf import _photo_data_uri

    card = store_documents()["card"]
    photo = object_store.read(f"private/{card.photo.name}")
    assert _photo_data_uri(card) == "data:image/png;base64," + base64.b64encode(photo).decode()
