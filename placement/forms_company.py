"""Forms of the company portal: registration, login, HR users, vacancy, placement and layoff reports."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disnaker.dates import add_months, check_within_a_year
from disnaker.fields import NikFormField, PersonNameFormField
from disnaker.forms import EmailAuthenticationForm, KelurahanChoiceField, MemberPasswordResetForm
from disnaker.models import Kelurahan, Sex
from disnaker.nik import check_person_matches_nik, parse_nik

from .access import active_company_user
from .models import Company, LayoffReport, Placement, Vacancy, VacancyStatus
from .services import HR_VACANCY_STATUSES, kbli_matches_section

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A placement is reported once the worker starts; a little ahead is allowed for a signed contract.
MAX_START_DAYS_AHEAD = 90
# Placements are reported as they happen; one started long ago is a typing slip or a late report.
MAX_START_MONTHS_AGO = 12


# --- Registration and login -------------------------------------------------------------------


class CompanyRegisterForm(forms.ModelForm):
    hr_name = PersonNameFormField(label=_("Your name"), max_length=150)
    hr_email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("You log in with this e-mail. Use your work address.")
    )
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    class Meta:
        model = Company
        fields = ("name", "nib", "kbli_section", "kbli_code", "size", "address", "kelurahan", "phone", "email")
        field_classes = {"kelurahan": KelurahanChoiceField}
        labels = {"name": _("Company name"), "email": _("Company e-mail")}
        help_texts = {
            "nib": _("The 13-digit business ID (Nomor Induk Berusaha) issued by OSS."),
            "kbli_code": _("The 5-digit KBLI code of your main business, as on your NIB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by("name")
        fields["kelurahan"].empty_label = _("Outside %(city)s") % {"city": settings.CITY_NAME}
        fields["nib"].widget.attrs.update({"inputmode": "numeric", "maxlength": 13})
        fields["kbli_code"].widget.attrs.update({"inputmode": "numeric", "maxlength": 5})
        fields["address"].widget.attrs.update({"rows": 3, "autocomplete": "street-address"})
        fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        fields["hr_email"].widget.attrs.update({"autocomplete": "email"})
        for name in ("password1", "password2"):
            fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean_nib(self):
        nib = self.cleaned_data["nib"].strip()
        if Company.objects.filter(nib=nib).exists():
            raise ValidationError(_("A company with this NIB is already registered. Ask its HR staff to invite you."))
        return nib

    def validate_unique(self):
        pass  # the NIB is checked in clean_nib with a message that says what to do

    def clean(self):
        cleaned = super().clean()
        section, code = cleaned.get("kbli_section"), cleaned.get("kbli_code")
        if section and code and not kbli_matches_section(code, section):
            self.add_error(
                "kbli_code",
                _(
                    "A KBLI code of section %(section)s starts with one of the divisions %(divisions)s. "
                    "Check the code on your NIB."
                )
                % {"section": section.section, "divisions": section.divisions},
            )
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        elif password1:
            try:
                password_validation.validate_password(password1)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["password"] = data.pop("password1")
        data.pop("password2")
        return data


class CompanyAuthenticationForm(EmailAuthenticationForm):
    """Django's login form (Axes sees every attempt); only active company HR users get through."""

    error_messages = {
        **EmailAuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong. Check both, or ask for a new password."),
        "not_company_user": _(
            "This account is not a company HR account. Job seekers log in on the “Log in” page of the portal."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()  # HR users' usernames are their e-mail

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if active_company_user(user) is None:
            raise ValidationError(self.error_messages["not_company_user"], code="not_company_user")


class CompanyPasswordResetForm(MemberPasswordResetForm):
    member_lookup = {"company_user__is_active": True}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of your colleague"))


# --- Vacancies --------------------------------------------------------------------------------


class VacancyForm(forms.ModelForm):
    """Every field of a vacancy report under Perpres 57/2023."""

    class Meta:
        model = Vacancy
        fields = (
            "title", "kbji_group", "kbji_code", "description", "headcount", "open_from", "open_until",
            "min_age", "max_age", "sex", "min_education", "skills", "required_certification",
            "experience_years", "wage_min", "wage_max", "location", "work_type", "local_residents_only",
        )  # fmt: skip
        widgets = {
            "open_from": DATE_WIDGET,
            "open_until": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_open_from(self):
        value = self.cleaned_data["open_from"]
        check_within_a_year(value, today=timezone.localdate())
        return value

    def clean(self):
        cleaned = super().clean()
        self._check_open_months(cleaned.get("open_from"), cleaned.get("open_until"))
        pairs = (
            ("open_from", "open_until", _("The closing date is before the opening date.")),
            ("min_age", "max_age", _("The maximum age is below the minimum age.")),
            ("wage_min", "wage_max", _("The maximum wage is below the minimum wage.")),
        )
        for low, high, message in pairs:
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[high] < cleaned[low]:
                self.add_error(high, message)
        return cleaned

    def _check_open_months(self, open_from: datetime.date | None, open_until: datetime.date | None) -> None:
        if open_from is None or open_until is None:
            return
        months = settings.VACANCY_MAX_OPEN_MONTHS
        latest = add_months(open_from, months)
        if open_until > latest:
            message = _("A vacancy stays open at most %(months)s months: close it by %(latest)s at the latest.")
            self.add_error("open_until", message % {"months": months, "latest": f"{latest:%d-%m-%Y}"})


class VacancyStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in VacancyStatus if s in HR_VACANCY_STATUSES]
    )


# --- Placements and layoffs -------------------------------------------------------------------


def check_start_date(value: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if value > today + datetime.timedelta(days=MAX_START_DAYS_AHEAD):
        raise ValidationError(
            _("The start date is more than %(days)s days ahead. Report the placement once the worker starts.")
            % {"days": MAX_START_DAYS_AHEAD}
        )
    if value < add_months(today, -MAX_START_MONTHS_AGO):
        raise ValidationError(
            _(
                "The start date is more than %(months)s months ago. Check the year; "
                "an older placement is reported to the office directly."
            )
            % {"months": MAX_START_MONTHS_AGO}
        )


class PlacementForm(forms.ModelForm):
    nik = NikFormField(label=_("NIK"), help_text=_("16 digits, as on the worker's KTP."))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Choose")), *Sex.choices])

    class Meta:
        model = Placement
        fields = ("vacancy", "nik", "name", "sex", "position", "start_date", "contract_type", "wage_band")
        widgets = {"start_date": DATE_WIDGET}
        help_texts = {"vacancy": _("If the worker was hired for a vacancy you reported.")}

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = Vacancy.objects.filter(company=company).exclude(
            status__in=[VacancyStatus.CLOSED]
        )
        self.fields["vacancy"].empty_label = _("Not for a reported vacancy")

    def clean_nik(self):
        nik = self.cleaned_data["nik"]
        parse_nik(nik)  # its ValidationError says what is wrong with the number
        return nik

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        check_start_date(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nik") and cleaned.get("sex"):
            for field, error in check_person_matches_nik(
                nik=cleaned["nik"], sex=cleaned["sex"], birth_date=None
            ).items():
                self.add_error(field, error)
        return cleaned

    def _post_clean(self):
        pass  # the service validates the placement it builds; the form has no company or person

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "sex"}
        return data


class PlacementUploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    vacancy = forms.ModelChoiceField(
        label=_("Vacancy"), queryset=Vacancy.objects.none(), required=False,
        help_text=_("If every worker in the file was hired for one vacancy you reported."),
    )  # fmt: skip

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = Vacancy.objects.filter(company=company).exclude(status=VacancyStatus.CLOSED)
        self.fields["vacancy"].empty_label = _("Not for a reported vacancy")
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


class LayoffForm(forms.ModelForm):
    class Meta:
        model = LayoffReport
        fields = ("date", "count", "reason")
        widgets = {"date": DATE_WIDGET, "reason": forms.Textarea(attrs={"rows": 3})}

    def clean_date(self):
        value = self.cleaned_data["date"]
        check_within_a_year(value, today=timezone.localdate())
        return value
