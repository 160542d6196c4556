"""Celery tasks of the training part: e-mails, the daily beat jobs, and certificates on a real worker."""

import datetime
import time

import pytest
from django.utils import timezone

from disnaker.celery import app
from tests.factories import BatchFactory, PersonFactory, RegistrationFactory
from training import services, tasks
from training.models import (
    Batch,
    ParticipantCertificate,
    Registration,
    RegistrationStatus,
    TracerResponse,
)

TODAY = datetime.date(2026, 11, 25)
NOON = timezone.make_aware(datetime.datetime(2026, 11, 25, 12, 0))


def _registration(status="registered", **kwargs):
    return RegistrationFactory(
        **{
            "status": status,
            "person__name": "Siti Aminah",
            "person__email": "siti@example.org",
            "batch__code": "BLK-2026-LAS-07",
            "batch__programme__name": "Pengelasan SMAW Posisi 3G",
            "batch__start_date": datetime.date(2026, 12, 7),
            "batch__end_date": datetime.date(2026, 12, 31),
            **kwargs,
        }
    )


# --- registration_notify --------------------------------------------------------------------


@pytest.mark.django_db
def test_accepted_email_gives_the_confirm_by_date_and_the_link(settings, mailoutbox):
    settings.PORTAL_BASE_URL = "https://portal.example"
    registration = _registration(RegistrationStatus.ACCEPTED, confirm_by=datetime.date(2026, 12, 1))
    assert tasks.registration_notify(registration.pk, "accepted") is True
    [message] = mailoutbox
    assert message.to == ["siti@example.org"]
    assert "Diterima" in message.subject and "1 Desember 2026" in message.subject
    assert "Pengelasan SMAW Posisi 3G" in message.subject
    assert "Yth. Siti Aminah," in message.body
    assert "paling lambat 1 Desember 2026" in message.body
    assert "https://portal.example/akun/pelatihan/" in message.body
    assert "7 Desember 2026 s.d. 31 Desember 2026" in message.body
    assert "\n\n\n" not in message.body


@pytest.mark.django_db
def test_reserve_email_gives_the_rank(mailoutbox):
    registration = _registration(RegistrationStatus.RESERVE, reserve_rank=3)
    tasks.registration_notify(registration.pk, "reserve")
    [message] = mailoutbox
    assert "nomor 3" in message.subject
    assert "Anda berada di urutan ke-3 daftar cadangan" in message.body


@pytest.mark.django_db
def test_rejected_email_gives_the_reason_and_the_catalogue(mailoutbox):
    registration = _registration(RegistrationStatus.REJECTED, reason="Ijazah terakhir belum dilampirkan.")
    tasks.registration_notify(registration.pk, "rejected")
    [message] = mailoutbox
    assert "Tidak diterima" in message.subject or "tidak diterima" in message.subject
    assert "Alasan: Ijazah terakhir belum dilampirkan." in message.body
    assert "/pelatihan/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (
            "registered",
            "Pendaftaran Anda untuk pelatihan Pengelasan SMAW Posisi 3G (angkatan BLK-2026-LAS-07) sudah kami terima",
        ),
        ("verified", "Dokumen Anda untuk pelatihan Pengelasan SMAW Posisi 3G"),
        ("confirmed", "sudah terkonfirmasi"),
        ("declined", "Anda telah melepaskan tempat Anda"),
        ("withdrawn", "telah dibatalkan"),
        ("expired", "tidak dikonfirmasi sampai"),
    ],
)
def test_each_status_has_its_own_indonesian_email(status, phrase, mailoutbox):
    registration = _registration(status, confirm_by=datetime.date(2026, 12, 1))
    assert tasks.registration_notify(registration.pk, status) is True
    [message] = mailoutbox
    assert phrase in " ".join(message.body.split())
    assert "{%" not in message.body and "{{" not in message.body


