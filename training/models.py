"""BLK training: vocations, programmes, batches, registrations and what follows them."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disnaker.audit import HistoricalRecords
from disnaker.fields import TitleField
from disnaker.models import Certification, EducationLevel, EmploymentStatus, Person, TrigramIndex, WageBand
from disnaker.storage import private_storage, private_upload_to


class Vocation(models.Model):
    """A trade (kejuruan): welding, electrical, forklift, sewing, make-up, K3, languages …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = TitleField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vocation")
        verbose_name_plural = _("vocations")

    def __str__(self):
        return self.name


class DomicileRule(models.TextChoices):
    ANY = "any", _("Anyone may register")
    CITY_RESIDENTS = "city", _("Residents of the city only")


class Programme(models.Model):
    vocation = models.ForeignKey(
        Vocation, verbose_name=_("vocation"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = TitleField(_("name"), max_length=200)
    competency_scheme = models.CharField(_("competency scheme"), max_length=200, blank=True)
    competency_units = models.TextField(_("competency units"), blank=True, help_text=_("One unit per line."))
    hours = models.PositiveSmallIntegerField(_("training hours"))
    days = models.PositiveSmallIntegerField(_("training days"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=17)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_education = models.ForeignKey(
        EducationLevel, verbose_name=_("minimum education"), on_delete=models.PROTECT, null=True, blank=True
    )
    domicile_rule = models.CharField(
        _("domicile rule"), max_length=10, choices=DomicileRule.choices, default=DomicileRule.CITY_RESIDENTS
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["vocation__name", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_age__isnull=True) | models.Q(max_age__gte=models.F("min_age")),
                name="programme_age_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def unit_list(self) -> list[str]:
        return [line.strip() for line in self.competency_units.splitlines() if line.strip()]


class Funding(models.TextChoices):
    APBD = "apbd", _("APBD (city budget)")
    APBN = "apbn", _("APBN (national budget)")
    PARTNER = "partner", _("Partner / CSR")
    OTHER = "other", _("Other")


class Venue(models.TextChoices):
    BLK = "blk", _("UPT BLK")
    BBPVP = "bbpvp", _("BBPVP")
    PARTNER = "partner", _("Partner")


class SelectionMethod(models.TextChoices):
    SELECTION = "selection", _("Selection (documents, test, interview)")
    FIRST_COME = "first_come", _("First come, first served")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class BatchQuerySet(models.QuerySet):
    def open_for_registration(self, *, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status=BatchStatus.PUBLISHED, registration_opens__lte=today, registration_closes__gte=today)


class Batch(models.Model):
    """An angkatan / gelombang of a programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="batches"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    phase = models.PositiveSmallIntegerField(_("phase (gelombang)"), default=1)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    venue_type = models.CharField(_("venue type"), max_length=10, choices=Venue.choices, default=Venue.BLK)
    venue = models.CharField(_("venue"), max_length=200)
    quota = models.PositiveSmallIntegerField(_("quota"))
    reserve_seats = models.PositiveSmallIntegerField(_("reserve seats"), default=0)
    funding = models.CharField(_("funding source"), max_length=10, choices=Funding.choices)
    selection_method = models.CharField(
        _("selection method"), max_length=12, choices=SelectionMethod.choices, default=SelectionMethod.SELECTION
    )
    instructors = models.CharField(_("instructors"), max_length=255, blank=True)
    is_accessible = models.BooleanField(_("accessible for people with disabilities"), default=False)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    confirm_days = models.PositiveSmallIntegerField(
        _("days to confirm"), default=3, help_text=_("Accepted participants confirm within this many days.")
    )
    min_attendance_percent = models.PositiveSmallIntegerField(_("minimum attendance for graduation (%)"), default=80)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    # Seats held by accepted or confirmed participants; changed only under the batch row lock.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["seats_taken"])
    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("quota")), name="batch_quota_never_exceeded"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="batch_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes__gte=models.F("registration_opens")),
                name="batch_registration_window",
            ),
            models.CheckConstraint(condition=models.Q(quota__gt=0), name="batch_quota_positive"),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100), name="batch_attendance_percent"
            ),
        ]
        indexes = [models.Index(fields=["status", "registration_closes"])]

    def __str__(self):
        return f"{self.programme} — {self.code}"

    @property
    def seats_left(self) -> int:
        return max(self.quota - self.seats_taken, 0)

    def is_registration_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == BatchStatus.PUBLISHED and self.registration_opens <= today <= self.registration_closes

    @property
    def training_days(self) -> list[datetime.date]:
        """Weekdays from start to end: the days attendance is taken."""
        days, day = [], self.start_date
        while day <= self.end_date:
            if day.weekday() < 5:
                days.append(day)
            day += datetime.timedelta(days=1)
        return days


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Documents verified")
    ACCEPTED = "accepted", _("Accepted — waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed participant")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Not accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Did not confirm in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses that hold one of the batch's seats.
SEAT_STATUSES = (RegistrationStatus.ACCEPTED, RegistrationStatus.CONFIRMED)
# Statuses of a registration still in play (it blocks registering for an overlapping batch).
ACTIVE_STATUSES = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.VERIFIED,
    RegistrationStatus.ACCEPTED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.RESERVE,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WALK_IN = "walk_in", _("At the office (walk-in)")


class Outcome(models.TextChoices):
    GRADUATED = "graduated", _("Graduated")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class CompetencyResult(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_YET_COMPETENT = "not_yet", _("Not yet competent")


class Registration(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="registrations")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    reserve_rank = models.PositiveIntegerField(_("reserve rank"), null=True, blank=True)
    test_score = models.DecimalField(_("test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField(_("interview score"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ktp_document = models.FileField(
        _("KTP scan"), storage=private_storage, upload_to=private_upload_to("ktp"), blank=True
    )
    diploma_document = models.FileField(
        _("latest diploma"), storage=private_storage, upload_to=private_upload_to("diploma"), blank=True
    )
    confirm_by = models.DateField(_("confirm by"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    competency_result = models.CharField(
        _("competency test result"), max_length=10, choices=CompetencyResult.choices, blank=True
    )
    competency_tested_on = models.DateField(_("competency test date"), null=True, blank=True)
    certification = models.OneToOneField(
        Certification,
        verbose_name=_("competency certificate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "batch"],
                name="registration_one_per_person_per_batch",
                violation_error_message=_("This person is already registered for this batch."),
            ),
            models.UniqueConstraint(
                fields=["batch", "reserve_rank"],
                condition=models.Q(reserve_rank__isnull=False),
                name="registration_unique_reserve_rank",
            ),
            models.CheckConstraint(
                condition=models.Q(status="reserve", reserve_rank__isnull=False)
                | (~models.Q(status="reserve") & models.Q(reserve_rank__isnull=True)),
                name="registration_reserve_has_rank",
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "status"]),
            # Also the count of registrations waiting for verification on the dashboard.
            models.Index(fields=["status", "confirm_by"]),
            models.Index(fields=["outcome"]),
            models.Index(fields=["created_at"], name="registration_created_idx"),  # the admin's order
        ]

    def __str__(self):
        return f"{self.person} — {self.batch.code}"

    @property
    def total_score(self):
        if self.test_score is None and self.interview_score is None:
            return None
        return (self.test_score or 0) + (self.interview_score or 0)

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES

    @property
    def can_confirm(self) -> bool:
        return self.status == RegistrationStatus.ACCEPTED

    @property
    def can_withdraw(self) -> bool:
        return self.status in ACTIVE_STATUSES and not self.outcome


class Attendance(models.Model):
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="attendance_one_per_day"),
        ]
        indexes = [models.Index(fields=["day"], name="attendance_day_idx")]

    def __str__(self):
        return f"{self.registration} {self.day:%d-%m-%Y}"


def _verification_code() -> str:
    return secrets.token_urlsafe(12)


class ParticipantCertificate(models.Model):
    """The BLK's own certificate of completion; anyone can check it by its code."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=_verification_code)
    issued_on = models.DateField(_("issued on"))
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=private_upload_to("certificates"), blank=True)
    generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("participant certificate")
        verbose_name_plural = _("participant certificates")
        indexes = [
            models.Index(fields=["issued_on"], name="participant_cert_issued_idx"),
            TrigramIndex(fields=["number"], name="participant_cert_number_trgm"),
        ]

    def __str__(self):
        return self.number


TracerStatus = EmploymentStatus


def _tracer_token() -> str:
    return secrets.token_urlsafe(24)


class TracerResponse(models.Model):
    """An alumni follow-up at +3/+6/+12 months: opened by a task, answered online or by phone."""

    MILESTONES = (3, 6, 12)

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="tracer_responses"
    )
    months_after = models.PositiveSmallIntegerField(_("months after graduation"), choices=[(m, m) for m in MILESTONES])
    token = models.CharField(max_length=48, unique=True, default=_tracer_token, editable=False)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=[("online", _("Online")), ("phone", _("Phone"))], blank=True
    )
    status = models.CharField(_("current status"), max_length=15, choices=TracerStatus.choices, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    wage_band = models.CharField(_("monthly income"), max_length=5, choices=WageBand.choices, blank=True)
    relevance = models.PositiveSmallIntegerField(
        _("relevance of the training (1–5)"), choices=[(i, i) for i in range(1, 6)], null=True, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("alumni tracer response")
        verbose_name_plural = _("alumni tracer responses")
        constraints = [
            models.UniqueConstraint(fields=["registration", "months_after"], name="tracer_one_per_milestone"),
        ]
        indexes = [
            models.Index(fields=["requested_at"], name="tracer_requested_idx"),
            TrigramIndex(fields=["company"], name="tracer_company_trgm"),
        ]

    def __str__(self):
        return f"{self.registration} +{self.months_after}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
