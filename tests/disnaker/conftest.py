"""A small city with known answers for the periodic summaries: October 2026 and the third quarter."""

import datetime
import zoneinfo

import pytest
from django.core.files.storage import FileSystemStorage

from disnaker.models import Kelurahan, Summary
from lpk_registry.models import (
    GraduateReport,
    ReportEvent,
    ReportGraduate,
    ReportProgrammeLine,
    SupervisionActivity,
    SupervisionParticipation,
)
from placement.models import Apprenticeship, JobSeekerCard, LayoffReport, Placement
from tests.conftest import free_port
from tests.factories import (
    BatchFactory,
    CompanyFactory,
    InstitutionFactory,
    LicenceFactory,
    PersonFactory,
    ProgrammeFactory,
    VacancyFactory,
    VocationFactory,
    make_nik,
)
from training.models import Registration, TracerResponse

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.date(2026, 11, 15)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker on a port nothing listens on."""
    from disnaker.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    # The connection and producer pools were made for the former broker: new ones for this one.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def summary_files(tmp_path, monkeypatch):
    """Summary PDFs go to a temporary folder instead of MEDIA_ROOT."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Summary._meta.get_field("pdf"), "storage", storage)
    return storage


def _person(serial, sex, kelurahan, disability="", birth=datetime.date(1999, 4, 12)):
    return PersonFactory(
        nik=make_nik(sex=sex, birth_date=birth, serial=serial), sex=sex, birth_date=birth,
        kelurahan=kelurahan, disability=disability,
    )  # fmt: skip


@pytest.fixture
def city(db):
    """The rows behind the figures; the expected answers are written out in the tests."""
    k_a, k_b = _two_kecamatan()
    people = {
        "p1": _person(101, "L", k_a),
        "p2": _person(102, "P", k_b, disability="netra"),
        "p3": _person(103, "L", None),
        "p4": _person(104, "P", k_a),
        "p5": _person(105, "L", k_a),
    }
    training = _training(people)
    lpk = _lpk(people)
    placement = _placement(people)
    return {"kecamatan_a": k_a.kecamatan.name, "kecamatan_b": k_b.kecamatan.name, **people, **training, **lpk,
            **placement}  # fmt: skip


def _two_kecamatan():
    first = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code").first()
    other = Kelurahan.objects.select_related("kecamatan").exclude(kecamatan=first.kecamatan).order_by("code").first()
    return first, other


def _training(p):
    welding = VocationFactory(code="las", name="Pengelasan")
    safety = VocationFactory(code="k3", name="K3")
    las, k3 = ProgrammeFactory(vocation=welding), ProgrammeFactory(vocation=safety)

    def batch(programme, start, funding, status="running"):
        return BatchFactory(
            programme=programme, start_date=start, end_date=start + datetime.timedelta(days=20), funding=funding,
            status=status, registration_opens=start - datetime.timedelta(days=40),
            registration_closes=start - datetime.timedelta(days=5),
        )  # fmt: skip

    b1 = batch(las, datetime.date(2026, 10, 5), "apbd")
    b2 = batch(k3, datetime.date(2026, 10, 12), "apbn")
    b3 = batch(las, datetime.date(2026, 9, 1), "apbd", status="finished")
    batch(k3, datetime.date(2026, 10, 20), "apbd", status="cancelled")

    def register(person, batch, created, status, **extra):
        return Registration.objects.create(person=person, batch=batch, created_at=created, status=status, **extra)

    r1 = register(
        p["p1"], b1, at(2026, 10, 3), "confirmed", outcome="graduated", completed_at=at(2026, 10, 30),
        competency_result="competent", competency_tested_on=datetime.date(2026, 10, 31),
    )  # fmt: skip
    r2 = register(p["p2"], b2, at(2026, 10, 31, 23, 30), "confirmed")  # still October in Jakarta
    register(p["p3"], b1, at(2026, 11, 1, 0, 30), "registered")  # already November in Jakarta
    r4 = register(
        p["p4"], b3, at(2026, 8, 20), "confirmed", outcome="graduated", completed_at=at(2026, 10, 1, 8),
        competency_result="competent", competency_tested_on=datetime.date(2026, 11, 2),
    )  # fmt: skip
    r5 = register(p["p5"], b2, at(2026, 10, 10), "rejected", reason="Tidak memenuhi syarat")

    def tracer(registration, requested, status="", answered=True):
        TracerResponse.objects.create(
            registration=registration, months_after=3, requested_at=requested, status=status,
            answered_at=requested + datetime.timedelta(days=2) if answered else None,
        )  # fmt: skip

    tracer(r4, at(2026, 10, 2), "working")
    tracer(r1, at(2026, 10, 3), answered=False)
    tracer(r2, at(2026, 10, 4), "self_employed")
    tracer(r5, at(2026, 10, 5), "not_working")
    # September's request (r4 at +6 months) belongs to another period and milestone.
    TracerResponse.objects.create(registration=r4, months_after=6, requested_at=at(2026, 9, 2), status="working",
                                  answered_at=at(2026, 9, 3))  # fmt: skip
    return {"r1": r1, "r2": r2, "r4": r4, "r5": r5}


