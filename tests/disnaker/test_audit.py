"""The history names who changed what: a service's actor, a task's or command's system user or starter."""

import datetime
import inspect
import io
import time
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from disnaker import audit, services, summaries
from disnaker.models import EducationLevel, Kelurahan, NikClaim, Summary
from disnaker.periods import Period
from lpk_registry import services as lpk_services
from lpk_registry.models import Operator
from placement import cards
from placement import services as placement_services
from placement.models import Company, JobSeekerCard
from tests.factories import (
    BatchFactory,
    CompanyFactory,
    GraduateReportFactory,
    InstitutionFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    VacancyFactory,
    lpk_operator,
    make_nik,
)
from training import services as training_services
from training.models import TracerResponse

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 9, 10, 10, 0, tzinfo=WIB)  # registration of the batch below is open
SERVICE_MODULES = (services, summaries, training_services, placement_services, cards, lpk_services)


def history_models() -> list:
    return [model for model in apps.get_models() if hasattr(model, "instance_type")]


def history_marks() -> dict:
    return {model: max(model.objects.values_list("history_id", flat=True), default=0) for model in history_models()}


def rows_since(marks: dict) -> list:
    return [row for model, mark in marks.items() for row in model.objects.filter(history_id__gt=mark)]


# --- One case per service that takes an actor: prepare the rows, return the call -------------


def _batch(**kwargs):
    return BatchFactory(
        start_date=datetime.date(2026, 10, 5), end_date=datetime.date(2026, 10, 9),
        registration_opens=datetime.date(2026, 9, 1), registration_closes=datetime.date(2026, 9, 30), **kwargs,
    )  # fmt: skip


def _registration(status="registered", **kwargs):
    return RegistrationFactory(batch=kwargs.pop("batch", None) or _batch(), status=status, **kwargs)


def _graduate():
    return _registration("confirmed", outcome="graduated")


def _claim(**kwargs):
    user = UserFactory()
    return NikClaim.objects.create(
        user=user, nik=make_nik(serial=4242), name="Budi", sex="L", birth_date=datetime.date(1999, 4, 12),
        reason="-", **kwargs,
    )  # fmt: skip


def _nik_claim_link():
    claim = _claim()
    PersonFactory(nik=claim.nik, sex="L", birth_date=claim.birth_date)
    return lambda actor: services.nik_claim_link(claim=claim, actor=actor)


def _nik_claim_correct():
    claim = _claim()
    return lambda actor: services.nik_claim_correct(claim=claim, correct_nik=make_nik(serial=4243), actor=actor)


def _nik_claim_reject():
    claim = _claim()
    return lambda actor: services.nik_claim_reject(claim=claim, note="KTP lain", actor=actor)


def _registration_create():
    person, batch = PersonFactory(birth_date=datetime.date(2000, 5, 5)), _batch()
    return lambda actor: training_services.registration_create(person=person, batch=batch, actor=actor, now=NOW)


def _resident() -> dict:
    return {"kelurahan": Kelurahan.objects.first(), "education": EducationLevel.objects.get(code="sma")}


def _walk_in_register():
    batch, born = _batch(), datetime.date(2000, 5, 5)
    fields = {"name": "Siti Aminah", "sex": "P", "birth_date": born, **_resident()}
    nik = make_nik(sex="P", birth_date=born, serial=4244)
    return lambda actor: training_services.walk_in_register(
        nik=nik, person_fields=fields, batch=batch, actor=actor, now=NOW
    )


def _registration_verify():
    registration = _registration()
    return lambda actor: training_services.registration_verify(registration=registration, actor=actor)


def _registration_score():
    registration = _registration("verified")
    return lambda actor: training_services.registration_score(
        registration=registration, test_score=80, interview_score=75, actor=actor
    )


def _registration_accept():
    registration = _registration("verified")
    return lambda actor: training_services.registration_accept(registration=registration, actor=actor, now=NOW)


def _batch_select():
    registration = _registration("verified", test_score=90)
    return lambda actor: training_services.batch_select(batch=registration.batch, actor=actor, now=NOW)


def _registration_reject():
    registration = _registration("verified")
    return lambda actor: training_services.registration_reject(registration=registration, reason="Usia", actor=actor)


