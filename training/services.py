"""Training workflows. Every seat decision runs inside a transaction holding the batch row lock.

The lock (``SELECT … FOR UPDATE OF`` the batch row alone) serialises registrations and decisions
of one batch, so ``seats_taken`` and the reserve ranks are read and written by one transaction at
a time; the database's check constraint ``seats_taken <= quota`` is the last guard. The programme
is read with the batch but not locked: the batches of one programme never wait for each other.
Work that need not be serialised (eligibility reads, storing the uploads) runs before the lock.
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from disnaker import outbox
from disnaker.audit import audited, current_actor_id
from disnaker.dates import add_months
from disnaker.models import Certification, Person
from disnaker.nik import normalize_nik
from disnaker.services import person_create

from .eligibility import check_eligible
from .models import (
    Attendance,
    Batch,
    BatchStatus,
    Channel,
    CompetencyResult,
    Outcome,
    ParticipantCertificate,
    Registration,
    RegistrationStatus,
    SelectionMethod,
    TracerResponse,
)


def _lock_batch(batch_id: int) -> Batch:
    # A plain FOR UPDATE would lock the joined programme row too, queueing every batch of the programme.
    return Batch.objects.select_for_update(of=("self",)).select_related("programme").get(pk=batch_id)


# What the seat decision reads under the lock: the registration window, the status and the places.
_DECISION_FIELDS = (
    "status", "registration_opens", "registration_closes", "selection_method", "quota", "seats_taken",
    "reserve_seats", "confirm_days",
)  # fmt: skip


def _lock_batch_for_decision(batch: Batch) -> Batch:
    """Locks the batch row; a copy of ``batch`` (as the caller loaded it, with its programme) with only
    what the decision needs read again under the lock."""
    values = Batch.objects.select_for_update().filter(pk=batch.pk).values(*_DECISION_FIELDS).get()
    locked = copy.copy(batch)
    for name, value in values.items():
        setattr(locked, name, value)
    return locked


def _notify(registration: Registration) -> None:
    from .tasks import registration_notify

    outbox.send(registration_notify, registration.pk, registration.status)


def _reserve_count(batch: Batch) -> int:
    return batch.registrations.filter(status=RegistrationStatus.RESERVE).count()


def _reserve_count_and_next_rank(batch: Batch) -> tuple[int, int]:
    """The reserves waiting and the rank the next one gets, in one read (it runs under the batch lock)."""
    figures = batch.registrations.aggregate(
        n=Count("pk", filter=Q(status=RegistrationStatus.RESERVE)), m=Max("reserve_rank")
    )
    return figures["n"], (figures["m"] or 0) + 1


def _take_seat(registration: Registration, batch: Batch, now: datetime.datetime) -> None:
    Batch.objects.filter(pk=batch.pk).update(seats_taken=F("seats_taken") + 1)
    batch.seats_taken += 1
    registration.status = RegistrationStatus.ACCEPTED
    registration.reserve_rank = None
    registration.decided_at = now
    registration.confirm_by = timezone.localdate(now) + datetime.timedelta(days=batch.confirm_days)


def _free_seat(batch: Batch) -> None:
    Batch.objects.filter(pk=batch.pk).update(seats_taken=F("seats_taken") - 1)
    batch.seats_taken -= 1


def _place(registration: Registration, batch: Batch, now: datetime.datetime) -> bool:
    """Gives a seat if one is left, else the next reserve rank; False when both are full."""
    if batch.seats_taken < batch.quota:
        _take_seat(registration, batch, now)
        return True
    reserves, next_rank = _reserve_count_and_next_rank(batch)
    if reserves < batch.reserve_seats:
        registration.status = RegistrationStatus.RESERVE
        registration.reserve_rank = next_rank
        registration.decided_at = now
        return True
    return False


def _promote_reserves(batch: Batch, now: datetime.datetime) -> list[Registration]:
    promoted = []
    while batch.seats_taken < batch.quota:
        candidate = (
            batch.registrations.select_for_update()
            .filter(status=RegistrationStatus.RESERVE)
            .order_by("reserve_rank")
            .first()
        )
        if candidate is None:
            break
        _take_seat(candidate, batch, now)
        candidate.save()
        _notify(candidate)
        promoted.append(candidate)
    return promoted


def _batch_full_error() -> ValidationError:
    return ValidationError(
        _("This batch is full and its reserve list too. Please choose another batch."), code="batch_full"
    )


def _store_documents(registration: Registration, documents: dict) -> list:
    """Writes the uploads to storage before any lock is taken; returns the stored files."""
    stored = []
    try:
        for name, upload in documents.items():
            if upload:
                getattr(registration, name).save(upload.name, upload, save=False)
                stored.append(getattr(registration, name))
    except BaseException:
        _delete_files(stored)
        raise
    return stored


def _delete_files(files) -> None:
    for file in files:
        file.delete(save=False)


@audited
def registration_create(
    *,
    person: Person,
    batch: Batch,
    channel: str = Channel.ONLINE,
    join_reserve: bool = True,
    ktp_document=None,
    diploma_document=None,
    actor=None,
    now: datetime.datetime | None = None,
    eligibility_checked: bool = False,
) -> Registration:
    """Registers a person; a first-come batch decides the seat at once, others wait for selection.

    The eligibility reads and the uploads happen first, without the batch lock; only the decision
    and the insert hold it. A refused registration leaves no file behind. ``eligibility_checked``:
    the caller has just read ``eligibility_errors`` for this person and batch and found none (the
    registration form does, to show the problems), so they are not read twice; the batch's dates are
    still read again under the lock, and the unique constraint refuses a second registration.
    """
    if not eligibility_checked:
        check_eligible(person=person, batch=batch, today=timezone.localdate(now) if now else timezone.localdate())
    registration = Registration(person=person, batch_id=batch.pk, channel=channel, created_by=actor)
    stored = _store_documents(registration, {"ktp_document": ktp_document, "diploma_document": diploma_document})
    try:
        with transaction.atomic():
            _decide_registration(registration, batch, join_reserve=join_reserve, now=now)
    except BaseException:
        _delete_files(stored)
        raise
    return registration


def _decide_registration(
    registration: Registration, batch: Batch, *, join_reserve: bool, now: datetime.datetime | None
) -> None:
    batch = _lock_batch_for_decision(batch)
    now = now or timezone.now()  # read after the lock, so decision times follow the decision order
    if not batch.is_registration_open(timezone.localdate(now)):
        # Closed or withdrawn since the eligibility check: the same errors, read again under the lock.
        check_eligible(person=registration.person, batch=batch, today=timezone.localdate(now))
    registration.batch = batch
    registration.created_at = now
    if batch.selection_method == SelectionMethod.FIRST_COME:
        if batch.seats_left == 0 and not join_reserve:
            if _reserve_count(batch) >= batch.reserve_seats:
                raise _batch_full_error()  # no reserve place to offer either
            raise ValidationError(
                _("This batch is full. Tick “join the reserve list” to be registered as a reserve."),
                code="batch_full_offer_reserve",
            )
        if not _place(registration, batch, now):
            raise _batch_full_error()
    try:
        registration.save()  # no savepoint: a refused insert rolls the whole decision back
    except IntegrityError:
        # Registered meanwhile by another request of theirs: the unique constraint refused the insert.
        raise ValidationError(_("You are already registered for this batch."), code="duplicate") from None
    _notify(registration)


@audited
@transaction.atomic
def registration_verify(*, registration: Registration, actor, now: datetime.datetime | None = None) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Only new registrations can be verified."), code="status")
    registration.status = RegistrationStatus.VERIFIED
    registration.save(update_fields=["status"])
    return registration


@audited
@transaction.atomic
def registration_score(*, registration: Registration, test_score, interview_score, actor) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.test_score = test_score
    registration.interview_score = interview_score
    registration.full_clean(exclude=["person", "batch"], validate_constraints=False)
    registration.save(update_fields=["test_score", "interview_score"])
    return registration


@audited
@transaction.atomic
def registration_accept(
    *, registration: Registration, actor=None, now: datetime.datetime | None = None
) -> Registration:
    """Accepts within the quota, else puts the registration at the end of the reserve list."""
    batch = _lock_batch(registration.batch_id)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.VERIFIED):
        raise ValidationError(_("This registration has already been decided."), code="status")
    if not _place(registration, batch, now):
        raise _batch_full_error()
    registration.save()
    _notify(registration)
    return registration


def _selection_order(batch: Batch):
    return batch.registrations.filter(status=RegistrationStatus.VERIFIED).order_by(
        F("test_score").desc(nulls_last=True), F("interview_score").desc(nulls_last=True), "created_at"
    )


@audited
@transaction.atomic
def batch_select(*, batch: Batch, actor=None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Ranks the verified registrations by score: accepted up to the quota, then reserves, then rejected."""
    now = now or timezone.now()
    batch = _lock_batch(batch.pk)
    counts = {"accepted": 0, "reserve": 0, "rejected": 0}
    for registration in _selection_order(batch).select_for_update():
        if not _place(registration, batch, now):
            registration.status = RegistrationStatus.REJECTED
            registration.reason = _("Did not rank within the quota and the reserve list.")
            registration.decided_at = now
        counts[registration.status] += 1
        registration.save()
        _notify(registration)
    return counts


