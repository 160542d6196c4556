"""Forms of the staff pages and of the training admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disnaker.dates import add_months, check_between
from disnaker.fields import PersonNameFormField, PlaceNameFormField
from disnaker.formkit import DocumentField
from disnaker.models import Disability, EducationLevel, Kecamatan, Kelurahan, Sex
from disnaker.nik import normalize_nik

from .alumni import STATUS_UNKNOWN
from .models import Batch, CompetencyResult, Outcome, Registration, TracerResponse, TracerStatus, Vocation


class DateInput(forms.DateInput):
    """The browser's own date picker (works on phones and without the admin's JavaScript)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class WalkInForm(forms.Form):
    """A person who comes to the office: their KTP details and the batch they register for."""

    required_css_class = "required"

    batch = forms.ModelChoiceField(
        label=_("Batch"),
        queryset=Batch.objects.none(),
        help_text=_("Batches whose registration is open today."),
    )
    nik = forms.CharField(label=_("NIK"), max_length=24, help_text=_("16 digits, as on the KTP."))
    name = PersonNameFormField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices])
    birth_place = PlaceNameFormField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan of domicile"),
        queryset=Kelurahan.objects.select_related("kecamatan"),
        required=False,
        empty_label=_("— outside the city —"),
    )
    education = forms.ModelChoiceField(label=_("Last education"), queryset=EducationLevel.objects.all())
    disability = forms.ChoiceField(label=_("Disability"), choices=Disability.choices, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    ktp_document = DocumentField(label=_("KTP (scan)"), required=False)
    diploma_document = DocumentField(label=_("Latest diploma"), required=False)

    person_fields = (
        "name", "sex", "birth_place", "birth_date", "address", "kelurahan", "education", "disability", "phone", "email",
    )  # fmt: skip

    groups = (
        (None, ("batch",)),
        (_("Person, as on the KTP"), ("nik", "name", "sex", "birth_place", "birth_date")),
        (_("Domicile and profile"), ("address", "kelurahan", "education", "disability", "phone", "email")),
        (_("Documents"), ("ktp_document", "diploma_document")),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = (
            Batch.objects.open_for_registration(today=today).select_related("programme").order_by("start_date", "code")
        )
        self.fields["batch"].label_from_instance = lambda batch: (
            f"{batch.code} — {batch.programme.name} ({batch.start_date:%d-%m-%Y})"
        )

    def clean_nik(self):
        return normalize_nik(self.cleaned_data["nik"])

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.groups]

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.person_fields}