def _attendance_record():
    registration = _registration("confirmed")
    batch = registration.batch
    return lambda actor: training_services.attendance_record(
        batch=batch, day=batch.start_date, present_ids={registration.pk}, actor=actor
    )


def _batch_complete():
    batch = _registration("confirmed").batch
    finished = datetime.datetime(2026, 10, 9, 16, 0, tzinfo=WIB)
    return lambda actor: training_services.batch_complete(batch=batch, actor=actor, now=finished)


def _registration_set_outcome():
    registration = _registration("confirmed")
    return lambda actor: training_services.registration_set_outcome(
        registration=registration, outcome="graduated", actor=actor, now=NOW
    )


def _competency_record():
    registration = _graduate()
    return lambda actor: training_services.competency_record(
        registration=registration, result="competent", tested_on=datetime.date(2026, 10, 12),
        certificate_number="62090 2512 3 0001234 2026", issuer="LSP Las", actor=actor,
    )  # fmt: skip


def _tracer_answer():
    response = TracerResponse.objects.create(registration=_graduate(), months_after=3, requested_at=NOW)
    return lambda actor: training_services.tracer_answer(
        response=response, data={"status": "working", "company": "PT Krakatau"}, channel="phone", actor=actor
    )


def _batch_promote_reserves():
    batch = _batch(quota=1, reserve_seats=2, confirm_days=3)
    training_services.registration_accept(registration=_registration("verified", batch=batch), now=NOW)
    training_services.registration_accept(registration=_registration("verified", batch=batch), now=NOW)
    late = NOW + datetime.timedelta(days=5)
    return lambda actor: training_services.batch_promote_reserves(batch=batch, actor=actor, now=late)


def _company_verify():
    company = CompanyFactory(status=Company.Status.PENDING)
    return lambda actor: placement_services.company_verify(company=company, actor=actor, now=NOW)


def _company_reject():
    company = CompanyFactory(status=Company.Status.PENDING)
    return lambda actor: placement_services.company_reject(company=company, actor=actor, note="NIB palsu", now=NOW)


def _company_user_invite():
    company = CompanyFactory()
    return lambda actor: placement_services.company_user_invite(company=company, email="hr@baja.example", actor=actor)


VACANCY_FIELDS = ("title", "kbji_group", "kbji_code", "headcount", "location", "work_type")


def _vacancy_report():
    template = VacancyFactory.build(company=CompanyFactory())
    fields = {name: getattr(template, name) for name in VACANCY_FIELDS}
    dates = {"open_from": datetime.date(2026, 9, 7), "open_until": datetime.date(2026, 10, 7)}
    return lambda actor: placement_services.vacancy_report(
        company=template.company, actor=actor, now=NOW, **fields, **dates
    )


def _vacancy_update_status():
    vacancy = VacancyFactory()
    return lambda actor: placement_services.vacancy_update_status(vacancy=vacancy, status="selection", actor=actor)


def _placement_fields(serial: int) -> dict:
    return {
        "nik": make_nik(serial=serial), "name": "Joko", "position": "Welder",
        "start_date": datetime.date(2026, 9, 1), "contract_type": "contract",
    }  # fmt: skip


def _placement_report():
    company = CompanyFactory()
    return lambda actor: placement_services.placement_report(
        company=company, actor=actor, now=NOW, **_placement_fields(4245)
    )


def _placement_report_many():
    company, row = CompanyFactory(), placement_services.PlacementRow(row=2, **_placement_fields(4246))
    return lambda actor: placement_services.placement_report_many(company=company, actor=actor, rows=[row], now=NOW)


def _layoff_report():
    company = CompanyFactory()
    return lambda actor: placement_services.layoff_report(
        company=company, date=datetime.date(2026, 9, 1), count=3, reason="Efisiensi", actor=actor, now=NOW
    )


def _card(status="applied", **kwargs):
    return JobSeekerCard.objects.create(
        person=PersonFactory(), status=status, education_history="SMK", skills="Las",
        photo="ak1/foto.png", ktp_document="ak1/ktp.pdf", diploma_document="ak1/ijazah.pdf", **kwargs,
    )  # fmt: skip


def _card_request_revision():
    card = _card()
    return lambda actor: cards.card_request_revision(card=card, note="Foto buram", actor=actor)


