"""The shared core every part stands on: regions, master data, people and their certificates."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import HistoricalRecords
from .fields import NikField, PersonNameField, PlaceNameField
from .nik import FEMALE, MALE, check_person_matches_nik, mask_nik, normalize_nik
from .periods import Period, PeriodKind
from .storage import private_storage


class TrigramIndex(GinIndex):
    """A trigram index (pg_trgm) for the admin's "contains" searches on big tables.

    Django searches ``icontains`` as ``UPPER(column) LIKE UPPER('%…%')``, so the index is on
    ``UPPER(column) gin_trgm_ops`` of each field. PostgreSQL only: other databases (SQLite in
    development) do not get it and scan. The migration that adds the first one creates pg_trgm.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        quote = schema_editor.quote_name
        columns = ", ".join(f"UPPER({quote(model._meta.get_field(f).column)}) gin_trgm_ops" for f in self.fields)
        return f"CREATE INDEX {quote(self.name)} ON {quote(model._meta.db_table)} USING gin ({columns})"

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


class Kecamatan(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan_set")
    code = models.CharField(_("code"), max_length=13, unique=True)
    code_verified = models.BooleanField(
        _("code verified"),
        default=False,
        help_text=_("Off when the code was derived in file order rather than found in an official table."),
    )
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kecamatan__code", "code"]
        verbose_name = _("village (kelurahan)")
        verbose_name_plural = _("villages (kelurahan)")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name_per_kecamatan"),
        ]

    def __str__(self):
        return f"{self.name}, {self.kecamatan.name}"


