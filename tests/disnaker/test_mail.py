"""The mail kit's send-once ledger: every reminder kind goes out once, whatever happens between runs."""

import datetime
import smtplib
import time

import pytest
from django.core import mail as outbox
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from disnaker import mail
from disnaker.models import SentReminder
from lpk_registry import reminders
from placement import cards
from placement.models import JobSeekerCard
from tests.concurrency import run_together
from tests.factories import LicenceFactory, PersonFactory, UserFactory
from tests.placement.test_ak1 import active_card, at
from tests.training.test_tasks import _graduate
from training import tasks as training_tasks
from training.models import TracerResponse

pytestmark = pytest.mark.django_db

AK1_DAY = datetime.date(2026, 7, 8)  # a week before the 6-month re-report date of a card issued on 15 January
LPK_DAY = datetime.date(2026, 5, 4)  # between quarters' reminders: only the licence expiry is due


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that hangs up, as a real one does when it is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(LocmemBackend):
    """Sends after a pause, so that a second run starts while the first is still sending."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


def _ak1_rereport(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    for name in ("photo", "ktp_document", "diploma_document"):
        monkeypatch.setattr(JobSeekerCard._meta.get_field(name), "storage", storage)
    active_card(PersonFactory(email="pencaker@example.org"), UserFactory(is_staff=True), on=at(2026, 1, 15))
    return lambda: cards.rereport_reminders_send(today=AK1_DAY)


def _lpk_licence_expiry(tmp_path, monkeypatch):
    LicenceFactory(valid_until=LPK_DAY + datetime.timedelta(days=60))
    monkeypatch.setattr(reminders, "_report_reminders", lambda today: [])  # factory licences owe reports too
    return lambda: reminders.send_due_reminders(today=LPK_DAY)


def _training_tracer_request(tmp_path, monkeypatch):
    graduate = _graduate(datetime.date(2026, 1, 30))
    response = TracerResponse.objects.create(registration=graduate, months_after=3)
    return lambda: int(training_tasks.tracer_send_request(response.pk))


# Every job that sends reminders a scheduler or a retry may run again: a new one joins this list.
REMINDER_JOBS = {
    "placement.ak1_rereport": _ak1_rereport,
    "lpk_registry.reminder": _lpk_licence_expiry,
    "training.tracer_request": _training_tracer_request,
}


@pytest.fixture(params=sorted(REMINDER_JOBS))
def reminder_job(request, tmp_path, monkeypatch):
    """(kind, the job as a callable returning how many it sent) with one reminder due."""
    return request.param, REMINDER_JOBS[request.param](tmp_path, monkeypatch)


def _outbox_and_ledger(kind: str) -> tuple[int, int]:
    return len(outbox.outbox), SentReminder.objects.filter(kind=kind).count()


def test_every_reminder_kind_is_in_the_list():
    kinds = {cards.AK1_REREPORT_REMINDER, reminders.LPK_REMINDER, "training.tracer_request"}
    assert kinds == set(REMINDER_JOBS)


def test_running_a_reminder_job_twice_sends_each_reminder_once(reminder_job, mailoutbox):
    kind, run = reminder_job
    assert run() == 1
    assert run() == 0
    assert _outbox_and_ledger(kind) == (1, 1)


def test_a_cleared_cache_does_not_send_a_reminder_again(reminder_job, mailoutbox):
    kind, run = reminder_job
    assert run() == 1
    cache.clear()  # a Redis flush or restart
    assert run() == 0
    assert _outbox_and_ledger(kind) == (1, 1)


def test_a_failed_send_is_not_recorded_and_the_next_run_sends_it(reminder_job, mailoutbox, settings):
    kind, run = reminder_job
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with pytest.raises(smtplib.SMTPException):
        run()
    assert _outbox_and_ledger(kind) == (0, 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run() == 1
    assert run() == 0
    assert _outbox_and_ledger(kind) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(postgres, reminder_job, mailoutbox, settings):
    kind, run = reminder_job
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    results = run_together([run, run], workers=2)
    assert sorted(results) == [0, 1], results
    assert _outbox_and_ledger(kind) == (1, 1)


def test_a_reminder_without_recipients_is_not_recorded():
    email = mail.message("placement/email/ak1_reminder", {"card": None, "slot": {}}, [""])
    assert mail.send_once(kind="test", key="1", email=email) is False
    assert not SentReminder.objects.exists()


def test_links_are_absolute_on_the_portal_address(settings):
    settings.PORTAL_BASE_URL = "https://portal.example/"
    assert mail.absolute_reverse("placement:ak1_home") == "https://portal.example/akun/ak1/"