def _card_reject():
    card = _card()
    return lambda actor: cards.card_reject(card=card, reason="Bukan pemohon", actor=actor)


def _card_approve():
    card = _card()
    return lambda actor: cards.card_approve(card=card, actor=actor, now=NOW)


def _card_rereport():
    card = _card(
        "active",
        number="AK1/3672/2026/000001",
        issued_on=datetime.date(2026, 3, 1),
        valid_until=datetime.date(2028, 3, 1),
    )
    return lambda actor: cards.card_rereport(card=card, channel="desk", still_looking=True, actor=actor, now=NOW)


def _operator_invite():
    institution = InstitutionFactory()
    return lambda actor: lpk_services.operator_invite(institution=institution, email="op@lpk.example", actor=actor)


def _operator_deactivate():
    operator = Operator.objects.get(user=lpk_operator())
    return lambda actor: lpk_services.operator_deactivate(operator=operator, actor=actor)


def _report_create():
    institution = InstitutionFactory()
    return lambda actor: lpk_services.report_create(institution=institution, year=2026, quarter=3, actor=actor)


def _report_replace_content():
    report = GraduateReportFactory()
    row = lpk_services.GraduateRow(
        nik=make_nik(serial=4247), name="Lulusan Baru", sex="L", programme="Las", status="working"
    )
    content = lpk_services.ReportContent(graduates=[row])  # a new NIK: its person's history is written in bulk
    return lambda actor: lpk_services.report_replace_content(report=report, content=content, actor=actor)


def _report_with_a_line(status="draft"):
    report = GraduateReportFactory(status=status)
    report.programme_lines.create(programme="Las", enrolled_male=1, graduates_male=1)
    return report


def _report_submit():
    report = _report_with_a_line()
    return lambda actor: lpk_services.report_submit(report=report, actor=actor, now=NOW)


def _report_return():
    report = _report_with_a_line("submitted")
    return lambda actor: lpk_services.report_return(report=report, comment="Lengkapi", actor=actor, now=NOW)


def _report_accept():
    report = _report_with_a_line("submitted")
    return lambda actor: lpk_services.report_accept(report=report, actor=actor, now=NOW)


def services_taking_an_actor() -> dict:
    found = {}
    for module in SERVICE_MODULES:
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found[name] = function
    return found


def test_every_service_taking_an_actor_is_audited():
    taking = services_taking_an_actor()
    assert len(taking) >= 35
    assert [name for name, function in taking.items() if not getattr(function, "audited", False)] == []


@pytest.mark.parametrize("name", sorted(services_taking_an_actor()))
def test_every_history_row_a_service_writes_names_its_actor(name):
    prepare = globals().get(f"_{name}")
    assert prepare is not None, f"a new service: add its case _{name} to this file"
    call = prepare()
    actor = UserFactory(is_staff=True)
    marks = history_marks()
    call(actor)  # no request: without the audit these rows would name nobody
    written = rows_since(marks)
    assert written, f"{name} wrote no history row"
    assert {(type(row).__name__, row.history_user_id) for row in written} == {
        (type(row).__name__, actor.pk) for row in written
    }


def test_inside_a_task_a_service_names_its_actor_and_the_task_own_work_the_system_user():
    registration, actor = _registration(), UserFactory(is_staff=True)
    with audit.acting_as_system():
        training_services.registration_verify(registration=registration, actor=actor)
        training_services.registration_accept(registration=registration, now=NOW)  # no actor given
    system = get_user_model().objects.get(username="sistem")
    assert [row.history_user for row in registration.history.order_by("history_id")] == [None, actor, system]


# --- The helper itself --------------------------------------------------------------------


def test_every_history_of_every_model_asks_the_audit_who_acts():
    staff = UserFactory(is_staff=True)
    with audit.acting_as(staff):
        named = {model.__name__: model.get_default_history_user(model.instance_type()) for model in history_models()}
    assert len(named) >= 28
    assert set(named.values()) == {staff}


