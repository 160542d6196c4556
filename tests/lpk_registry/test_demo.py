"""``seed_demo`` with the LPK registry: the 30 LPKs of the supervision event, reports in every
status made by the services, operator logins, and nothing new on a second run."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.utils import timezone

from disnaker.models import Person
from disnaker.nik import parse_nik
from lpk_registry import compliance
from lpk_registry.models import (
    Accreditation,
    GraduateReport,
    Institution,
    Licence,
    Operator,
    ReportEvent,
    ReportGraduate,
    ReportProgrammeLine,
    SupervisionActivity,
    SupervisionParticipation,
)
from training.models import ParticipantCertificate

MODELS = (
    Institution, Licence, Accreditation, SupervisionActivity, SupervisionParticipation, Operator, GraduateReport,
    ReportProgrammeLine, ReportGraduate, ReportEvent, Person, get_user_model(),
)  # fmt: skip


@pytest.fixture
def private_media(tmp_path, monkeypatch):
    """The training seeder renders certificate PDFs: into a temporary folder, not MEDIA_ROOT."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(ParticipantCertificate._meta.get_field("pdf"), "storage", storage)


@pytest.fixture
def seeded(db, settings, private_media):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_creates_nothing_new(seeded):
    first = _counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == first
    assert "  lpk    operator@lpk-bina-teknik.example / disnaker-demo  LPK Bina Teknik Cilegon" in out.getvalue()


def test_thirty_lpks_of_cilegon_at_the_supervision_event_with_60_participants(seeded):
    institutions = Institution.objects.all()
    assert institutions.count() == 30
    names = set(institutions.values_list("name", flat=True))
    assert {"LPK Bina Teknik Cilegon", "LPK Sakura Nihongo", "LPK Krakatau Welding School"} <= names
    assert len(set(institutions.values_list("legal_form", flat=True))) >= 4
    assert institutions.filter(kelurahan__isnull=True).count() == 0
    assert len(set(institutions.values_list("kelurahan", flat=True))) >= 20
    assert all(len(nib) == 13 and nib.isdigit() for nib in institutions.values_list("nib", flat=True))

    activity = SupervisionActivity.objects.get(title="Pembinaan LPK Kota Cilegon")
    assert activity.participations.count() == 30
    assert sum(activity.participations.values_list("headcount", flat=True)) == 60


def test_licences_some_expiring_one_expired_and_la_lpk_accreditations(seeded):
    today = timezone.localdate()
    assert Licence.objects.expiring_within(90).count() >= 3
    assert Licence.objects.filter(valid_until__lt=today).count() == 1
    accreditations = Accreditation.objects.all()
    assert accreditations.count() >= 15
    assert set(accreditations.values_list("body", flat=True)) == {"LA-LPK"}
    assert set(accreditations.values_list("result", flat=True)) == {"A", "B", "Terakreditasi"}
    assert Accreditation.objects.expiring_within(90).exists()


def test_reports_in_every_status_made_through_the_services(seeded):
    statuses = set(GraduateReport.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "accepted"}
    returned = GraduateReport.objects.filter(status="returned").first()
    assert returned.review_comment and returned.events.filter(action="returned", comment__gt="").exists()
    accepted = GraduateReport.objects.filter(status="accepted").first()
    assert [e.action for e in accepted.events.all()] == ["submitted", "accepted"]
    for report in GraduateReport.objects.prefetch_related("programme_lines", "graduates"):
        lines, graduates = list(report.programme_lines.all()), list(report.graduates.all())
        assert lines and graduates
        assert sum(line.graduates for line in lines) == len(graduates)
    assert not GraduateReport.objects.filter(submitted_at__gt=timezone.now()).exists()
    # the overdue list and the review queue have something in them
    assert compliance.overdue().exists()
    assert GraduateReport.objects.filter(status="submitted").count() >= 5


def test_graduates_have_valid_cilegon_niks_that_match_their_sex(seeded):
    graduates = ReportGraduate.objects.select_related("person")
    assert graduates.count() >= 100
    for graduate in graduates:
        info = parse_nik(graduate.nik)
        assert graduate.nik.startswith("3672") and 1 <= int(info.district_code) <= 8
        assert info.sex == graduate.sex == graduate.person.sex
        assert graduate.person.birth_date == info.birth_date


def test_operators_can_log_in_with_the_demo_password(seeded):
    assert "operator@lpk-sakura-nihongo.example / disnaker-demo  LPK Sakura Nihongo" in seeded
    for operator in Operator.objects.select_related("user", "institution"):
        assert operator.is_active and not operator.user.is_staff
        assert operator.user.check_password("disnaker-demo")
    assert Operator.objects.get(user__email="operator@lpk-bina-teknik.example").institution.name == (
        "LPK Bina Teknik Cilegon"
    )
