"""Demo data of the placement part, after Cilegon's industries (steel, chemicals, port, power, hotels).

Companies across KBLI sections, all verified but one waiting; an HR login for the steel company;
open vacancies for welders (Juru Las 3G SMAW) and K3 (Ahli K3 Umum); the placement of a BLK
graduate of the training demo, reported through the service; an apprenticeship in Japan with two
participants; a layoff report. AK/1 cards come from the AK/1 demo. Idempotent: companies by NIB,
the rest by company and a natural key.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from disnaker.demo import DEMO_PASSWORD, PEOPLE, demo_nik
from disnaker.models import EducationLevel, KbjiMajorGroup, KbliSection, Kelurahan, Person
from training.selectors import alumni_search

from . import services
from .models import Apprenticeship, Company, CompanyUser, LayoffReport, Placement, Vacancy

HR_EMAIL = "hrd@krakatau-demo.example"
STEEL = "PT Krakatau Baja Demo"

COMPANIES = [
    # name, NIB, KBLI section, KBLI code, size, kelurahan, verified
    (STEEL, "9120100000001", "C", "24101", "large", "Kotasari", True),
    ("PT Kimia Petro Cilegon Demo", "9120100000002", "C", "20119", "large", "Gunung Sugih", True),
    ("PT Pelabuhan Ciwandan Demo", "9120100000003", "H", "52221", "large", "Kepuh", True),
    ("PT Pembangkit Listrik Suralaya Demo", "9120100000004", "D", "35101", "large", "Suralaya", True),
    ("Hotel Anyer Cilegon Demo", "9120100000005", "I", "55110", "medium", "Jombang Wetan", True),
    ("CV Konstruksi Baja Banten Demo", "9120100000006", "F", "41011", "small", "Citangkil", False),
]

VACANCIES = [
    # company, title, KBJI group, KBJI code, headcount, education, certification, max age, extra
    (STEEL, "Juru Las (Welder) 3G SMAW", "7", "7212", 10, "smk", "Juru Las 3G SMAW", 35, {"wage_min": 5_200_000}),
    (STEEL, "Ahli K3 Umum", "3", "3257", 2, "d3", "Ahli K3 Umum", None, {"wage_min": 6_000_000, "wage_max": 8_500_000}),
    ("PT Kimia Petro Cilegon Demo", "Petugas K3 Shift", "3", "3257", 3, "d3", "Ahli K3 Umum", 40, {}),
    ("PT Pelabuhan Ciwandan Demo", "Operator Forklift", "8", "8344", 4, "sma", "Operator Forklift", 40, {}),
    ("Hotel Anyer Cilegon Demo", "Pramusaji (Waiter)", "5", "5131", 3, "sma", "", 30, {"work_type": "contract"}),
]  # fmt: skip


def seed(*, log) -> None:
    today = timezone.localdate()
    companies = {row[0]: _company(*row) for row in COMPANIES}
    steel = companies[STEEL]
    _hr_login(steel, log=log)
    vacancies = [_vacancy(companies[row[0]], *row[1:], today=today) for row in VACANCIES]
    _placement_of_graduate(steel, vacancies[0], today=today)
    _apprenticeship(companies["PT Kimia Petro Cilegon Demo"], today=today)
    _layoff(companies["PT Pelabuhan Ciwandan Demo"], today=today)


def _company(name, nib, section, kbli, size, kelurahan, verified) -> Company:
    company, _created = Company.objects.get_or_create(
        nib=nib,
        defaults={
            "name": name,
            "kbli_section": KbliSection.objects.get(section=section),
            "kbli_code": kbli,
            "size": size,
            "address": f"Jl. Industri Demo, {kelurahan}, Cilegon",
            "kelurahan": Kelurahan.objects.filter(name=kelurahan).first(),
            "phone": "0254 000000",
            "email": f"info{nib[-2:]}@demo-perusahaan.example",
            "contact_name": "Bagian HRD",
            "status": Company.Status.VERIFIED if verified else Company.Status.PENDING,
            "verified_at": timezone.now() if verified else None,
        },
    )
    return company


def _hr_login(company: Company, *, log) -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=HR_EMAIL, defaults={"email": HR_EMAIL, "first_name": "HRD"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    CompanyUser.objects.get_or_create(user=user, defaults={"company": company})
    log(f"  hrd    {HR_EMAIL:<21} / {DEMO_PASSWORD:<14} HRD {company.name}")


def _vacancy(company, title, kbji, kbji_code, headcount, education, certification, max_age, extra, *, today):
    vacancy = Vacancy.objects.filter(company=company, title=title).first()
    if vacancy is not None:
        return vacancy
    fields = {
        "title": title,
        "kbji_group": KbjiMajorGroup.objects.get(code=kbji),
        "kbji_code": kbji_code,
        "description": f"{company.name} membutuhkan {title} untuk penempatan di Cilegon.",
        "headcount": headcount,
        "open_from": today - datetime.timedelta(days=5),
        "open_until": today + datetime.timedelta(days=25),
        "min_age": 18,
        "max_age": max_age,
        "min_education": EducationLevel.objects.get(code=education),
        "required_certification": certification,
        "location": "Cilegon, Banten",
        "work_type": "contract",
        "local_residents_only": True,
    } | extra
    return services.vacancy_report(company=company, actor=None, **fields)


def _placement_of_graduate(company: Company, vacancy: Vacancy, *, today) -> None:
    graduation = alumni_search(scheme="Juru Las 3G", today=today).first()
    if graduation is None:  # the training demo made no welding graduates
        return
    person = graduation.person
    if Placement.objects.filter(company=company, person=person).exists():
        return
    services.placement_report(
        company=company, actor=None, nik=person.nik, name=person.name, position="Juru Las 3G SMAW",
        start_date=today - datetime.timedelta(days=14), contract_type="contract", wage_band="4to6", vacancy=vacancy,
    )  # fmt: skip


def _apprenticeship(company: Company, *, today) -> None:
    programme = "Pemagangan Industri Kimia di Jepang (IM Japan)"
    apprenticeship, _created = Apprenticeship.objects.get_or_create(
        company=company,
        programme=programme,
        defaults={
            "destination": Apprenticeship.Destination.JAPAN,
            "duration_months": 12,
            "start_date": today + datetime.timedelta(days=60),
        },
    )
    if not apprenticeship.participants.exists():
        niks = [demo_nik(i, sex, born) for i, (_name, sex, born, *_rest) in enumerate(PEOPLE) if i in (0, 3)]
        people = Person.objects.filter(nik__in=niks)
        apprenticeship.participants.add(*people)


def _layoff(company: Company, *, today) -> None:
    if LayoffReport.objects.filter(company=company).exists():
        return
    services.layoff_report(
        company=company,
        date=today - datetime.timedelta(days=30),
        count=12,
        reason="Pengurangan bongkar muat; kontrak pekerja harian tidak diperpanjang.",
        actor=None,
    )
