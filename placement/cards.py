"""AK/1 ("kartu kuning") workflows: application, verification, number, re-report, expiry, renewal.

Every status change runs in a transaction holding the card's row lock; the database constraint
``ak1_one_open_per_person`` is the last guard against two open applications of one person. Card
numbers come from the ``CardSequence`` row of (city, year), locked while it is incremented, so
concurrent approvals never share a number.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disnaker import mail
from disnaker.audit import audited
from disnaker.dates import add_months
from disnaker.models import Person

from .models import CARD_VALID_YEARS, OPEN_CARD_STATUSES, REREPORT_MONTHS, CardReport, CardSequence, CardStatus
from .models import JobSeekerCard as Card

PROFILE_FIELDS = ("education_history", "skills", "experience")
DOCUMENT_FIELDS = ("photo", "ktp_document", "diploma_document")
# A report this many days before a re-report date already counts for it.
REREPORT_EARLY_DAYS = 30


def _lock(card: Card) -> Card:
    return Card.objects.select_for_update().select_related("person").get(pk=card.pk)


def _require_status(card: Card, *statuses: str, message: str) -> None:
    if card.status not in statuses:
        raise ValidationError(message, code="status")


def _already_open_error() -> ValidationError:
    return ValidationError(
        _("You already have an AK/1 application in progress or an active card; you cannot apply again now."),
        code="duplicate",
    )


def _required(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _decide(card: Card, *, status: str, actor, note: str = "", now=None) -> Card:
    card.status = status
    card.staff_note = note
    card.decided_at = now or timezone.now()
    card.decided_by = actor
    card.full_clean(exclude=["person", "renews"], validate_constraints=False)
    card.save()
    return card


@transaction.atomic
def card_apply(
    *,
    person: Person,
    education_history: str,
    skills: str,
    experience: str,
    photo,
    ktp_document,
    diploma_document,
    renews: Card | None = None,
    now: datetime.datetime | None = None,
) -> Card:
    """A new application, waiting for verification; a person has one open application at a time."""
    person = Person.objects.select_for_update().get(pk=person.pk)  # serialises one person's applications
    if Card.objects.filter(person=person, status__in=OPEN_CARD_STATUSES).exists():
        raise _already_open_error()
    _check_printed_names(person)
    card = Card(
        person=person, education_history=education_history, skills=skills, experience=experience,
        photo=photo, ktp_document=ktp_document, diploma_document=diploma_document, renews=renews,
        applied_at=now or timezone.now(),
    )  # fmt: skip
    card.full_clean(exclude=["person", "renews"], validate_constraints=False)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:
        _discard_new_uploads(card, keep=renews)
        raise _already_open_error() from None
    return card


def _check_printed_names(person: Person) -> None:
    """The card prints the name and place of birth: a record that holds an emoji or a bidi override
    (kept from before names were checked) is corrected by staff before a card is applied for."""
    printed = {"name", "birth_place"}
    try:
        person.clean_fields(exclude=[f.name for f in Person._meta.fields if f.name not in printed])
    except ValidationError:
        raise ValidationError(
            _(
                "Your name or place of birth on record holds characters that a KTP does not have. "
                "Ask the office to correct your record, then apply again."
            )
        ) from None


def _discard_new_uploads(card: Card, *, keep: Card | None) -> None:
    """The uploads were written before the insert failed: remove them, nothing half-saved."""
    kept = {getattr(keep, name).name for name in DOCUMENT_FIELDS} if keep else set()
    for name in DOCUMENT_FIELDS:
        document = getattr(card, name)
        if document and document.name not in kept:
            document.delete(save=False)


@audited
@transaction.atomic
def card_request_revision(*, card: Card, note: str, actor) -> Card:
    card = _lock(card)
    _require_status(card, CardStatus.APPLIED, message=_("Only applications waiting for verification can be sent back."))
    note = _required(note, _("Write what the applicant must correct."), "staff_note")
    return _decide(card, status=CardStatus.REVISION, actor=actor, note=note)


@transaction.atomic
def card_resubmit(*, card: Card, **fields) -> Card:
    """The applicant's corrections; a document left out (None) keeps the one already uploaded."""
    unknown = set(fields) - set(PROFILE_FIELDS) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"card_resubmit() got unexpected fields: {', '.join(sorted(unknown))}")
    card = _lock(card)
    _require_status(card, CardStatus.REVISION, message=_("This application is not waiting for your corrections."))
    for name, value in fields.items():
        if value is not None:
            setattr(card, name, value)
    card.status = CardStatus.APPLIED
    card.full_clean(exclude=["person", "renews"], validate_constraints=False)
    card.save()
    return card


@audited
@transaction.atomic
def card_reject(*, card: Card, reason: str, actor) -> Card:
    card = _lock(card)
    _require_status(
        card, CardStatus.APPLIED, CardStatus.REVISION, message=_("Only applications not yet decided can be rejected.")
    )
    reason = _required(reason, _("Give the reason for the rejection."), "staff_note")
    # A rejected renewal lets go of the old card, so that the holder can apply to renew it again.
    card.renews = None
    return _decide(card, status=CardStatus.REJECTED, actor=actor, note=reason)


def card_number(*, year: int) -> str:
    """The next number of (city, year); call inside a transaction: the sequence row stays locked."""
    city = settings.CITY_CODE.replace(".", "")
    sequence, _created = CardSequence.objects.get_or_create(city_code=city, year=year)
    sequence = CardSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{city}/AK1/{year}/{sequence.last:06d}"


def card_valid_until(issued_on: datetime.date) -> datetime.date:
    return add_months(issued_on, 12 * CARD_VALID_YEARS) - datetime.timedelta(days=1)


