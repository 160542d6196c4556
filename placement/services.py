"""Company workflows: registration and verification, HR users, vacancy, placement and layoff reports.

A placement into a vacancy is decided inside the transaction holding the vacancy's row lock
(``select_for_update``), so concurrent reports can never fill more positions than the headcount;
the database's check constraint ``filled <= headcount`` is the last guard.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from disnaker import outbox
from disnaker.audit import audited
from disnaker.models import KbliSection, Person
from disnaker.nik import normalize_nik, parse_nik
from disnaker.services import account_create_invited, account_for_email, person_create

from .models import Company, CompanyUser, LayoffReport, Placement, Vacancy, VacancyStatus
from .sources import placement_source

# What HR may set by hand; "not updated" is the office's mark for a report left without news.
HR_VACANCY_STATUSES = (VacancyStatus.OPEN, VacancyStatus.SELECTION, VacancyStatus.FILLED, VacancyStatus.CLOSED)


def kbli_matches_section(code: str, section: KbliSection) -> bool:
    """The first two digits of a KBLI code are its division; ``section.divisions`` is "10-33" or "35"."""
    low, _sep, high = section.divisions.partition("-")
    try:
        division = int(code[:2])
        return int(low) <= division <= int(high or low)
    except ValueError:
        return False


def _kbli_error(section: KbliSection) -> ValidationError:
    return ValidationError(
        {
            "kbli_code": _(
                "A KBLI code of section %(section)s starts with one of the divisions %(divisions)s. "
                "Check the code on your NIB."
            )
            % {"section": section.section, "divisions": section.divisions}
        }
    )


def _require_verified(company: Company) -> None:
    if not company.is_verified:
        raise ValidationError(_("Your company is waiting for verification by the office."), code="not_verified")


def _email_taken(email: str) -> bool:
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


# --- Companies ------------------------------------------------------------------------------


@transaction.atomic
def company_register(*, hr_name: str, hr_email: str, password: str, **company_fields) -> CompanyUser:
    """A new company waiting for verification, with its first HR user, all or nothing."""
    User = get_user_model()
    hr_email = User.objects.normalize_email(hr_email).strip().lower()
    company = Company(status=Company.Status.PENDING, contact_name=hr_name, **company_fields)
    errors = {}
    if Company.objects.filter(nib=company.nib).exists():
        errors["nib"] = _("A company with this NIB is already registered. Ask its HR staff to invite you.")
    if _email_taken(hr_email):
        errors["hr_email"] = _("An account with this e-mail already exists. Use another e-mail, or log in.")
    if errors:
        raise ValidationError(errors)
    if company.kbli_section_id and not kbli_matches_section(company.kbli_code, company.kbli_section):
        raise _kbli_error(company.kbli_section)
    company.full_clean()
    first, _sep, last = hr_name.strip().partition(" ")
    user = User(username=hr_email, email=hr_email, first_name=first[:150], last_name=last[:150])
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            company.save()
            user.save()
    except IntegrityError:  # the same NIB or e-mail registered by a concurrent request
        raise ValidationError(_("This company or e-mail was registered a moment ago. Try logging in.")) from None
    return CompanyUser.objects.create(user=user, company=company)


def _decide(company: Company, status: str, actor, note: str, now) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.status = status
    company.status_note = note
    company.verified_at = now or timezone.now()
    company.verified_by = actor
    company.save(update_fields=["status", "status_note", "verified_at", "verified_by"])
    from . import tasks

    outbox.send(tasks.company_send_decision, company.pk)
    return company


@audited
@transaction.atomic
def company_verify(*, company: Company, actor, now: datetime.datetime | None = None) -> Company:
    return _decide(company, Company.Status.VERIFIED, actor, "", now)


@audited
@transaction.atomic
def company_reject(*, company: Company, actor, note: str, now: datetime.datetime | None = None) -> Company:
    if not note.strip():
        raise ValidationError({"status_note": _("Say why the registration is rejected.")})
    return _decide(company, Company.Status.REJECTED, actor, note.strip(), now)


@audited
@transaction.atomic
def company_user_invite(*, company: Company, email: str, actor) -> CompanyUser:
    """Another HR user of the company, without a password; the e-mailed link lets them set one."""
    email, user = account_for_email(email)
    if user is None:
        user = account_create_invited(email=email)
    elif user.is_staff:
        raise ValidationError({"email": _("Staff accounts cannot be company HR users.")})
    elif hasattr(user, "company_user") and user.company_user.company_id != company.pk:
        raise ValidationError({"email": _("This e-mail is already an HR user of another company.")})
    elif not hasattr(user, "company_user"):
        # A job seeker's or LPK operator's account stays theirs: an HR account needs its own e-mail.
        raise ValidationError({"email": _("This e-mail already has another kind of account. Use a work e-mail.")})
    company_user, _created = CompanyUser.objects.update_or_create(
        user=user, defaults={"company": company, "is_active": True, "invited_by": actor}
    )
    from . import tasks

    outbox.send(tasks.company_send_invitation, company_user.pk)
    return company_user


# --- Vacancies ------------------------------------------------------------------------------


@audited
@transaction.atomic
def vacancy_report(*, company: Company, actor, now: datetime.datetime | None = None, **fields) -> Vacancy:
    _require_verified(company)
    vacancy = Vacancy(company=company, reported_by=actor, reported_at=now or timezone.now(), **fields)
    vacancy.full_clean()
    vacancy.save()
    return vacancy


@audited
@transaction.atomic
def vacancy_update_status(*, vacancy: Vacancy, status: str, actor) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update().select_related("company").get(pk=vacancy.pk)
    _require_verified(vacancy.company)
    if status not in HR_VACANCY_STATUSES:
        raise ValidationError({"status": _("This status cannot be chosen.")})
    vacancy.status = status
    vacancy.save(update_fields=["status"])
    return vacancy


# --- Placements -----------------------------------------------------------------------------


def _person_for(nik: str, name: str) -> Person:
    person = Person.objects.filter(nik=nik).first()
    if person is not None:
        return person
    info = parse_nik(nik)
    try:
        return person_create(nik=nik, name=name, sex=info.sex, birth_date=info.birth_date)
    except ValidationError:
        person = Person.objects.filter(nik=nik).first()  # created by a concurrent report meanwhile
        if person is None:
            raise
        return person


def _take_position(company: Company, vacancy: Vacancy) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.company_id != company.pk:
        raise ValidationError({"vacancy": _("This vacancy belongs to another company.")})
    if vacancy.filled >= vacancy.headcount:
        raise ValidationError({"vacancy": _("All positions of this vacancy are filled.")}, code="full")
    full = vacancy.filled + 1 >= vacancy.headcount
    changes = {"filled": F("filled") + 1}
    if full:
        changes["status"] = VacancyStatus.FILLED
    Vacancy.objects.filter(pk=vacancy.pk).update(**changes)
    vacancy.refresh_from_db(fields=["filled", "status"])
    return vacancy


@audited
@transaction.atomic
def placement_report(
    *,
    company: Company,
    actor,
    nik: str,
    name: str,
    position: str,
    start_date: datetime.date,
    contract_type: str,
    wage_band: str = "",
    vacancy: Vacancy | None = None,
    now: datetime.datetime | None = None,
) -> Placement:
    """One worker placed; linked by NIK to the person, whose records decide the source."""
    _require_verified(company)
    try:
        nik = normalize_nik(nik)
        parse_nik(nik)
    except ValidationError as error:
        raise ValidationError({"nik": error.messages}) from None
    if vacancy is not None:
        vacancy = _take_position(company, vacancy)
    person = _person_for(nik, name)
    placement = Placement(
        company=company, vacancy=vacancy, person=person, nik=nik, name=name, position=position,
        start_date=start_date, contract_type=contract_type, wage_band=wage_band,
        source=placement_source(person), is_local_resident=person.is_local_resident,
        reported_at=now or timezone.now(), reported_by=actor,
    )  # fmt: skip
    placement.full_clean()
    placement.save()
    from .cards import card_record_placement  # AK/1: a placed holder's card records where they work

    card_record_placement(person=person, company_name=company.name, start_date=start_date)
    return placement


@dataclass
class PlacementRow:
    """One line of an uploaded placement list, numbered as in the spreadsheet."""

    row: int
    nik: str
    name: str
    position: str
    start_date: datetime.date
    contract_type: str
    wage_band: str = ""


@audited
@transaction.atomic
def placement_report_many(
    *, company: Company, actor, rows: list[PlacementRow], vacancy: Vacancy | None = None, now=None
) -> list[Placement]:
    """Every row, or none: the first row refused names its row number."""
    placements = []
    for row in rows:
        fields = {k: v for k, v in vars(row).items() if k != "row"}
        try:
            placements.append(placement_report(company=company, actor=actor, vacancy=vacancy, now=now, **fields))
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s: %(message)s") % {"row": row.row, "message": " ".join(error.messages)}
            ) from None
    return placements


# --- Layoffs --------------------------------------------------------------------------------


@audited
@transaction.atomic
def layoff_report(*, company: Company, date: datetime.date, count: int, reason: str, actor, now=None) -> LayoffReport:
    _require_verified(company)
    report = LayoffReport(
        company=company, date=date, count=count, reason=reason, reported_by=actor, reported_at=now or timezone.now()
    )
    report.full_clean()
    report.save()
    return report