@pytest.mark.django_db
def test_email_is_skipped_when_the_status_changed_before_the_task_ran(mailoutbox):
    registration = _registration(RegistrationStatus.RESERVE, reserve_rank=1)
    assert tasks.registration_notify(registration.pk, "accepted") is False
    assert tasks.registration_notify(registration.pk + 1000, "reserve") is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_email_is_skipped_when_the_person_has_no_address(mailoutbox):
    registration = _registration(RegistrationStatus.ACCEPTED, confirm_by=TODAY, person__email="")
    assert tasks.registration_notify(registration.pk, "accepted") is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_service_decision_sends_its_email_after_commit(eager, django_capture_on_commit_callbacks, mailoutbox):
    registration = _registration(RegistrationStatus.VERIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_accept(registration=registration)
    [message] = mailoutbox
    assert message.to == ["siti@example.org"]
    assert "Selamat" in message.body


@pytest.mark.django_db
def test_the_status_email_goes_once_even_if_the_task_runs_again(mailoutbox):
    """A worker killed after sending but before acknowledging: the broker hands the task on again."""
    registration = _registration(RegistrationStatus.VERIFIED)
    services.registration_accept(registration=registration)
    assert tasks.registration_notify(registration.pk, "accepted") is True
    assert tasks.registration_notify(registration.pk, "accepted") is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_each_change_of_status_is_told_even_back_to_an_earlier_one(mailoutbox):
    registration = _registration(RegistrationStatus.RESERVE, reserve_rank=2)
    assert tasks.registration_notify(registration.pk, "reserve") is True
    for status, rank in (("accepted", None), ("reserve", 1)):  # a seat given, then the decision corrected
        registration.status, registration.reserve_rank = status, rank
        registration.save()
        assert tasks.registration_notify(registration.pk, status) is True
        assert tasks.registration_notify(registration.pk, status) is False
    assert len(mailoutbox) == 3


# --- unconfirmed_expire (daily at 00:30) ----------------------------------------------------


def _first_come_batch(**kwargs):
    return BatchFactory(
        quota=2,
        reserve_seats=3,
        selection_method="first_come",
        programme__min_age=17,
        programme__max_age=None,
        programme__min_education=None,
        **kwargs,
    )


def _people(count):
    return [PersonFactory(email=f"peserta{i}@example.org") for i in range(count)]


@pytest.mark.django_db
def test_overdue_acceptances_expire_and_reserves_are_promoted_in_rank_order(
    eager, django_capture_on_commit_callbacks, mailoutbox
):
    batch = _first_come_batch()
    a, b, c, d, e = (services.registration_create(person=p, batch=batch) for p in _people(5))
    assert [r.status for r in (a, b)] == ["accepted", "accepted"]
    assert [(r.status, r.reserve_rank) for r in (c, d, e)] == [("reserve", 1), ("reserve", 2), ("reserve", 3)]
    # Rank, not registration order, decides: e is moved to the front of the list, c to its end.
    Registration.objects.filter(pk=c.pk).update(reserve_rank=99)
    Registration.objects.filter(pk=e.pk).update(reserve_rank=1)
    Registration.objects.filter(pk=c.pk).update(reserve_rank=3)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Registration.objects.filter(pk=a.pk).update(confirm_by=yesterday)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.unconfirmed_expire.apply().get() == 1

    status = dict(Registration.objects.filter(batch=batch).values_list("pk", "status"))
    assert status[a.pk] == "expired"
    assert status[b.pk] == "accepted"
    assert status[e.pk] == "accepted"  # rank 1
    assert (status[d.pk], status[c.pk]) == ("reserve", "reserve")
    assert Registration.objects.get(pk=e.pk).reserve_rank is None
    assert Registration.objects.get(pk=e.pk).confirm_by == timezone.localdate() + datetime.timedelta(days=3)
    assert Batch.objects.get(pk=batch.pk).seats_taken == 2
    assert [m.to for m in mailoutbox if "Diterima" in m.subject] == [[e.person.email]]

    # Run again: nothing is overdue any more, nobody else moves.
    assert tasks.unconfirmed_expire.apply().get() == 0
    assert dict(Registration.objects.filter(batch=batch).values_list("pk", "status")) == status


@pytest.mark.django_db
def test_expiring_two_seats_promotes_ranks_one_and_two_and_keeps_three(eager):
    batch = _first_come_batch()
    regs = [services.registration_create(person=p, batch=batch) for p in _people(5)]
    Registration.objects.filter(pk__in=[regs[0].pk, regs[1].pk]).update(confirm_by=TODAY - datetime.timedelta(days=1))
    assert services.unconfirmed_expire(now=NOON) == 2
    result = {r.pk: (r.status, r.reserve_rank) for r in Registration.objects.filter(batch=batch)}
    assert [result[r.pk] for r in regs] == [
        ("expired", None),
        ("expired", None),
        ("accepted", None),
        ("accepted", None),
        ("reserve", 3),
    ]


# --- tracer_open_due (daily at 07:00) -------------------------------------------------------


def _graduate(end_date, email="alumni@example.org"):
    return RegistrationFactory(
        status="confirmed",
        outcome="graduated",
        person__email=email,
        batch__start_date=end_date - datetime.timedelta(days=27),
        batch__end_date=end_date,
        batch__registration_opens=end_date - datetime.timedelta(days=60),
        batch__registration_closes=end_date - datetime.timedelta(days=40),
        batch__status="finished",
    )


@pytest.mark.django_db
def test_tracer_opens_the_three_month_request_once_with_one_email(
    eager, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.PORTAL_BASE_URL = "https://portal.example"
    graduate = _graduate(timezone.localdate() - datetime.timedelta(days=95))
    _graduate(timezone.localdate() - datetime.timedelta(days=30), email="baru@example.org")  # not due yet

    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.tracer_open_due.apply().get()

    [response] = TracerResponse.objects.all()
    assert (response.registration, response.months_after) == (graduate, 3)
    [message] = mailoutbox
    assert message.to == ["alumni@example.org"]
    assert "3 bulan" in message.subject
    assert f"https://portal.example/pelatihan/tracer/{response.token}/" in message.body
    assert graduate.batch.programme.name in message.body


@pytest.mark.django_db
def test_tracer_opens_one_request_per_milestone(eager, django_capture_on_commit_callbacks, mailoutbox):
    graduate = _graduate(datetime.date(2026, 1, 30))
    for now in (
        datetime.datetime(2026, 5, 1, 7, tzinfo=datetime.UTC),  # +3
        datetime.datetime(2026, 5, 2, 7, tzinfo=datetime.UTC),  # +3 again
        datetime.datetime(2026, 8, 1, 7, tzinfo=datetime.UTC),  # +6
        datetime.datetime(2026, 8, 2, 7, tzinfo=datetime.UTC),  # +6 again
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.tracer_open_due(now=now)
    assert sorted(graduate.tracer_responses.values_list("months_after", flat=True)) == [3, 6]
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_tracer_request_is_not_sent_once_answered(mailoutbox):
    graduate = _graduate(TODAY - datetime.timedelta(days=100))
    response = TracerResponse.objects.create(registration=graduate, months_after=3, answered_at=timezone.now())
    assert tasks.tracer_send_request(response.pk) is False
    assert mailoutbox == []


# --- certificate_render on a real worker ----------------------------------------------------


def _wait_for_render(certificate, *, after=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate.refresh_from_db()
        if certificate.generated_at and certificate.generated_at != after:
            return
        time.sleep(0.3)
    pytest.fail(f"the worker did not render certificate {certificate.pk} within {timeout} s")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_certificate_issue_has_a_real_worker_render_and_store_the_pdf(postgres, celery_worker):
    registration = _graduate(TODAY - datetime.timedelta(days=3))
    certificate = services.certificate_issue(registration=registration)
    _wait_for_render(certificate)
    storage, first = certificate.pdf.storage, certificate.pdf.name
    try:
        assert first.startswith("certificates/") and first.endswith(".pdf")
        with certificate.pdf.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"

        # Issuing again keeps the one certificate and its number; the worker renders a new file
        # and removes the old one.
        again = services.certificate_issue(registration=registration)
        assert (again.pk, again.number) == (certificate.pk, certificate.number)
        _wait_for_render(certificate, after=certificate.generated_at)
        assert ParticipantCertificate.objects.count() == 1
        assert certificate.pdf.name != first
        assert storage.exists(certificate.pdf.name)
        assert not storage.exists(first)
    finally:
        for name in {first, certificate.pdf.name}:
            storage.delete(name)


# --- the beat schedule ----------------------------------------------------------------------


def test_beat_runs_the_daily_training_jobs_at_jakarta_times():
    schedule = app.conf.beat_schedule
    expire, tracer = schedule["training.unconfirmed_expire"], schedule["training.tracer_open_due"]
    assert (expire["task"], expire["schedule"].hour, expire["schedule"].minute) == (
        "training.unconfirmed_expire",
        {0},
        {30},
    )
    assert (tracer["task"], tracer["schedule"].hour, tracer["schedule"].minute) == (
        "training.tracer_open_due",
        {7},
        {0},
    )
    assert str(expire["schedule"].tz) == "Asia/Jakarta"
    assert {"training.unconfirmed_expire", "training.tracer_open_due"} <= set(app.tasks)


@pytest.mark.django_db(transaction=True)  # the scheduler closes the connection, which a test transaction forbids
def test_database_scheduler_copies_the_defaults_where_staff_can_edit_them():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=app)
    task = PeriodicTask.objects.select_related("crontab").get(name="training.unconfirmed_expire")
    assert (task.task, task.crontab.hour, task.crontab.minute) == ("training.unconfirmed_expire", "0", "30")
    assert str(task.crontab.timezone) == "Asia/Jakarta"
    assert PeriodicTask.objects.get(name="training.tracer_open_due").crontab.hour == "7"
