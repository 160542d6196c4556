"""Placement: job seekers' AK/1 cards, companies, vacancy, placement and layoff reports, apprenticeships."""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disnaker.audit import HistoricalRecords
from disnaker.dates import add_months
from disnaker.fields import NikField, PersonNameField, TitleField
from disnaker.models import EducationLevel, KbjiMajorGroup, KbliSection, Kelurahan, Person, TrigramIndex, WageBand
from disnaker.storage import private_storage, private_upload_to

nib_validator = RegexValidator(r"^\d{13}$", _("The NIB must be exactly 13 digits."), code="nib")
kbli_validator = RegexValidator(r"^\d{5}$", _("The KBLI code has 5 digits."), code="kbli")
kbji_validator = RegexValidator(r"^\d{4}$", _("The KBJI code has 4 digits."), code="kbji")


def _registration_number() -> str:
    return secrets.token_hex(5).upper()


# --- AK/1 ----------------------------------------------------------------------------------


class CardStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for verification")
    REVISION = "revision", _("Revision requested")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")


# Applications in play: a person has at most one of these at a time.
OPEN_CARD_STATUSES = (CardStatus.APPLIED, CardStatus.REVISION, CardStatus.ACTIVE)

CARD_VALID_YEARS = 2
REREPORT_MONTHS = (6, 12, 18)


class JobSeekerCard(models.Model):
    """An AK/1 ("kartu kuning") application and, once approved, the card itself."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="ak1_cards")
    status = models.CharField(_("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.APPLIED)
    number = models.CharField(_("card number"), max_length=40, unique=True, null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    education_history = models.TextField(_("education history"), help_text=_("One school per line, with the year."))
    skills = models.TextField(_("skills"), blank=True)
    experience = models.TextField(_("work experience"), blank=True)
    photo = models.FileField(_("photo"), storage=private_storage, upload_to=private_upload_to("ak1-photo"))
    ktp_document = models.FileField(_("KTP scan"), storage=private_storage, upload_to=private_upload_to("ak1-ktp"))
    diploma_document = models.FileField(
        _("latest diploma"), storage=private_storage, upload_to=private_upload_to("ak1-diploma")
    )
    staff_note = models.CharField(_("note from staff"), max_length=255, blank=True)
    renews = models.OneToOneField(
        "self", verbose_name=_("renews card"), on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal"
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    placed_at = models.DateField(_("placed on"), null=True, blank=True)
    placed_with = models.CharField(_("placed with"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_at"]
        verbose_name = _("AK/1 card")
        verbose_name_plural = _("AK/1 cards")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["applied", "revision", "active"]),
                name="ak1_one_open_per_person",
                violation_error_message=_("This person already has an open AK/1 application or an active card."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(number__isnull=False, valid_until__isnull=False),
                name="ak1_active_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            # The admin's order, within a status (the verification queue) and over all cards.
            models.Index(fields=["status", "applied_at"], name="ak1_status_applied_idx"),
            models.Index(fields=["applied_at"], name="ak1_applied_idx"),
            TrigramIndex(fields=["number"], name="ak1_number_trgm"),
        ]

    def __str__(self):
        return self.number or f"{self.person} ({self.get_status_display()})"

    @property
    def rereport_due_dates(self) -> list[datetime.date]:
        if not self.issued_on:
            return []
        return [add_months(self.issued_on, m) for m in REREPORT_MONTHS]


class CardSequence(models.Model):
    """The last card number given per city and year; incremented under a row lock."""

    city_code = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city_code", "year"], name="card_sequence_per_city_year")]

    def __str__(self):
        return f"{self.city_code}/{self.year}: {self.last}"


class CardReport(models.Model):
    """A six-monthly re-report (lapor ulang) of an AK/1 holder."""

    card = models.ForeignKey(JobSeekerCard, verbose_name=_("card"), on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=[("online", _("Online")), ("desk", _("At the desk"))], default="online"
    )
    still_looking = models.BooleanField(_("still looking for work"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on"]
        verbose_name = _("AK/1 re-report")
        verbose_name_plural = _("AK/1 re-reports")
        indexes = [models.Index(fields=["reported_on"], name="ak1_report_reported_idx")]

    def __str__(self):
        return f"{self.card} {self.reported_on:%d-%m-%Y}"


# --- Companies -----------------------------------------------------------------------------


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro (1–4 workers)")
    SMALL = "small", _("Small (5–19 workers)")
    MEDIUM = "medium", _("Medium (20–99 workers)")
    LARGE = "large", _("Large (100 or more workers)")


class Company(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    name = TitleField(_("name"), max_length=200)
    nib = models.CharField(_("NIB"), max_length=13, unique=True, validators=[nib_validator])
    kbli_section = models.ForeignKey(KbliSection, verbose_name=_("KBLI section"), on_delete=models.PROTECT)
    kbli_code = models.CharField(_("KBLI code"), max_length=5, validators=[kbli_validator])
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices)
    address = models.TextField(_("address"))
    kelurahan = models.ForeignKey(
        Kelurahan,
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
    )
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("e-mail"))
    contact_name = PersonNameField(_("HR contact"), max_length=150)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_note = models.CharField(_("status note"), max_length=255, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(condition=models.Q(nib__regex=r"^[0-9]{13}$"), name="company_nib_13_digits"),
            models.CheckConstraint(condition=models.Q(kbli_code__regex=r"^[0-9]{5}$"), name="company_kbli_5_digits"),
        ]
        indexes = [
            # The verification queue in the admin's order; also its count on the dashboard.
            models.Index(fields=["status", "name"], name="company_status_name_idx"),
            models.Index(fields=["name"], condition=models.Q(status="pending"), name="company_pending_queue_idx"),
            TrigramIndex(fields=["name"], name="company_name_trgm"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class CompanyUser(models.Model):
    """An HR user's membership of one company (the /perusahaan/ portal)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="company_user"
    )
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="users")
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("company HR user")
        verbose_name_plural = _("company HR users")

    def __str__(self):
        return f"{self.user.email} — {self.company}"


