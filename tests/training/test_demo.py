"""``seed_demo`` with the training part: consistent demo data, and no duplicates when run again."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

from disnaker.models import Certification, Person
from training.models import (
    Attendance,
    Batch,
    ParticipantCertificate,
    Programme,
    Registration,
    TracerResponse,
    Vocation,
)

MODELS = (Vocation, Programme, Batch, Registration, Attendance, ParticipantCertificate, Certification, TracerResponse)


@pytest.fixture
def private_media(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(ParticipantCertificate._meta.get_field("pdf"), "storage", storage)
    return tmp_path / "private"


@pytest.fixture
def seeded(db, settings, private_media):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_creates_nothing_twice(seeded, private_media, capsys):
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert "pencaker pencaker@example.org" in capsys.readouterr().out
    files = [p for p in (private_media / "certificates").rglob("*") if p.is_file()]
    assert len(files) == first["ParticipantCertificate"]


def test_vocations_from_the_news_and_batches_open_now_with_apbd_and_apbn_funding(seeded):
    names = set(Vocation.objects.values_list("name", flat=True))
    assert {"Pengelasan", "Listrik", "Operator Forklift", "Menjahit", "Tata Rias", "Public Speaking"} <= names
    assert {"Bahasa Jepang", "Bahasa Korea"} <= names
    assert any("K3" in name for name in names)
    welding = Programme.objects.get(competency_scheme="Juru Las 3G SMAW")
    assert len(welding.unit_list) >= 5
    assert all(v.programmes.exists() for v in Vocation.objects.all())

    open_batches = Batch.objects.open_for_registration()
    assert open_batches.count() >= 8
    assert open_batches.filter(funding="apbd", quota=20, programme__name__icontains="soft skill").exists()
    assert open_batches.filter(funding="apbn", quota=16, programme__name__icontains="soft skill").exists()
    accessible = open_batches.get(is_accessible=True)
    assert (accessible.quota, accessible.programme.days, accessible.selection_method) == (20, 10, "first_come")
    assert "Braille" in accessible.accessibility_notes


def test_finished_batch_went_through_the_services_to_certificates_and_a_job_seeker(seeded, private_media):
    batch = Batch.objects.get(status="finished")
    registrations = batch.registrations.all()
    assert registrations.count() == 5
    assert set(registrations.values_list("status", flat=True)) == {"confirmed"}
    assert Attendance.objects.filter(registration__batch=batch).count() == 5 * len(batch.training_days)
    assert registrations.filter(outcome="graduated").count() == 4
    assert registrations.filter(outcome="dropped_out").count() == 1
    assert batch.seats_taken == 5
    competent = registrations.get(certification__isnull=False)
    assert competent.competency_result == "competent"
    assert competent.certification.issuer == "LSP Logam dan Mesin Indonesia"
    assert competent.tracer_responses.get(months_after=3).is_answered

    certificates = ParticipantCertificate.objects.all()
    assert certificates.count() == 4
    for certificate in certificates:
        assert certificate.generated_at is not None
        assert (private_media / certificate.pdf.name).read_bytes().startswith(b"%PDF")

    user = get_user_model().objects.get(username="pencaker@example.org")
    assert user.check_password("disnaker-demo") and not user.is_staff
    person = Person.objects.get(user=user)
    assert person.name == "Ahmad Fauzi"
    assert person.registrations.filter(batch__code="BLK-FORKLIFT-G1", status="registered").exists()
    assert person.registrations.filter(outcome="graduated").exists()