def _lpk(p):
    """Q3 2026 (due 15 Oct 2026): three institutions owe it, two delivered, one on time."""
    licensed = [LicenceFactory(issued_on=datetime.date(2024, 1, 15)).institution for _ in range(3)]
    on_time, late, missing = licensed
    LicenceFactory(institution=InstitutionFactory(), issued_on=datetime.date(2026, 10, 2))  # licensed after Q3
    closed = InstitutionFactory(status="closed")
    LicenceFactory(institution=closed, issued_on=datetime.date(2024, 1, 15))

    def report(institution, status, first_submitted):
        report = GraduateReport.objects.create(
            institution=institution, year=2026, quarter=3, status=status, submitted_at=first_submitted
        )
        if first_submitted:
            ReportEvent.objects.create(report=report, action="submitted", at=first_submitted)
        return report

    r_on_time = report(on_time, "accepted", at(2026, 10, 10))
    r_late = report(late, "submitted", at(2026, 10, 20))
    r_draft = report(missing, "draft", None)
    line = ReportProgrammeLine.objects.create
    line(report=r_on_time, programme="Las", enrolled_male=5, enrolled_female=3, graduates_male=2, graduates_female=1)
    line(report=r_late, programme="Jepang", enrolled_male=1, enrolled_female=1, graduates_female=1)
    line(report=r_draft, programme="Tata rias", enrolled_female=9, graduates_female=9)

    def graduate(report, person, status, certified):
        ReportGraduate.objects.create(
            report=report, person=person, nik=person.nik, name=person.name, sex=person.sex, programme="Las",
            certified=certified, status=status,
        )  # fmt: skip

    graduate(r_on_time, p["p1"], "working", True)
    graduate(r_on_time, p["p2"], "self_employed", False)
    graduate(r_late, p["p4"], "not_working", True)
    graduate(r_draft, p["p5"], "working", True)

    guidance = SupervisionActivity.objects.create(date=datetime.date(2026, 8, 12), title="Pembinaan", kind="guidance")
    SupervisionParticipation.objects.create(activity=guidance, institution=on_time, headcount=2)
    SupervisionParticipation.objects.create(activity=guidance, institution=late, headcount=3)
    later = SupervisionActivity.objects.create(date=datetime.date(2026, 10, 12), title="Monitoring", kind="visit")
    SupervisionParticipation.objects.create(activity=later, institution=late, headcount=1)
    return {}


def _placement(p):
    def card(person, status, issued=None, valid=None, number=None):
        return JobSeekerCard.objects.create(
            person=person, status=status, issued_on=issued, valid_until=valid, number=number,
            education_history="SMA 2017", photo="x.png", ktp_document="k.pdf", diploma_document="d.pdf",
        )  # fmt: skip

    card(p["p1"], "active", datetime.date(2026, 10, 5), datetime.date(2028, 10, 5), "3672/AK1/2026/000001")
    card(p["p2"], "expired", datetime.date(2024, 10, 20), datetime.date(2026, 10, 20), "3672/AK1/2024/000009")
    card(p["p4"], "active", datetime.date(2025, 1, 1), datetime.date(2027, 1, 1), "3672/AK1/2025/000003")
    card(p["p5"], "applied")

    steel = CompanyFactory()  # KBLI C
    from disnaker.models import KbjiMajorGroup, KbliSection

    hotel = CompanyFactory(kbli_section=KbliSection.objects.get(section="I"), kbli_code="55110")
    service_workers = KbjiMajorGroup.objects.get(code="5")
    VacancyFactory(company=steel, headcount=5, reported_at=at(2026, 10, 6))
    VacancyFactory(company=hotel, headcount=3, kbji_group=service_workers, reported_at=at(2026, 10, 7))
    VacancyFactory(company=steel, headcount=10, reported_at=at(2026, 9, 30))

    def placed(person, company, source, local, reported):
        Placement.objects.create(
            company=company, person=person, nik=person.nik, name=person.name, position="Operator",
            start_date=reported.date(), contract_type="contract", source=source, is_local_resident=local,
            reported_at=reported,
        )  # fmt: skip

    placed(p["p1"], steel, "blk", True, at(2026, 10, 8))
    placed(p["p3"], hotel, "other", False, at(2026, 10, 9))
    placed(p["p4"], steel, "lpk", True, at(2026, 10, 10))
    placed(p["p5"], steel, "ak1", True, at(2026, 11, 3))

    japan = Apprenticeship.objects.create(
        company=steel, programme="Magang Jepang", destination="japan", duration_months=12,
        start_date=datetime.date(2026, 10, 1), status="running",
    )  # fmt: skip
    japan.participants.add(p["p1"], p["p5"])
    Apprenticeship.objects.create(company=steel, programme="Batal", destination="domestic", duration_months=6,
                                  start_date=datetime.date(2026, 10, 2), status="cancelled")  # fmt: skip
    Apprenticeship.objects.create(company=hotel, programme="Hotel", destination="domestic", duration_months=6,
                                  start_date=datetime.date(2026, 9, 2), status="running")  # fmt: skip

    LayoffReport.objects.create(company=hotel, date=datetime.date(2026, 10, 15), count=12, reason="Efisiensi")
    LayoffReport.objects.create(company=steel, date=datetime.date(2026, 10, 20), count=3, reason="Kontrak habis")
    LayoffReport.objects.create(company=steel, date=datetime.date(2026, 11, 2), count=40, reason="Efisiensi")
    return {"steel": steel, "hotel": hotel}