class EducationLevel(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=60)
    ak1_group = models.CharField(_("group on the AK/1 card"), max_length=10, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is more education."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("education level")
        verbose_name_plural = _("education levels")
        constraints = [models.UniqueConstraint(fields=["rank"], name="education_level_unique_rank")]

    def __str__(self):
        return self.label


class KbliSection(models.Model):
    section = models.CharField(_("section"), max_length=1, unique=True)
    divisions = models.CharField(_("divisions"), max_length=10)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["section"]
        verbose_name = _("KBLI section")
        verbose_name_plural = _("KBLI sections")

    def __str__(self):
        return f"{self.section} — {self.name}"


class KbjiMajorGroup(models.Model):
    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("KBJI major group")
        verbose_name_plural = _("KBJI major groups")

    def __str__(self):
        return f"{self.code} — {self.name}"


class Sex(models.TextChoices):
    MALE = MALE, _("Male")
    FEMALE = FEMALE, _("Female")


class Disability(models.TextChoices):
    NONE = "", _("None")
    PHYSICAL = "fisik", _("Physical")
    VISUAL = "netra", _("Visual (blind / low vision)")
    HEARING = "rungu", _("Hearing")
    SPEECH = "wicara", _("Speech")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental / psychosocial")
    MULTIPLE = "ganda", _("Multiple")


class EmploymentStatus(models.TextChoices):
    """A graduate's situation, asked the same way by the BLK tracer and in LPK reports."""

    WORKING = "working", _("Working")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    NOT_WORKING = "not_working", _("Not yet working")
    STUDYING = "studying", _("Continuing study")


class WageBand(models.TextChoices):
    BELOW_2M = "lt2", _("Below Rp 2 million")
    FROM_2M = "2to4", _("Rp 2–4 million")
    FROM_4M = "4to6", _("Rp 4–6 million")
    ABOVE_6M = "gt6", _("Above Rp 6 million")


class PersonQuerySet(models.QuerySet):
    def by_nik(self, nik: str):
        return self.filter(nik=normalize_nik(nik))


class Person(models.Model):
    """One record per NIK, shared by training, AK/1, LPK graduates and placements."""

    nik = NikField(
        _("NIK"),
        unique=True,
        error_messages={"unique": _("A person with this NIK is already registered.")},
    )
    name = PersonNameField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = PlaceNameField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    address = models.TextField(_("address"), blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan,
        verbose_name=_("kelurahan of domicile"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Leave empty when the person lives outside the city."),
    )
    education = models.ForeignKey(
        EducationLevel, verbose_name=_("last education"), on_delete=models.PROTECT, null=True, blank=True
    )
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, blank=True)
    disability_notes = models.CharField(_("disability notes"), max_length=255, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 \-]{8,20}$", _("Enter a phone number of 8 to 20 digits."))],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("reveal_person_nik", _("Can see full NIK and personal details"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="person_nik_16_digits"),
            models.CheckConstraint(condition=models.Q(sex__in=[MALE, FEMALE]), name="person_sex_valid"),
        ]
        indexes = [
            # The admin's order (name, then newest first) and its search fields.
            models.Index(fields=["name", "-id"], name="person_name_idx"),
            models.Index(fields=["sex", "name", "-id"], name="person_sex_name_idx"),  # names follow sex
            TrigramIndex(fields=["name", "email", "phone"], name="person_search_trgm"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = check_person_matches_nik(nik=self.nik, sex=self.sex, birth_date=self.birth_date)
        errors.pop("nik", None)  # the field validator already reports a malformed NIK
        if errors:
            raise ValidationError(errors)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_local_resident(self) -> bool:
        """Domicile in the city comes from the address (kelurahan), not from the NIK prefix."""
        return self.kelurahan_id is not None

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Certification(models.Model):
    """A competency certificate (e.g. BNSP through an LSP) held by a person."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="certifications"
    )
    scheme = models.CharField(_("scheme / skill"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    issuer = models.CharField(_("issuer (LSP)"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("competency certificate")
        verbose_name_plural = _("competency certificates")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="certification_unique_number_per_issuer"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("issued_on")),
                name="certification_valid_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["issued_on"], name="certification_issued_idx"),
            TrigramIndex(fields=["scheme", "number"], name="certification_search_trgm"),
        ]

    def __str__(self):
        return f"{self.scheme} ({self.number})"

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_until is None or self.valid_until >= day


class NikClaim(models.Model):
    """A sign-up whose NIK belongs to a record it could not claim: staff check the KTP and decide.

    Either the NIK was mistyped (staff correct it and a new person is made) or the account is the
    real owner's (staff link it, taking the record from any other account), so nobody is locked out.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for proof")
        LINKED = "linked", _("Linked to the person")
        CODE = "code", _("Linked by a code sent to the record's e-mail")
        CORRECTED = "corrected", _("NIK corrected")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="nik_claims"
    )
    nik = NikField(_("NIK entered"))
    name = PersonNameField(_("name entered"), max_length=150)
    sex = models.CharField(_("sex entered"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date entered"))
    reason = models.CharField(_("why it needs staff"), max_length=255)
    ktp_document = models.FileField(
        _("KTP scan"), storage=private_storage, upload_to="claims/ktp/", blank=True,
        help_text=_("Uploaded by the applicant: compare it with the record before linking."),
    )  # fmt: skip
    # The one-time code sent to the e-mail already on the record: only its keyed hash is kept.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    staff_note = models.CharField(_("staff note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("NIK claim")
        verbose_name_plural = _("NIK claims")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="open"), name="nik_claim_one_open_per_account"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


class PendingSignup(models.Model):
    """A sign-up whose e-mail address is not confirmed yet: the account stays inactive, and what the
    applicant typed waits here. Only the confirmation link makes a person or a NIK claim of it, so an
    address nobody reads never holds a NIK."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="pending_signup"
    )
    nik = NikField(_("NIK entered"))
    details = models.JSONField(_("details entered"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("unconfirmed sign-up")
        verbose_name_plural = _("unconfirmed sign-ups")

    def __str__(self):
        return self.user.get_username()


def totals_of(figures: dict) -> dict:
    """``{figure key: total}`` of a summary's figures."""
    values = (figures or {}).get("figures") or {}
    return {key: value.get("total") for key, value in values.items() if isinstance(value, dict)}


class SummaryQuerySet(models.QuerySet):
    def stuck(self, *, now: datetime.datetime) -> "SummaryQuerySet":
        """Queued or running builds that showed no life for SUMMARY_STUCK_AFTER seconds (see ``is_stuck``)."""
        cutoff = now - datetime.timedelta(seconds=settings.SUMMARY_STUCK_AFTER)
        waiting = models.Q(state__in=[Summary.State.QUEUED, Summary.State.RUNNING])
        quiet = models.Q(queued_at__lt=cutoff) | models.Q(queued_at__isnull=True)
        quiet &= models.Q(started_at__lt=cutoff) | models.Q(started_at__isnull=True)
        return self.filter(waiting & quiet)

    def visible(self) -> "SummaryQuerySet":
        """Summaries with built figures: the last good build stays readable while a rebuild runs or fails."""
        return self.filter(built_at__isnull=False)


class Summary(models.Model):
    """The figures of one period for one scope, built by Celery and kept as a snapshot.

    One row per (period kind, period start, scope): a build updates the row in place. A period that
    has ended is frozen once built after its end; only a deliberate rebuild changes it again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period_kind = models.CharField(_("period type"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    scope = models.CharField(_("scope"), max_length=20, default="city")
    state = models.CharField(_("build state"), max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # Each figure's total, kept beside the figures on every save: what the dashboard reads.
    totals = models.JSONField(_("totals"), default=dict, blank=True, editable=False)
    data_version = models.CharField(
        _("data version"),
        max_length=80,
        blank=True,
        help_text=_("Version of the figure definitions and a fingerprint of the figures."),
    )
    builds = models.PositiveIntegerField(_("number of builds"), default=0)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("build started at"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), null=True, blank=True)
    pdf = models.FileField(_("PDF report"), storage=private_storage, upload_to="summaries/", blank=True)
    pdf_built_at = models.DateTimeField(_("PDF built at"), null=True, blank=True)
    is_published = models.BooleanField(_("published on the statistics page"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["figures", "totals"])

    objects = SummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "period_kind"]
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        # What the public statistics page shows is the office's official word: not every officer's.
        permissions = [("publish_summary", _("Can publish summaries on the public statistics page"))]
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "scope"], name="summary_one_per_period_scope"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="summary_period_order"
            ),
        ]
        indexes = [models.Index(fields=["is_published", "period_kind", "-period_start"], name="summary_published_idx")]

    def __str__(self):
        return f"{self.period.label} ({self.get_state_display()})"

    def save(self, *args, **kwargs):
        self.totals = totals_of(self.figures)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "figures" in update_fields:
            kwargs["update_fields"] = {*update_fields, "totals"}
        super().save(*args, **kwargs)

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_kind)

    @property
    def is_frozen(self) -> bool:
        """Built after its period ended: later beats leave it as it is."""
        return (
            self.state == self.State.DONE
            and self.built_at is not None
            and timezone.localdate(self.built_at) > self.period_end
        )

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.DONE and bool(self.pdf)

    @property
    def has_figures(self) -> bool:
        """Built at least once: its last figures (and PDF, once rendered) can be read whatever the state."""
        return self.built_at is not None

    @property
    def last_activity(self) -> datetime.datetime | None:
        """When the build was last queued or started: a live build moves one of them on."""
        moments = [moment for moment in (self.queued_at, self.started_at) if moment]
        return max(moments) if moments else None

    def is_stuck(self, *, now: datetime.datetime | None = None) -> bool:
        """Queued or running for longer than SUMMARY_STUCK_AFTER: its worker died or its task was lost.

        A build runs for at most its time limit, which is shorter, so a live build is never stuck.
        """
        if self.state not in (self.State.QUEUED, self.State.RUNNING):
            return False
        since = self.last_activity
        limit = datetime.timedelta(seconds=settings.SUMMARY_STUCK_AFTER)
        return since is None or since < (now or timezone.now()) - limit


class PublishedIndicator(models.Model):
    """A figure published by another body (e.g. TPT by BPS), entered by staff to stand beside ours."""

    class Code(models.TextChoices):
        TPT = "tpt", _("Open unemployment rate (TPT)")
        TPAK = "tpak", _("Labour force participation rate (TPAK)")
        LABOUR_FORCE = "labour_force", _("Labour force (people)")
        UNEMPLOYED = "unemployed", _("Unemployed (people)")
        MINIMUM_WAGE = "umk", _("City minimum wage (UMK, Rp)")

    code = models.CharField(_("indicator"), max_length=20, choices=Code.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. %, people, Rp"))
    source = models.CharField(_("source"), max_length=200, default="BPS")
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("published indicator")
        verbose_name_plural = _("published indicators")
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="indicator_one_per_code_year")]

    def __str__(self):
        return f"{self.get_code_display()} {self.year}: {self.value}{self.unit and ' ' + self.unit}"


class SentReminder(models.Model):
    """The ledger of reminders that went out: one row per (kind, key), so each is sent once.

    A row is inserted in the transaction that sends the e-mail (``disnaker.mail.send_once``): a failed
    send rolls it back and the next run tries again; a second run, at once or later, finds the row.
    Unlike a cache entry it survives a Redis flush.
    """

    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="sentreminder_once_per_kind_key")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class SubmissionKey(models.Model):
    """A form's one-time key, claimed in the transaction that creates what the form asks for.

    The unique index makes identical posts wait for the first: once it commits they find the key
    taken and are sent to the page it led to (``disnaker.idempotency``). A failed post rolls the
    claim back, so the same form can be corrected and sent again.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    path = models.CharField(_("form address"), max_length=300)
    result_url = models.CharField(_("result address"), max_length=500)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return f"{self.path} → {self.result_url}"


class DataAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise DataAccessIsAppendOnly

    def delete(self):
        raise DataAccessIsAppendOnly


class DataAccessIsAppendOnly(Exception):
    """The read audit is never changed; only the retention purge removes old rows."""


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it raises ``DataAccessIsAppendOnly``."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DataAccessIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DataAccessIsAppendOnly


ADMIN_SCREENS = {"change": _("detail page"), "changelist": _("list")}


class DataAccess(AppendOnlyModel):
    """One look at personal data by someone at the office (the read audit, ``disnaker.readaudit``).

    A view of one person's full data names the person; a list or an export names everyone in it
    (``people``) and how many rows it had. Rows are only ever added: the model, the admin and, on
    PostgreSQL, a trigger refuse updates and deletes, except the retention purge.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed personal data")
        LIST = "list", _("Listed personal data")
        DOCUMENT = "document", _("Downloaded a document")
        EXPORT = "export", _("Exported personal data")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="data_accesses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("people in the list or export"), through="DataAccessSubject", related_name="+"
    )
    what = models.CharField(_("what"), max_length=100, help_text=_("The data, document or export accessed."))
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    view_name = models.CharField(_("screen"), max_length=150)
    path = models.CharField(_("address"), max_length=255, help_text=_("Without the query string."))

    objects = DataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["person", "-at"], name="dataaccess_person_at_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.what}"

    @property
    def accessed_by(self) -> str:
        """Who looked, as the person is told: the staff member's name and role, never the username."""
        user = self.user
        name = user.get_full_name() or str(_("Office staff"))
        roles = [group.name for group in user.groups.all()] or (
            [str(_("System administrator"))] if user.is_superuser else []
        )
        return f"{name} ({', '.join(roles)})" if roles else name

    @property
    def screen(self) -> str:
        """The screen in words: an admin page by its model ("People: detail"), any other by its path."""
        from django.apps import apps

        app_model, _sep, action = self.view_name.removeprefix("admin:").rpartition("_")
        app_label, _sep, model_name = app_model.rpartition("_")
        if not self.view_name.startswith("admin:") or action not in ADMIN_SCREENS:
            return self.path
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return self.path
        return f"{str(model._meta.verbose_name_plural).capitalize()}: {ADMIN_SCREENS[action]}"


class DataAccessSubject(AppendOnlyModel):
    """A person in a list or export of the read audit; append-only as its access."""

    access = models.ForeignKey(DataAccess, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    objects = DataAccessQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["access", "person"], name="dataaccess_subject_once")]
        indexes = [models.Index(fields=["person", "access"], name="dataaccess_subject_person_idx")]

    def __str__(self):
        return f"{self.access_id}: {self.person_id}"


class OutboxMessage(models.Model):
    """A Celery task recorded in the transaction that asked for it, handed to the broker after commit.

    Pending until the broker takes it (a broker that is down leaves it pending for the relay, see
    ``disnaker/outbox.py``), sent once handed over, done once a worker has run it. The row's id is
    the Celery task id, so a task delivered twice finds its message done and runs only once.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts to send"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(state="pending"), name="outbox_pending_idx"),
            models.Index(fields=["state", "-created_at"], name="outbox_state_idx"),
        ]

    def __str__(self):
        return f"{self.task} ({self.get_state_display()})"
