"""AK/1 card services: life cycle, one open application per person, numbers, re-reports, expiry, PDF."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils import timezone

from placement import cards, tasks
from placement.models import CardReport, CardSequence, CardStatus, JobSeekerCard
from tests.factories import PDF_BYTES, PersonFactory, UserFactory, png_bytes

pytestmark = pytest.mark.django_db

PNG_BYTES = png_bytes(size=(1, 1))
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(year, month, day) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    for name in ("photo", "ktp_document", "diploma_document"):
        monkeypatch.setattr(JobSeekerCard._meta.get_field(name), "storage", storage)
    return storage


@pytest.fixture
def officer(db):
    return UserFactory(is_staff=True)


def documents() -> dict:
    return {
        "photo": ContentFile(PNG_BYTES, name="photo.png"),
        "ktp_document": ContentFile(PDF_BYTES, name="ktp.pdf"),
        "diploma_document": ContentFile(PDF_BYTES, name="ijazah.pdf"),
    }


def apply(person, **kwargs) -> JobSeekerCard:
    fields = {
        "education_history": "SMK Negeri 1 Cilegon, 2019",
        "skills": "Pengelasan SMAW 3G",
        "experience": "",
        **documents(),
    }
    return cards.card_apply(person=person, **(fields | kwargs))


def active_card(person, officer, *, on=None) -> JobSeekerCard:
    return cards.card_approve(card=apply(person), actor=officer, now=on or at(2026, 1, 15))


# --- Life cycle -----------------------------------------------------------------------------


def test_life_cycle_from_application_to_approved_renewal(person, officer):
    card = apply(person)
    assert card.status == CardStatus.APPLIED and card.number is None

    card = cards.card_request_revision(card=card, note="Foto KTP buram", actor=officer)
    assert (card.status, card.staff_note, card.decided_by) == (CardStatus.REVISION, "Foto KTP buram", officer)

    card = cards.card_resubmit(card=card, ktp_document=ContentFile(PDF_BYTES, name="ktp2.pdf"), photo=None)
    assert card.status == CardStatus.APPLIED
    assert card.photo  # a document left out keeps the one already sent

    card = cards.card_approve(card=card, actor=officer, now=at(2026, 3, 10))
    assert card.status == CardStatus.ACTIVE
    assert card.number == "3672/AK1/2026/000001"
    assert card.issued_on == datetime.date(2026, 3, 10)
    assert card.valid_until == datetime.date(2028, 3, 9)
    assert card.rereport_due_dates == [
        datetime.date(2026, 9, 10),
        datetime.date(2027, 3, 10),
        datetime.date(2027, 9, 10),
    ]

    report = cards.card_rereport(card=card, channel="online", still_looking=True, now=at(2026, 9, 8))
    assert report.reported_on == datetime.date(2026, 9, 8)
    slots = cards.rereport_slots(card)
    assert [s["report"] for s in slots] == [report, None, None]

    assert cards.cards_expire(today=datetime.date(2028, 3, 9)) == 0  # still valid on its last day
    assert cards.cards_expire(today=datetime.date(2028, 3, 10)) == 1
    assert cards.cards_expire(today=datetime.date(2028, 3, 10)) == 0  # safe to run twice
    card.refresh_from_db()
    assert card.status == CardStatus.EXPIRED

    renewal = cards.card_renew(card=card, now=at(2028, 3, 20))
    assert (renewal.status, renewal.renews, renewal.skills) == (CardStatus.APPLIED, card, card.skills)
    assert renewal.photo.name == card.photo.name

    renewal = cards.card_approve(card=renewal, actor=officer, now=at(2028, 3, 21))
    card.refresh_from_db()
    assert card.status == CardStatus.RENEWED
    assert renewal.number == "3672/AK1/2028/000001"
    assert renewal.valid_until == datetime.date(2030, 3, 20)
    # Every status change is in the audit history.
    assert [h.status for h in card.history.order_by("history_date")][-3:] == ["active", "expired", "renewed"]


def test_reject_needs_a_reason_and_frees_the_person_to_apply_again(person, officer):
    card = apply(person)
    with pytest.raises(ValidationError):
        cards.card_reject(card=card, reason="  ", actor=officer)
    card = cards.card_reject(card=card, reason="Dokumen bukan milik pemohon", actor=officer)
    assert (card.status, card.staff_note) == (CardStatus.REJECTED, "Dokumen bukan milik pemohon")
    assert apply(person).status == CardStatus.APPLIED


def test_revision_needs_a_note(person, officer):
    with pytest.raises(ValidationError):
        cards.card_request_revision(card=apply(person), note="", actor=officer)


def test_decisions_only_from_the_right_status(person, officer):
    card = active_card(person, officer)
    for decide in (
        lambda: cards.card_approve(card=card, actor=officer),
        lambda: cards.card_reject(card=card, reason="x", actor=officer),
        lambda: cards.card_request_revision(card=card, note="x", actor=officer),
        lambda: cards.card_resubmit(card=card, skills="x"),
        lambda: cards.card_renew(card=card),
    ):
        with pytest.raises(ValidationError):
            decide()
    applied = apply(PersonFactory())
    with pytest.raises(ValidationError):
        cards.card_rereport(card=applied, channel="online", still_looking=True)


def test_second_open_application_is_refused_with_a_clear_message(person, officer):
    apply(person)
    with pytest.raises(ValidationError) as error:
        apply(person)
    assert "AK/1" in error.value.messages[0]
    cards.card_approve(card=JobSeekerCard.objects.get(person=person), actor=officer)
    with pytest.raises(ValidationError):
        apply(person)  # an active card is open too
    assert JobSeekerCard.objects.filter(person=person).count() == 1


def test_the_database_refuses_a_second_open_card_when_the_check_is_bypassed(person, private_files):
    apply(person)
    card = JobSeekerCard(person=person, education_history="x", photo="a.png", ktp_document="b", diploma_document="c")
    with pytest.raises(ValidationError):
        card.validate_constraints()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        card.save()


def test_rereport_once_a_day(person, officer):
    card = active_card(person, officer)
    cards.card_rereport(card=card, channel="desk", still_looking=True, actor=officer, now=at(2026, 7, 1))
    with pytest.raises(ValidationError):
        cards.card_rereport(card=card, channel="online", still_looking=True, now=at(2026, 7, 1))
    assert CardReport.objects.filter(card=card).count() == 1


def test_renewal_only_once_per_expired_card(person, officer):
    card = active_card(person, officer)
    cards.cards_expire(today=card.valid_until + datetime.timedelta(days=1))
    card.refresh_from_db()
    cards.card_renew(card=card)
    with pytest.raises(ValidationError):
        cards.card_renew(card=card)


def test_record_placement_marks_the_active_card(person, officer):
    assert (
        cards.card_record_placement(person=person, company_name="PT Krakatau", start_date=datetime.date(2026, 2, 1))
        is None
    )
    card = active_card(person, officer)
    cards.card_record_placement(person=person, company_name="PT Krakatau", start_date=datetime.date(2026, 2, 1))
    card.refresh_from_db()
    assert (card.placed_at, card.placed_with) == (datetime.date(2026, 2, 1), "PT Krakatau")


def test_numbers_follow_each_other_and_restart_each_year(officer):
    first = active_card(PersonFactory(), officer, on=at(2026, 12, 31))
    second = active_card(PersonFactory(), officer, on=at(2026, 12, 31))
    third = active_card(PersonFactory(), officer, on=at(2027, 1, 1))
    assert [first.number, second.number, third.number] == [
        "3672/AK1/2026/000001", "3672/AK1/2026/000002", "3672/AK1/2027/000001",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_card_numbers_unique_under_twenty_concurrent_approvals(postgres, tmp_path, monkeypatch):
    officer = UserFactory(is_staff=True)
    pending = [apply(PersonFactory()) for _ in range(20)]
    barrier = threading.Barrier(20)
    errors = []

    def approve(card):
        try:
            barrier.wait(timeout=30)
            cards.card_approve(card=card, actor=officer)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(card,)) for card in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(JobSeekerCard.objects.values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"3672/AK1/{year}/{n:06d}" for n in range(1, 21)]
    assert CardSequence.objects.get(year=year).last == 20


# --- Tasks ----------------------------------------------------------------------------------


def test_expire_task_expires_cards_past_their_validity(person, officer):
    card = active_card(person, officer, on=at(2020, 1, 1))
    assert tasks.cards_expire() == 1
    card.refresh_from_db()
    assert card.status == CardStatus.EXPIRED


def test_reminder_is_sent_once_a_week_before_each_due_date(officer):
    cache.clear()
    due_soon = active_card(PersonFactory(email="due@example.org"), officer, on=at(2026, 1, 15))
    reported = active_card(PersonFactory(email="done@example.org"), officer, on=at(2026, 1, 15))
    cards.card_rereport(card=reported, channel="online", still_looking=True, now=at(2026, 7, 1))
    active_card(PersonFactory(email="later@example.org"), officer, on=at(2026, 1, 16))
    today = datetime.date(2026, 7, 8)  # due on 15 July

    assert cards.rereport_reminders_send(today=today) == 1
    assert cards.rereport_reminders_send(today=today) == 0  # a second run the same day sends nothing
    assert [m.to for m in mail.outbox] == [["due@example.org"]]
    assert due_soon.number in mail.outbox[0].body
    assert "15 Juli 2026" in mail.outbox[0].subject
    assert cards.rereport_reminders_send(today=datetime.date(2027, 1, 8)) == 2  # the 12-month date of both


def test_reminder_for_cards_issued_at_the_end_of_a_month():
    # 29, 30 and 31 August all have their 6-month date on 28 February.
    assert cards.issue_dates_due_on(due=datetime.date(2027, 2, 28), months=6) == [
        datetime.date(2026, 8, 28), datetime.date(2026, 8, 29), datetime.date(2026, 8, 30), datetime.date(2026, 8, 31),
    ]  # fmt: skip


# --- PDF ------------------------------------------------------------------------------------


def test_card_pdf_shows_number_holder_and_rereport_dates(person, officer, pdftotext, tmp_path):
    from placement.pdf import card_pdf

    card = active_card(person, officer, on=at(2026, 3, 10))
    cards.card_rereport(card=card, channel="online", still_looking=True, now=at(2026, 9, 8))
    pdf = card_pdf(card)
    text = " ".join(pdftotext(pdf).split())
    assert pdf.startswith(b"%PDF")
    assert card.number in text
    assert person.name in text
    assert person.nik in text  # the holder's own identity document: the full NIK
    assert "KARTU TANDA BUKTI PENDAFTARAN PENCARI KERJA (AK/1)" in text
    assert "9 Maret 2028" in text  # valid until
    assert "8 Sep 2026" in text  # the recorded re-report
    (tmp_path / "ak1.pdf").write_bytes(pdf)
    import os

    if os.environ.get("AK1_PDF_OUT"):
        with open(os.environ["AK1_PDF_OUT"], "wb") as out:
            out.write(pdf)