class AttendanceForm(forms.Form):
    """One training day: the participants ticked were present, the others absent."""

    day = forms.ChoiceField(label=_("Training day"))
    present = forms.TypedMultipleChoiceField(label=_("Present"), coerce=int, required=False)

    def __init__(self, *args, batch: Batch, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = {day.isoformat(): day for day in batch.training_days}
        self.fields["day"].choices = [(iso, day.strftime("%d-%m-%Y")) for iso, day in self.days.items()]
        self.fields["present"].choices = [(p.pk, p.pk) for p in participants]

    def clean_day(self):
        return self.days[self.cleaned_data["day"]]


class AlumniFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or NIK"),
        required=False,
        max_length=100,
        help_text=_("Part of the name, or the full NIK."),
    )
    scheme = forms.CharField(
        label=_("Certification scheme"),
        required=False,
        max_length=100,
        help_text=_("Part of the scheme name, e.g. “las” or “K3”."),
    )
    vocation = forms.ModelChoiceField(
        label=_("Vocation"), queryset=Vocation.objects.all(), required=False, empty_label=_("All vocations")
    )
    year = forms.TypedChoiceField(label=_("Graduation year"), coerce=int, required=False, empty_value=None)
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan of domicile"), queryset=Kecamatan.objects.all(), required=False, empty_label=_("Anywhere")
    )
    resident = forms.BooleanField(label=_("Living in the city"), required=False)
    status = forms.ChoiceField(
        label=_("Current status"),
        required=False,
        choices=[("", _("Any status")), *TracerStatus.choices, (STATUS_UNKNOWN, _("No tracer answer yet"))],
    )
    certified = forms.BooleanField(label=_("Certified only (valid certificate)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = Registration.objects.filter(outcome=Outcome.GRADUATED).dates("batch__end_date", "year", order="DESC")
        self.fields["year"].choices = [("", _("All years"))] + [(d.year, d.year) for d in years]

    def filters(self) -> dict:
        """The keyword arguments of ``alumni.alumni_search``."""
        data = self.cleaned_data
        return {
            "person": data["q"] or None,
            "scheme": data["scheme"] or None,
            "vocation": data["vocation"],
            "year": data["year"],
            "kecamatan": data["kecamatan"],
            "resident": data["resident"] or None,
            "status": data["status"] or None,
            "certified": data["certified"] or None,
        }


class RejectForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The applicant reads this reason in the notification."),
    )


# A competency test is recorded within a few years of the training; a BNSP certificate is valid for
# a few years (three as a rule): dates beyond these are typing slips (0001-01-01, 9999-12-31).
RECORDED_YEARS_BACK = 5
CERTIFICATE_MAX_YEARS = 10


class CompetencyForm(forms.Form):
    """The competency test (UJK) and, when competent, the BNSP certificate."""

    required_css_class = "required"

    result = forms.ChoiceField(label=_("Result"), choices=CompetencyResult.choices)
    tested_on = forms.DateField(label=_("Test date"), widget=DateInput)
    certificate_number = forms.CharField(label=_("BNSP certificate number"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Issuer (LSP)"), max_length=200, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), widget=DateInput, required=False, help_text=_("Empty: the test date.")
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput, required=False)

    def clean_tested_on(self):
        tested_on = self.cleaned_data["tested_on"]
        if tested_on > timezone.localdate():
            raise ValidationError(_("The test date cannot be in the future."), code="future")
        today = timezone.localdate()
        check_between(tested_on, earliest=add_months(today, -12 * RECORDED_YEARS_BACK), latest=today)
        return tested_on

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        today = timezone.localdate()
        if issued_on is not None:
            check_between(issued_on, earliest=add_months(today, -12 * RECORDED_YEARS_BACK), latest=today)
        return issued_on

    def clean(self):
        data = super().clean()
        number = data.get("certificate_number", "").strip()
        if number and data.get("result") != CompetencyResult.COMPETENT:
            self.add_error("certificate_number", _("Only a competent result has a certificate number."))
        if number and not data.get("issuer", "").strip():
            self.add_error("issuer", _("Name the LSP that issued the certificate."))
        issued_on = data.get("issued_on") or data.get("tested_on")
        if data.get("valid_until") and issued_on and data["valid_until"] < issued_on:
            self.add_error("valid_until", _("The certificate must be valid after the day it was issued."))
        elif data.get("valid_until") and issued_on:
            try:
                check_between(
                    data["valid_until"], earliest=issued_on, latest=add_months(issued_on, 12 * CERTIFICATE_MAX_YEARS)
                )
            except ValidationError as error:
                self.add_error("valid_until", error)
        return data


class TracerPhoneForm(forms.ModelForm):
    """An alumni's answers taken by phone; saving goes through ``services.tracer_answer``."""

    class Meta:
        model = TracerResponse
        fields = ("status", "company", "position", "wage_band", "relevance")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].required = True

    def clean(self):
        data = super().clean()
        working = data.get("status") in (TracerStatus.WORKING, TracerStatus.SELF_EMPLOYED)
        if working and not (data.get("company") or data.get("position")):
            self.add_error("company", _("Enter the company, or the business of a self-employed alumnus."))
        return data


class BatchAdminForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_quota(self):
        quota = self.cleaned_data["quota"]
        if self.instance.pk and quota < self.instance.seats_taken:
            raise ValidationError(
                _("%(taken)d seats are already taken: the quota cannot be lower."),
                params={"taken": self.instance.seats_taken},
                code="quota_below_seats",
            )
        return quota