@audited
@transaction.atomic
def card_approve(*, card: Card, actor, now: datetime.datetime | None = None) -> Card:
    """Issues the card: a number, today's date, valid for two years; a renewed old card is closed."""
    card = _lock(card)
    _require_status(card, CardStatus.APPLIED, message=_("Only applications waiting for verification can be approved."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    card.number = card_number(year=today.year)
    card.issued_on, card.valid_until = today, card_valid_until(today)
    if card.renews_id:
        old = Card.objects.select_for_update().get(pk=card.renews_id)
        old.status = CardStatus.RENEWED
        old.save(update_fields=["status"])
    return _decide(card, status=CardStatus.ACTIVE, actor=actor, now=now)


@audited
@transaction.atomic
def card_rereport(
    *, card: Card, channel: str, still_looking: bool, actor=None, note: str = "", now: datetime.datetime | None = None
) -> CardReport:
    """A six-monthly re-report (lapor ulang), online by the holder or at the desk by staff."""
    card = _lock(card)
    _require_status(card, CardStatus.ACTIVE, message=_("Only an active card can be re-reported."))
    today = timezone.localdate(now or timezone.now())
    if card.reports.filter(reported_on=today).exists():
        raise ValidationError(_("This card has already been re-reported today."), code="duplicate")
    report = CardReport(
        card=card, reported_on=today, channel=channel, still_looking=still_looking, note=note, recorded_by=actor
    )
    report.full_clean(exclude=["card"])
    report.save()
    return report


def cards_expire(*, today: datetime.date | None = None) -> int:
    """Active cards whose validity has ended become expired; returns how many. Safe to run twice."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        # One save per card (not update()): each expiry is recorded in the card's history.
        for card in Card.objects.select_for_update().filter(status=CardStatus.ACTIVE, valid_until__lt=today):
            card.status = CardStatus.EXPIRED
            card.save(update_fields=["status"])
            count += 1
    return count


@transaction.atomic
def card_renew(*, card: Card, now: datetime.datetime | None = None) -> Card:
    """A new application for an expired card, with the same profile and documents."""
    card = _lock(card)
    _require_status(card, CardStatus.EXPIRED, message=_("Only an expired card can be renewed."))
    if Card.objects.filter(renews=card).exists():
        raise ValidationError(_("A renewal of this card has already been requested."), code="duplicate")
    copied = {name: getattr(card, name) for name in PROFILE_FIELDS}
    documents = {name: getattr(card, name).name for name in DOCUMENT_FIELDS}
    return card_apply(person=card.person, **copied, **documents, renews=card, now=now)


@transaction.atomic
def card_record_placement(*, person: Person, company_name: str, start_date: datetime.date) -> Card | None:
    """Notes on the person's active card where they were placed; None when they hold no active card."""
    card = Card.objects.select_for_update().filter(person=person, status=CardStatus.ACTIVE).first()
    if card is None:
        return None
    card.placed_at, card.placed_with = start_date, company_name[:200]
    card.save(update_fields=["placed_at", "placed_with"])
    return card


# --- Re-report slots (read-only) ------------------------------------------------------------


def rereport_slots(card: Card, reports=None) -> list[dict]:
    """The +6/+12/+18 month re-report dates, each with the first report that counts for it.

    A report counts for a date from ``REREPORT_EARLY_DAYS`` before it until the next date's window
    opens (the last one until the card's end).
    """
    dues = card.rereport_due_dates
    if not dues:
        return []
    reports = sorted(card.reports.all() if reports is None else reports, key=lambda r: r.reported_on)
    early = datetime.timedelta(days=REREPORT_EARLY_DAYS)
    starts = [due - early for due in dues]
    ends = starts[1:] + [card.valid_until + datetime.timedelta(days=1)]
    slots = []
    for months, due, start, end in zip(REREPORT_MONTHS, dues, starts, ends, strict=True):
        report = next((r for r in reports if start <= r.reported_on < end), None)
        slots.append({"months": months, "due": due, "opens": start, "report": report})
    return slots


def issue_dates_due_on(*, due: datetime.date, months: int) -> list[datetime.date]:
    """Issue dates whose +``months`` re-report date is ``due`` (month ends clip: may be several)."""
    around = add_months(due, -months)
    candidates = (around + datetime.timedelta(days=d) for d in range(-3, 4))
    return [day for day in candidates if add_months(day, months) == due]


# --- Re-report reminders --------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 7
AK1_REREPORT_REMINDER = "placement.ak1_rereport"


def cards_due_for_reminder(*, today: datetime.date) -> list[tuple[Card, dict]]:
    """Active cards with a re-report date exactly ``REMINDER_DAYS_BEFORE`` days away, not yet reported."""
    due = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE)
    found = []
    for months in REREPORT_MONTHS:
        issued = issue_dates_due_on(due=due, months=months)
        cards = (
            Card.objects.filter(status=CardStatus.ACTIVE, issued_on__in=issued)
            .select_related("person")
            .prefetch_related("reports")
        )
        for card in cards:
            slot = next(s for s in rereport_slots(card) if s["months"] == months)
            if slot["report"] is None:
                found.append((card, slot))
    return found


def rereport_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mails each holder whose re-report is due in a week; once per card and date, even if run twice."""
    today = today or timezone.localdate()
    return sum(_send_rereport_reminder(card, slot) for card, slot in cards_due_for_reminder(today=today))


def _send_rereport_reminder(card: Card, slot: dict) -> bool:
    context = {"card": card, "slot": slot, "home_url": mail.absolute_reverse("placement:ak1_home")}
    email = mail.message("placement/email/ak1_reminder", context, [card.person.email])
    return mail.send_once(kind=AK1_REREPORT_REMINDER, key=f"{card.pk}:{slot['due']:%Y-%m-%d}", email=email)
