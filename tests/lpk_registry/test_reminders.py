"""Expiry and report reminders: each sent once, in Indonesian, to the institution's operators."""

import datetime
import threading
import time

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection

from lpk_registry import reminders, services, tasks
from lpk_registry.models import Accreditation, GraduateReport, Operator, ReminderSent
from lpk_registry.reminders import expiry_threshold
from lpk_registry.services import ProgrammeRow, ReportContent
from tests.factories import GraduateReportFactory, InstitutionFactory, LicenceFactory, lpk_operator

TODAY = datetime.date(2026, 5, 4)  # between quarters' reminders: nothing about reports is due


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _keys() -> set[str]:
    return set(ReminderSent.objects.values_list("key", flat=True))


def _institution_with_operators(prefix: str = "", **kwargs):
    institution = InstitutionFactory(email=f"lpk{prefix}@example.org", **kwargs)
    first = lpk_operator(institution=institution, email=f"satu{prefix}@example.org")
    lpk_operator(institution=institution, email=f"dua{prefix}@example.org")
    gone = lpk_operator(institution=institution, email=f"lama{prefix}@example.org")
    Operator.objects.filter(user=gone).update(is_active=False)
    return institution, first


@pytest.fixture
def expiry_only(monkeypatch):
    """Factory licences date from 2024, so the institutions owe reports too: leave those out here."""
    monkeypatch.setattr(reminders, "_report_reminders", lambda today: [])


def test_expiry_thresholds_have_windows_so_a_missed_day_still_sends_once():
    assert [expiry_threshold(d) for d in (120, 91, 90, 31, 30, 8, 7, 1, 0, -1)] == [
        None, None, 90, 90, 30, 30, 7, 7, 7, None,
    ]  # fmt: skip


@pytest.mark.django_db
def test_licence_reminders_at_90_30_and_7_days_each_once_as_the_days_pass(expiry_only, mailoutbox):
    institution, _ = _institution_with_operators()
    licence = LicenceFactory(institution=institution, valid_until=_day(100))
    sent_on = {}
    for n in range(0, 105):
        day = _day(n)
        for _run in range(2):  # the job may run twice a day: nothing twice
            before = len(mailoutbox)
            reminders.send_due_reminders(today=day)
            if len(mailoutbox) > before:
                sent_on.setdefault((licence.valid_until - day).days, 0)
                sent_on[(licence.valid_until - day).days] += len(mailoutbox) - before
    assert sent_on == {90: 1, 30: 1, 7: 1}
    assert _keys() == {f"licence:{licence.pk}:90", f"licence:{licence.pk}:30", f"licence:{licence.pk}:7"}
    first = mailoutbox[0]
    assert sorted(first.to) == [
        "dua@example.org",
        "lpk@example.org",
        "satu@example.org",
    ]  # not lama@


@pytest.mark.django_db
def test_days_the_job_did_not_run_still_give_one_reminder_per_threshold(expiry_only, mailoutbox):
    licence = LicenceFactory(valid_until=_day(95))
    for n in (0, 70, 71, 80, 93):  # 95, 25, 24, 15 and 2 days left
        reminders.send_due_reminders(today=_day(n))
    assert len(mailoutbox) == 2
    assert _keys() == {f"licence:{licence.pk}:30", f"licence:{licence.pk}:7"}


@pytest.mark.django_db
def test_accreditation_reminders_and_no_reminder_for_a_renewed_revoked_or_closed_institution(expiry_only, mailoutbox):
    accredited = InstitutionFactory()
    accreditation = Accreditation.objects.create(
        institution=accredited, result="B", valid_from=_day(-1800), valid_until=_day(29)
    )
    renewed = LicenceFactory(valid_until=_day(20)).institution
    LicenceFactory(institution=renewed, issued_on=_day(-3), valid_until=_day(1800))
    LicenceFactory(valid_until=_day(20), status="revoked")
    LicenceFactory(valid_until=_day(20), institution=InstitutionFactory(status="inactive"))
    assert reminders.send_due_reminders(today=TODAY) == 1
    assert _keys() == {f"accreditation:{accreditation.pk}:30"}
    assert mailoutbox[0].to == [accredited.email]