def test_acting_as_nobody_keeps_the_outer_actor_and_the_inner_actor_wins():
    outer, inner = UserFactory(), UserFactory()
    person = PersonFactory()
    with audit.acting_as(outer):
        with audit.acting_as(None):
            person.save()
        assert person.history.latest().history_user == outer
        with audit.acting_as(inner):
            person.save()
        assert person.history.latest().history_user == inner
        person.save()
    assert person.history.latest().history_user == outer
    person.save()
    assert person.history.latest().history_user is None  # no request, nobody acting


def test_the_system_user_cannot_log_in_and_is_made_once():
    with audit.acting_as_system():
        first = PersonFactory()
        second = PersonFactory()
    system = first.history.get().history_user
    assert system.username == audit.SYSTEM_USERNAME == "sistem"
    assert second.history.get().history_user == system
    assert not system.has_usable_password() and not system.is_staff and not system.is_superuser
    assert not system.is_active
    assert authenticate(RequestFactory().post("/"), username="sistem", password="") is None


def test_current_actor_id_is_whom_the_history_would_name():
    staff = UserFactory(is_staff=True)
    assert audit.current_actor_id() is None
    with audit.acting_as_system():
        assert audit.current_actor_id() is None  # a task's own work: its tasks act as the system too
        with audit.acting_as(staff):
            assert audit.current_actor_id() == staff.pk


# --- Celery tasks and management commands -------------------------------------------------


def _expired_card():
    return _card("active", number="AK1/3672/2020/000001", issued_on=datetime.date(2020, 1, 2),
                 valid_until=datetime.date(2022, 1, 2))  # fmt: skip


def test_a_task_run_eagerly_names_the_system_user(eager):
    from placement.tasks import cards_expire

    card = _expired_card()
    assert cards_expire.delay().get() == 1
    row = card.history.latest()
    assert row.status == "expired" and row.history_user.username == "sistem"


@pytest.fixture
def summary_files(tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(Summary._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path))


def test_a_build_the_admin_queues_names_the_staff_member_who_asked(
    admin_client, admin_user, summary_files, eager, django_capture_on_commit_callbacks
):
    summary = summaries._row_for(Period.month(2026, 10), summaries.CITY)
    marks = history_marks()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:disnaker_summary_changelist"), {"action": "rebuild", "_selected_action": [summary.pk]}
        )
    summary.refresh_from_db()
    assert summary.state == Summary.State.DONE and summary.pdf
    states = {(row.state, row.history_user) for row in rows_since(marks)}
    assert {state for state, _user in states} >= {"queued", "running", "done"}  # the task's rows too
    assert {user for _state, user in states} == {admin_user}


def test_a_command_names_the_system_user_or_the_staff_member_given():
    call_command("build_summaries", "--period", "2026-10", "--no-pdf", stdout=io.StringIO())
    summary = Summary.objects.get()
    assert {row.history_user.username for row in summary.history.all()} == {"sistem"}
    staff = UserFactory(is_staff=True, username="petugas")
    call_command(
        "build_summaries", "--period", "2026-10", "--no-pdf", "--force", "--actor", "petugas", stdout=io.StringIO()
    )
    assert summary.history.latest().history_user == staff
    with pytest.raises(CommandError, match="No active staff member"):
        call_command("build_summaries", "--period", "2026-10", "--actor", "nobody")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_task_run_by_the_real_worker_names_the_system_user(postgres, celery_worker):
    from placement.tasks import cards_expire

    card = _expired_card()
    assert cards_expire.delay().get(timeout=60) == 1
    row = JobSeekerCard.history.get(id=card.pk, status="expired")  # the worker's row, whatever its clock
    assert row.history_user.username == "sistem"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_build_queued_by_staff_and_run_by_the_real_worker_names_them(postgres, celery_worker):
    staff = UserFactory(is_staff=True)
    with audit.acting_as(staff):
        summary = summaries.summary_request(period=Period.month(2026, 10))  # queued when it commits
    result = None
    for _attempt in range(600):
        result = Summary.objects.get(pk=summary.pk)
        if result.state in (Summary.State.DONE, Summary.State.FAILED):
            break
        time.sleep(0.2)
    assert result.state == Summary.State.DONE, result.error
    users = {row.history_user for row in Summary.history.filter(id=summary.pk)}
    assert users == {staff}
    assert Summary.history.filter(id=summary.pk, state="running").exists()  # written by the worker
