"""Private training institutions (LPK): licences, accreditation, supervision and graduate reports."""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disnaker.audit import HistoricalRecords
from disnaker.fields import NikField, PersonNameField, TitleField
from disnaker.models import EmploymentStatus, Kelurahan, Person, SentReminder, Sex, TrigramIndex
from disnaker.storage import private_storage, private_upload_to

nib_validator = RegexValidator(r"^\d{13}$", _("The NIB must be exactly 13 digits."), code="nib")


class LegalForm(models.TextChoices):
    FOUNDATION = "yayasan", _("Foundation (yayasan)")
    LIMITED = "pt", _("Limited company (PT)")
    PARTNERSHIP = "cv", _("Partnership (CV)")
    ASSOCIATION = "perkumpulan", _("Association (perkumpulan)")
    COOPERATIVE = "koperasi", _("Cooperative (koperasi)")
    INDIVIDUAL = "perorangan", _("Individual")
    GOVERNMENT = "pemerintah", _("Government")


class Institution(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        FROZEN = "frozen", _("Frozen")

    name = TitleField(_("name"), max_length=200)
    nib = models.CharField(_("NIB"), max_length=13, unique=True, validators=[nib_validator])
    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices)
    address = models.TextField(_("address"))
    kelurahan = models.ForeignKey(
        Kelurahan, verbose_name=_("kelurahan"), on_delete=models.PROTECT, null=True, blank=True, related_name="lpks"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    head_name = PersonNameField(_("head of the institution"), max_length=150, blank=True)
    vocations = models.CharField(
        _("vocations offered"), max_length=255, blank=True, help_text=_("Separate the vocations with commas.")
    )
    instructors_count = models.PositiveSmallIntegerField(_("number of instructors"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("training institution (LPK)")
        verbose_name_plural = _("training institutions (LPK)")
        constraints = [
            models.CheckConstraint(condition=models.Q(nib__regex=r"^[0-9]{13}$"), name="institution_nib_13_digits"),
        ]

    def __str__(self):
        return self.name

    @property
    def vocation_list(self) -> list[str]:
        return [v.strip() for v in self.vocations.split(",") if v.strip()]


class ExpiringQuerySet(models.QuerySet):
    def expiring_within(self, days: int, *, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days))


class Expiring(models.Model):
    """A document valid until a date: licences and accreditations."""

    valid_until = models.DateField(_("valid until"))

    objects = ExpiringQuerySet.as_manager()

    class Meta:
        abstract = True

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.valid_until - (today or timezone.localdate())).days

    @property
    def is_expired(self) -> bool:
        return self.days_left() < 0


class Licence(Expiring):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="licences"
    )
    number = models.CharField(_("licence number"), max_length=100, unique=True)
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    document = models.FileField(
        _("licence document"), storage=private_storage, upload_to=private_upload_to("licences"), blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")), name="licence_valid_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["valid_until"], name="licence_valid_until_idx"),  # the admin's order
            # An institution's first licence: when its reporting duty began (compliance.licensed_since).
            models.Index(fields=["institution", "issued_on"], name="licence_first_idx"),
        ]

    def __str__(self):
        return self.number


class Accreditation(Expiring):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="accreditations"
    )
    body = models.CharField(_("accrediting body"), max_length=100, default="LA-LPK")
    result = models.CharField(_("result / grade"), max_length=60)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="accreditation_valid_range"
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="accreditation_valid_until_idx")]

    def __str__(self):
        return f"{self.body} {self.result}"


class SupervisionActivity(models.Model):
    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance (pembinaan)")
        VISIT = "visit", _("Monitoring visit")
        SOCIALISATION = "socialisation", _("Socialisation")

    date = models.DateField(_("date"))
    title = TitleField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    institutions = models.ManyToManyField(
        Institution, through="SupervisionParticipation", verbose_name=_("participating institutions")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")

    def __str__(self):
        return f"{self.title} ({self.date:%d-%m-%Y})"


class SupervisionParticipation(models.Model):
    activity = models.ForeignKey(SupervisionActivity, on_delete=models.CASCADE, related_name="participations")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="participations"
    )
    headcount = models.PositiveSmallIntegerField(_("participants"), default=1)

    class Meta:
        verbose_name = _("participating institution")
        verbose_name_plural = _("participating institutions")
        constraints = [
            models.UniqueConstraint(fields=["activity", "institution"], name="participation_once_per_activity"),
        ]

    def __str__(self):
        return f"{self.institution} × {self.headcount}"