@pytest.mark.django_db
def test_the_e_mail_is_in_indonesian_and_names_the_licence_and_the_portal(expiry_only, mailoutbox):
    institution, _ = _institution_with_operators(name="LPK Sakura Nihongo")
    LicenceFactory(institution=institution, number="503/007/IZIN-LPK/2021", valid_until=_day(7))
    reminders.send_due_reminders(today=TODAY)
    (message,) = mailoutbox
    assert message.subject == "[Disnaker Kota Cilegon] Izin LPK Sakura Nihongo berakhir pada 11 Mei 2026"
    assert "Yth. Pimpinan LPK Sakura Nihongo," in message.body
    assert "503/007/IZIN-LPK/2021 berlaku sampai 11 Mei 2026: 7 hari lagi" in message.body
    assert "http://127.0.0.1:8000/lpk/" in message.body
    assert "{%" not in message.body and "\n\n\n" not in message.body


@pytest.mark.django_db
def test_no_address_no_record_so_it_goes_out_once_someone_can_read_it(expiry_only, mailoutbox):
    institution = InstitutionFactory(email="")
    licence = LicenceFactory(institution=institution, valid_until=_day(60))
    assert reminders.send_due_reminders(today=TODAY) == 0
    assert not ReminderSent.objects.exists()
    lpk_operator(institution=institution, email="baru@example.org")
    assert reminders.send_due_reminders(today=_day(1)) == 1
    assert mailoutbox[0].to == ["baru@example.org"]
    assert _keys() == {f"licence:{licence.pk}:90"}


@pytest.mark.django_db
def test_a_failed_send_is_not_recorded_and_is_tried_again(expiry_only, mailoutbox, monkeypatch):
    LicenceFactory(valid_until=_day(60))

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("no SMTP")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", broken)
        with pytest.raises(ConnectionRefusedError):
            reminders.send_due_reminders(today=TODAY)
    assert not ReminderSent.objects.exists()  # rolled back with the failed send
    assert reminders.send_due_reminders(today=TODAY) == 1


# --- Reports ---------------------------------------------------------------------------------

Q1_DUE = datetime.date(2026, 4, 15)  # 2026 Q1 ends on 31 March; its report is due 15 days later


@pytest.fixture
def lpks():
    """Licensed before 2026; one has sent its Q1 report, one has a draft, one nothing, one is new."""
    made = {}
    for name in ("submitted", "draft", "nothing"):
        made[name], _ = _institution_with_operators(f"-{name}", name=f"LPK {name}")
        LicenceFactory(institution=made[name], issued_on=datetime.date(2024, 1, 1))
    made["new"] = LicenceFactory(issued_on=datetime.date(2026, 4, 2)).institution  # licensed after Q1
    draft = GraduateReportFactory(institution=made["draft"], year=2026, quarter=1)
    submitted = GraduateReportFactory(institution=made["submitted"], year=2026, quarter=1)
    content = ReportContent(programmes=[ProgrammeRow(programme="Menjahit", enrolled_female=3, graduates_female=3)])
    for report in (draft, submitted):
        services.report_replace_content(report=report, content=content, actor=None)
    services.report_submit(report=submitted, actor=None)
    return made


