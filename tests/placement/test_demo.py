"""The placement demo: companies, HR login, vacancies, a graduate's placement; idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage

from placement import demo
from placement.models import Apprenticeship, Company, CompanyUser, LayoffReport, Placement, Vacancy
from training.models import ParticipantCertificate

MODELS = (Company, CompanyUser, Vacancy, Placement, Apprenticeship, LayoffReport)


@pytest.fixture
def seeded(db, settings, tmp_path, monkeypatch):
    from django.core.management import call_command

    settings.DEBUG = True
    monkeypatch.setattr(
        ParticipantCertificate._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path / "private")
    )
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_makes_companies_vacancies_and_the_hr_login(seeded):
    assert demo.HR_EMAIL in seeded
    assert Company.objects.filter(status="pending").count() == 1
    assert Company.objects.filter(status="verified").count() == len(demo.COMPANIES) - 1
    assert len(set(Company.objects.values_list("kbli_section__section", flat=True))) >= 4
    hr = get_user_model().objects.get(username=demo.HR_EMAIL)
    assert hr.check_password("disnaker-demo") and hr.company_user.company.name == demo.STEEL
    schemes = set(Vacancy.objects.values_list("required_certification", flat=True))
    assert {"Juru Las 3G SMAW", "Ahli K3 Umum"} <= schemes


def test_demo_places_a_blk_graduate_and_sends_two_to_japan(seeded):
    placement = Placement.objects.get()
    assert placement.source == "blk" and placement.company.name == demo.STEEL
    apprenticeship = Apprenticeship.objects.get()
    assert apprenticeship.destination == "japan" and apprenticeship.participants.count() == 2
    assert LayoffReport.objects.count() == 1


def test_demo_runs_twice_without_duplicates(seeded):
    before = _counts()
    demo.seed(log=lambda line: None)
    assert _counts() == before