# --- Vacancies and placements (Perpres 57/2023) -------------------------------------------


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SELECTION = "selection", _("In selection")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    NOT_UPDATED = "not_updated", _("Not updated")


class WorkType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent (PKWTT)")
    CONTRACT = "contract", _("Fixed-term contract (PKWT)")
    DAILY = "daily", _("Daily / piece work")
    PART_TIME = "part_time", _("Part time")
    INTERNSHIP = "internship", _("Internship / apprenticeship")


class SexRequirement(models.TextChoices):
    ANY = "", _("Men or women")
    MALE = "L", _("Men")
    FEMALE = "P", _("Women")


class Vacancy(models.Model):
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="vacancies")
    registration_number = models.CharField(
        _("report number"), max_length=20, unique=True, default=_registration_number, editable=False
    )
    title = TitleField(_("job title"), max_length=200)
    kbji_group = models.ForeignKey(KbjiMajorGroup, verbose_name=_("KBJI major group"), on_delete=models.PROTECT)
    kbji_code = models.CharField(_("KBJI code"), max_length=4, validators=[kbji_validator], blank=True)
    description = models.TextField(_("job description"), blank=True)
    headcount = models.PositiveSmallIntegerField(_("positions"), validators=[MinValueValidator(1)])
    filled = models.PositiveSmallIntegerField(_("filled"), default=0, editable=False)
    open_from = models.DateField(_("open from"))
    open_until = models.DateField(_("open until"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=SexRequirement.choices, blank=True)
    min_education = models.ForeignKey(
        EducationLevel, verbose_name=_("minimum education"), on_delete=models.PROTECT, null=True, blank=True
    )
    skills = models.TextField(_("skills"), blank=True)
    required_certification = models.CharField(
        _("required certification"), max_length=200, blank=True, help_text=_("E.g. Juru Las 3G SMAW, Ahli K3 Umum.")
    )
    experience_years = models.PositiveSmallIntegerField(_("experience (years)"), default=0)
    wage_min = models.PositiveIntegerField(_("minimum wage (Rp/month)"), null=True, blank=True)
    wage_max = models.PositiveIntegerField(_("maximum wage (Rp/month)"), null=True, blank=True)
    location = models.CharField(_("work location"), max_length=200)
    work_type = models.CharField(_("work type"), max_length=12, choices=WorkType.choices)
    local_residents_only = models.BooleanField(_("residents of the city preferred"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=VacancyStatus.choices, default=VacancyStatus.OPEN)
    is_hidden = models.BooleanField(_("hidden from the public list"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["filled"])

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("vacancy report")
        verbose_name_plural = _("vacancy reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("headcount")), name="vacancy_filled_within_headcount"
            ),
            models.CheckConstraint(
                condition=models.Q(open_until__gte=models.F("open_from")), name="vacancy_open_range"
            ),
            models.CheckConstraint(
                condition=models.Q(max_age__isnull=True) | models.Q(max_age__gte=models.F("min_age")),
                name="vacancy_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(wage_max__isnull=True)
                | models.Q(wage_min__isnull=True)
                | models.Q(wage_max__gte=models.F("wage_min")),
                name="vacancy_wage_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "is_hidden", "open_until"]),
            # The admin's order, over all vacancies and within a status.
            models.Index(fields=["reported_at"], name="vacancy_reported_idx"),
            models.Index(fields=["status", "reported_at"], name="vacancy_status_reported_idx"),
            TrigramIndex(fields=["title", "required_certification"], name="vacancy_search_trgm"),
        ]

    def __str__(self):
        return f"{self.title} — {self.company}"

    @property
    def positions_left(self) -> int:
        return max(self.headcount - self.filled, 0)


class PlacementSource(models.TextChoices):
    BLK = "blk", _("BLK graduate")
    LPK = "lpk", _("LPK graduate")
    AK1 = "ak1", _("AK/1 holder")
    OTHER = "other", _("Other")


class Placement(models.Model):
    """One worker placed, as reported by the company; linked by NIK to the shared person."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="placements")
    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements")
    registration_number = models.CharField(
        _("report number"), max_length=20, unique=True, default=_registration_number, editable=False
    )
    nik = NikField(_("NIK"))
    name = PersonNameField(_("name"), max_length=150)
    position = TitleField(_("position"), max_length=200)
    start_date = models.DateField(_("start date"))
    contract_type = models.CharField(_("contract type"), max_length=12, choices=WorkType.choices)
    wage_band = models.CharField(_("wage band"), max_length=5, choices=WageBand.choices, blank=True)
    source = models.CharField(_("source"), max_length=6, choices=PlacementSource.choices, editable=False)
    is_local_resident = models.BooleanField(_("local resident"), editable=False)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("placement report")
        verbose_name_plural = _("placement reports")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "person", "start_date"], name="placement_once_per_person_company_start"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "start_date"]),
            models.Index(fields=["nik"]),
            models.Index(fields=["start_date"], name="placement_start_idx"),  # the admin's order
            models.Index(fields=["company", "start_date"], name="placement_company_start_idx"),  # HR portal
            TrigramIndex(fields=["name", "position"], name="placement_search_trgm"),
        ]

    def __str__(self):
        return f"{self.name} — {self.position} ({self.company})"


# --- Apprenticeships and layoffs -----------------------------------------------------------


class Apprenticeship(models.Model):
    class Destination(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        JAPAN = "japan", _("Japan")
        KOREA = "korea", _("South Korea")
        OTHER = "other", _("Other country")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="apprenticeships"
    )
    programme = TitleField(_("programme"), max_length=200)
    destination = models.CharField(_("destination"), max_length=10, choices=Destination.choices)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    participants = models.ManyToManyField(Person, verbose_name=_("participants"), related_name="apprenticeships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("apprenticeship programme")
        verbose_name_plural = _("apprenticeship programmes")
        constraints = [
            # Permenaker 6/2020: an apprenticeship lasts at most one year.
            models.CheckConstraint(
                condition=models.Q(duration_months__gte=1, duration_months__lte=12),
                name="apprenticeship_at_most_a_year",
            ),
        ]

    def __str__(self):
        return f"{self.programme} ({self.company})"


class LayoffReport(models.Model):
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="layoffs")
    date = models.DateField(_("date of the layoff"))
    count = models.PositiveIntegerField(_("workers laid off"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("layoff report (PHK)")
        verbose_name_plural = _("layoff reports (PHK)")
        constraints = [models.CheckConstraint(condition=models.Q(count__gte=1), name="layoff_count_positive")]

    def __str__(self):
        return f"{self.company} {self.date:%d-%m-%Y}: {self.count}"