class Operator(models.Model):
    """A user's membership of one institution: what the operator portal shows them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="lpk_operator"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="operators"
    )
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["institution__name"]
        verbose_name = _("LPK operator")
        verbose_name_plural = _("LPK operators")

    def __str__(self):
        return f"{self.user.email} — {self.institution}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")


# Days after the end of a quarter by which its report is due.
REPORT_DUE_DAYS = 15


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
    return first, last


class GraduateReport(models.Model):
    """An institution's graduates in one quarter: per programme and per graduate."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-quarter", "institution__name"]
        verbose_name = _("graduate report")
        verbose_name_plural = _("graduate reports")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "quarter"],
                name="graduate_report_one_per_quarter",
                violation_error_message=_("This institution already has a report for that quarter."),
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_4"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The summaries and the compliance page read a quarter's reports across all institutions
            # (which of them reported: the institution is in the index, so the table is not read).
            models.Index(fields=["year", "quarter", "status", "institution"], name="graduate_report_period_idx"),
            # The review queue, in its order; its count on the dashboard reads only this small index.
            models.Index(
                fields=["submitted_at"], condition=models.Q(status="submitted"), name="report_review_queue_idx"
            ),
        ]

    def __str__(self):
        return f"{self.institution} — {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return quarter_bounds(self.year, self.quarter)

    @property
    def due_date(self) -> datetime.date:
        return self.period[1] + datetime.timedelta(days=REPORT_DUE_DAYS)

    @property
    def is_editable_by_operator(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def submitted_on_time(self) -> bool | None:
        if not self.submitted_at:
            return None
        return timezone.localdate(self.submitted_at) <= self.due_date


class ReportProgrammeLine(models.Model):
    report = models.ForeignKey(GraduateReport, on_delete=models.CASCADE, related_name="programme_lines")
    programme = TitleField(_("programme"), max_length=200)
    vocation = TitleField(_("vocation"), max_length=100, blank=True)
    enrolled_male = models.PositiveIntegerField(_("enrolled (men)"), default=0)
    enrolled_female = models.PositiveIntegerField(_("enrolled (women)"), default=0)
    graduates_male = models.PositiveIntegerField(_("graduates (men)"), default=0)
    graduates_female = models.PositiveIntegerField(_("graduates (women)"), default=0)

    class Meta:
        ordering = ["programme"]
        verbose_name = _("programme line")
        verbose_name_plural = _("programme lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "programme"], name="programme_line_once_per_report"),
            models.CheckConstraint(
                condition=models.Q(graduates_male__lte=models.F("enrolled_male"))
                & models.Q(graduates_female__lte=models.F("enrolled_female")),
                name="programme_line_graduates_within_enrolled",
            ),
        ]

    def __str__(self):
        return self.programme

    @property
    def enrolled(self) -> int:
        return self.enrolled_male + self.enrolled_female

    @property
    def graduates(self) -> int:
        return self.graduates_male + self.graduates_female


GraduateStatus = EmploymentStatus


class ReportGraduate(models.Model):
    """One graduate in a report, linked by NIK to the shared person record."""

    report = models.ForeignKey(GraduateReport, on_delete=models.CASCADE, related_name="graduates")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lpk_graduations")
    nik = NikField(_("NIK"))
    name = PersonNameField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    programme = TitleField(_("programme"), max_length=200)
    certified = models.BooleanField(_("certified"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    status = models.CharField(_("current status"), max_length=15, choices=GraduateStatus.choices)
    company = TitleField(_("company or business"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reported graduate")
        verbose_name_plural = _("reported graduates")
        constraints = [
            models.UniqueConstraint(fields=["report", "nik"], name="report_graduate_once_per_report"),
        ]
        indexes = [
            models.Index(fields=["nik"]),
            models.Index(fields=["name", "-id"], name="report_graduate_name_idx"),  # the admin's order
            TrigramIndex(fields=["name", "company"], name="report_graduate_search_trgm"),
        ]

    def __str__(self):
        return self.name


class ReportEvent(models.Model):
    """The review trail of a report: each submission, return and acceptance with its comment."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    report = models.ForeignKey(GraduateReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    graduates_count = models.PositiveIntegerField(_("graduates in the report"), default=0)

    class Meta:
        ordering = ["at"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d-%m-%Y}"


LPK_REMINDER = "lpk_registry.reminder"


class LpkReminderManager(models.Manager):
    """The core ledger's rows of LPK reminders only; rows made here are of that kind."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=LPK_REMINDER)

    def create(self, **kwargs):
        return super().create(**{"kind": LPK_REMINDER, **kwargs})


class ReminderSent(SentReminder):
    """The LPK reminders in the core send-once ledger; the key is ``kind:object:threshold``."""

    objects = LpkReminderManager()

    class Meta:
        proxy = True
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key