@pytest.mark.django_db
def test_report_due_seven_days_before_and_overdue_the_day_after_each_once(lpks, mailoutbox):
    def run(day: datetime.date) -> set[str]:
        before = len(mailoutbox)
        reminders.send_due_reminders(today=day)
        return {m.subject for m in mailoutbox[before:]}

    assert run(datetime.date(2026, 4, 7)) == set()  # 8 days before
    due = run(datetime.date(2026, 4, 8))
    assert len(mailoutbox) == 2  # the draft and the silent one; not the submitted, not the new
    assert due == {"[Disnaker Kota Cilegon] Laporan lulusan 2026 Q1 harus dikirim paling lambat 15 April 2026"}
    (draft_mail,) = [m for m in mailoutbox if "satu-draft@example.org" in m.to]
    assert "Draf laporan Anda sudah tersimpan" in draft_mail.body
    (silent_mail,) = [m for m in mailoutbox if "satu-nothing@example.org" in m.to]
    assert "Kami belum menerimanya" in silent_mail.body
    assert run(datetime.date(2026, 4, 9)) == set()
    assert run(Q1_DUE) == set()
    overdue = run(datetime.date(2026, 4, 16))
    assert overdue == {"[Disnaker Kota Cilegon] Laporan lulusan 2026 Q1 terlambat"}
    assert len(mailoutbox) == 4
    assert run(datetime.date(2026, 5, 20)) == set()
    pks = (lpks["draft"].pk, lpks["nothing"].pk)
    assert _keys() == {f"report_due:{pk}-2026Q1:7" for pk in pks} | {f"report_overdue:{pk}-2026Q1:1" for pk in pks}


@pytest.mark.django_db
def test_a_report_sent_after_the_due_reminder_gets_no_overdue_reminder(lpks, mailoutbox):
    reminders.send_due_reminders(today=datetime.date(2026, 4, 10))
    draft = GraduateReport.objects.get(institution=lpks["draft"])
    services.report_submit(report=draft, actor=None)
    reminders.send_due_reminders(today=datetime.date(2026, 4, 16))
    overdue = [m for m in mailoutbox if "terlambat" in m.subject]
    assert len(overdue) == 1 and "satu-nothing@example.org" in overdue[0].to
    assert "LPK nothing" in overdue[0].body


@pytest.mark.django_db
def test_pending_reminders_are_those_due_and_not_sent(lpks):
    day = datetime.date(2026, 4, 12)
    assert {r.institution for r in reminders.pending_reminders(today=day)} == {lpks["draft"], lpks["nothing"]}
    reminders.send_due_reminders(today=day)
    assert reminders.pending_reminders(today=day) == []


# --- The daily job ---------------------------------------------------------------------------


def test_the_daily_job_runs_at_six_in_jakarta():
    entry = settings.CELERY_BEAT_SCHEDULE["lpk_registry.send_reminders"]
    assert entry["task"] == "lpk_registry.send_reminders"
    assert entry["schedule"] == crontab(hour=6, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"


@pytest.mark.django_db
def test_the_task_sends_what_is_due_today(mailoutbox):
    LicenceFactory(valid_until=datetime.date.today() + datetime.timedelta(days=60))
    assert tasks.send_reminders() >= 1
    assert tasks.send_reminders() == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(postgres, expiry_only, mailoutbox, monkeypatch):
    """Both runs see nothing sent, then race to send: the unique key lets exactly one through."""
    for days in (5, 25, 60):
        LicenceFactory(valid_until=_day(days))
    barrier = threading.Barrier(2, timeout=20)
    find, build = reminders.pending_reminders, reminders._message

    def pending_then_wait(**kwargs):
        found = find(**kwargs)
        barrier.wait()
        return found

    def slow_message(reminder, recipients):
        message = build(reminder, recipients)
        send = message.send

        def slow_send(*args, **kwargs):
            time.sleep(0.2)  # the key's row stays uncommitted a while: the other run must wait on it
            return send(*args, **kwargs)

        message.send = slow_send
        return message

    monkeypatch.setattr(reminders, "pending_reminders", pending_then_wait)
    monkeypatch.setattr(reminders, "_message", slow_message)
    results, errors = [], []

    def run():
        try:
            results.append(reminders.send_due_reminders(today=TODAY))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(results) == 3
    assert len(mailoutbox) == 3
    assert ReminderSent.objects.count() == 3