@audited
@transaction.atomic
def registration_reject(*, registration: Registration, reason: str, actor=None, now=None) -> Registration:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    batch = _lock_batch(registration.batch_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.outcome:
        raise ValidationError(_("A participant who finished the training cannot be rejected."), code="status")
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.REJECTED
    registration.reserve_rank = None
    registration.reason = reason.strip()
    registration.decided_at = now
    registration.save()
    _notify(registration)
    if held_seat:
        _free_seat(batch)
        _promote_reserves(batch, now)
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.ACCEPTED:
        raise ValidationError(_("There is nothing to confirm for this registration."), code="status")
    if registration.confirm_by and timezone.localdate(now) > registration.confirm_by:
        raise ValidationError(_("The confirmation deadline has passed."), code="deadline")
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at"])
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """The person gives up their place; a freed seat goes to the next reserve in this transaction."""
    now = now or timezone.now()
    batch = _lock_batch(registration.batch_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.can_withdraw:
        raise ValidationError(_("This registration can no longer be withdrawn."), code="status")
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.DECLINED if held_seat else RegistrationStatus.WITHDRAWN
    registration.reserve_rank = None
    registration.decided_at = now
    registration.save()
    if held_seat:
        _free_seat(batch)
        _promote_reserves(batch, now)
    return registration


def unconfirmed_expire(*, now: datetime.datetime | None = None) -> int:
    """Seats not confirmed by their deadline go to the next reserve (run daily by Celery beat)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = 0
    overdue = Registration.objects.filter(status=RegistrationStatus.ACCEPTED, confirm_by__lt=today)
    for batch_id in overdue.values_list("batch_id", flat=True).distinct():
        expired += _expire_batch(batch_id=batch_id, today=today, now=now)
    return expired


@transaction.atomic
def _expire_batch(*, batch_id: int, today: datetime.date, now: datetime.datetime) -> int:
    batch = _lock_batch(batch_id)
    overdue = list(
        batch.registrations.select_for_update().filter(status=RegistrationStatus.ACCEPTED, confirm_by__lt=today)
    )
    for registration in overdue:
        registration.status = RegistrationStatus.EXPIRED
        registration.decided_at = now
        registration.save()
        _notify(registration)
        _free_seat(batch)
    _promote_reserves(batch, now)
    return len(overdue)


# --- During and after the training ---------------------------------------------------------


def participants(batch: Batch):
    return batch.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related("person")


@audited
@transaction.atomic
def attendance_record(*, batch: Batch, day: datetime.date, present_ids: set[int], actor) -> int:
    """Records one training day for the whole class: present if listed, absent otherwise."""
    if day not in batch.training_days:
        raise ValidationError({"day": _("%(day)s is not a training day of this batch.") % {"day": day}})
    rows = []
    for registration in participants(batch):
        # One row at a time (a class is a few dozen) so that every change lands in the audit history.
        row, _created = Attendance.objects.update_or_create(
            registration=registration,
            day=day,
            defaults={"present": registration.pk in present_ids, "recorded_by": actor},
        )
        rows.append(row)
    return len(rows)


def attendance_percent(registration: Registration, batch: Batch) -> int:
    days = len(batch.training_days) or 1
    present = registration.attendance.filter(present=True).count()
    return round(100 * present / days)


@audited
@transaction.atomic
def batch_complete(*, batch: Batch, actor=None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Graduates the confirmed participants who reached the attendance threshold."""
    now = now or timezone.now()
    batch = _lock_batch(batch.pk)
    if timezone.localdate(now) < batch.end_date:
        raise ValidationError(_("The training has not ended yet."), code="not_ended")
    counts = {Outcome.GRADUATED: 0, Outcome.DROPPED_OUT: 0}
    for registration in participants(batch).filter(outcome="").select_for_update():
        passed = attendance_percent(registration, batch) >= batch.min_attendance_percent
        registration.outcome = Outcome.GRADUATED if passed else Outcome.DROPPED_OUT
        registration.completed_at = now
        registration.save(update_fields=["outcome", "completed_at"])
        counts[registration.outcome] += 1
    batch.status = BatchStatus.FINISHED
    batch.save(update_fields=["status"])
    return {str(k): v for k, v in counts.items()}


@audited
@transaction.atomic
def registration_set_outcome(*, registration: Registration, outcome: str, actor=None, now=None) -> Registration:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose graduated or dropped out.")})
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(_("Only confirmed participants can graduate or drop out."), code="status")
    registration.outcome = outcome
    registration.completed_at = now or timezone.now()
    registration.save(update_fields=["outcome", "completed_at"])
    return registration


@audited
@transaction.atomic
def competency_record(
    *,
    registration: Registration,
    result: str,
    tested_on: datetime.date,
    certificate_number: str = "",
    issuer: str = "",
    issued_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    actor=None,
) -> Registration:
    """Records the competency test (UJK); a BNSP certificate number becomes a Certification."""
    registration = Registration.objects.select_for_update().select_related("batch__programme").get(pk=registration.pk)
    if registration.outcome != Outcome.GRADUATED:
        raise ValidationError(_("Only graduates take the competency test."), code="status")
    if result not in CompetencyResult.values:
        raise ValidationError({"result": _("Choose competent or not yet competent.")})
    registration.competency_result = result
    registration.competency_tested_on = tested_on
    if result == "competent" and certificate_number:
        programme = registration.batch.programme
        certification = registration.certification or Certification(person_id=registration.person_id)
        certification.scheme = programme.competency_scheme or programme.name
        certification.number = certificate_number.strip()
        certification.issuer = issuer.strip()
        certification.issued_on = issued_on or tested_on
        certification.valid_until = valid_until
        certification.full_clean()
        certification.save()
        registration.certification = certification
    registration.save(update_fields=["competency_result", "competency_tested_on", "certification"])
    return registration


def _certificate_number(registration: Registration, issued_on: datetime.date) -> str:
    return f"BLK/{issued_on:%Y}/{registration.batch.code}/{registration.pk:06d}"


@transaction.atomic
def certificate_issue(*, registration: Registration, now: datetime.datetime | None = None) -> ParticipantCertificate:
    """Creates the participant certificate once; its PDF is rendered by Celery after commit."""
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().select_related("batch").get(pk=registration.pk)
    if registration.outcome != Outcome.GRADUATED:
        raise ValidationError(_("A certificate is issued only to graduates."), code="status")
    issued_on = timezone.localdate(now)
    certificate, _created = ParticipantCertificate.objects.get_or_create(
        registration=registration,
        defaults={"number": _certificate_number(registration, issued_on), "issued_on": issued_on},
    )
    certificate_render_later(certificate)
    return certificate


def certificate_render_later(certificate: ParticipantCertificate) -> None:
    from .tasks import certificate_render

    outbox.send(certificate_render, certificate.pk, actor_id=current_actor_id())


# --- Alumni tracer ------------------------------------------------------------------------


def tracer_due_milestone(graduated_on: datetime.date, today: datetime.date) -> int | None:
    """The milestone (3, 6 or 12 months) whose window contains today, if any."""
    due = None
    for months in TracerResponse.MILESTONES:
        if add_months(graduated_on, months) <= today:
            due = months
    if due == 12 and today >= add_months(graduated_on, 15):
        return None
    return due


@transaction.atomic
def tracer_open_due(*, now: datetime.datetime | None = None) -> list[TracerResponse]:
    """Opens the tracer requests that fall due today; safe to run again (one per milestone)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    opened = []
    graduates = Registration.objects.filter(outcome=Outcome.GRADUATED, batch__end_date__lte=add_months(today, -3))
    for registration in graduates.select_related("batch").iterator():
        months = tracer_due_milestone(registration.batch.end_date, today)
        if months is None:
            continue
        response, created = TracerResponse.objects.get_or_create(
            registration=registration, months_after=months, defaults={"requested_at": now}
        )
        if created:
            opened.append(response)
            from .tasks import tracer_send_request

            outbox.send(tracer_send_request, response.pk)
    return opened


@audited
@transaction.atomic
def tracer_answer(*, response: TracerResponse, data: dict, channel: str, actor=None, now=None) -> TracerResponse:
    response = TracerResponse.objects.select_for_update().get(pk=response.pk)
    for field in ("status", "company", "position", "wage_band", "relevance"):
        setattr(response, field, data.get(field) or ("" if field != "relevance" else None))
    if response.status in ("working", "self_employed") and not (response.company or response.position):
        raise ValidationError({"company": _("Tell us where you work or what your business is.")})
    response.channel = channel
    response.answered_at = now or timezone.now()
    response.entered_by = actor
    response.full_clean()
    response.save()
    return response


# --- Staff workflows (admin and staff pages) -------------------------------------------------


@audited
@transaction.atomic
def batch_promote_reserves(*, batch: Batch, actor=None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Frees this batch's seats not confirmed in time, then fills every free seat from the reserve list.

    Free seats also appear when staff raise the quota after the selection.
    """
    now = now or timezone.now()
    batch = _lock_batch(batch.pk)
    reserves_before = _reserve_count(batch)
    expired = _expire_batch(batch_id=batch.pk, today=timezone.localdate(now), now=now)
    return {"expired": expired, "promoted": reserves_before - _reserve_count(batch)}


def _names_match(a: str, b: str) -> bool:
    def simplify(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalpha())

    return simplify(a) == simplify(b)


@audited
@transaction.atomic
def walk_in_register(
    *,
    nik: str,
    person_fields: dict,
    batch: Batch,
    ktp_document=None,
    diploma_document=None,
    actor,
    now: datetime.datetime | None = None,
) -> Registration:
    """Registers a person at the office: the known NIK is used when name and birth date match, else a
    new person is created. One transaction, so a refused registration leaves no new person behind."""
    person = Person.objects.filter(nik=normalize_nik(nik)).first()
    if person is None:
        person = person_create(nik=nik, **person_fields)
    elif not _names_match(person.name, person_fields["name"]) or person.birth_date != person_fields["birth_date"]:
        raise ValidationError(
            {"nik": _("This NIK belongs to a person with another name or date of birth. Check the KTP.")},
            code="nik_mismatch",
        )
    return registration_create(
        person=person, batch=batch, channel=Channel.WALK_IN, ktp_document=ktp_document,
        diploma_document=diploma_document, actor=actor, now=now,
    )  # fmt: skip
