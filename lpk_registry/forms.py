"""Forms of the LPK operator portal: login, password reset, profile, report period and content."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from disnaker.fields import NikFormField, PersonNameFormField, TitleFormField
from disnaker.forms import EmailAuthenticationForm, MemberPasswordResetForm
from disnaker.models import Kelurahan, Sex
from disnaker.nik import check_person_matches_nik, parse_nik

from .models import GraduateReport, GraduateStatus, Institution, Operator, quarter_bounds
from .services import GraduateRow, ProgrammeRow, ReportContent

# A report form is for small reports; a bigger one goes through the spreadsheet upload.
MAX_PROGRAMME_LINES = 100
MAX_GRADUATE_ROWS = 500
PROGRAMME_DATALIST_ID = "programme-names"
STATUSES_WITH_COMPANY = (GraduateStatus.WORKING, GraduateStatus.SELF_EMPLOYED)


# --- Login and password ----------------------------------------------------------------------


class OperatorAuthenticationForm(EmailAuthenticationForm):
    """Django's login form (Axes sees every attempt); only active LPK operators get through."""

    error_messages = {
        **EmailAuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong. Check both, or ask for a new password."),
        "not_operator": _(
            "This account is not an LPK operator account. Job seekers log in on the “Log in” page of the "
            "portal; office staff use the staff workspace."
        ),
        "operator_inactive": _(
            "Your access to the LPK portal has been deactivated. Please contact the office if you still "
            "report for your institution."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()  # operators' usernames are their e-mail

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        operator = Operator.objects.filter(user=user).first()
        if operator is None:
            raise ValidationError(self.error_messages["not_operator"], code="not_operator")
        if not operator.is_active:
            raise ValidationError(self.error_messages["operator_inactive"], code="operator_inactive")


class OperatorPasswordResetForm(MemberPasswordResetForm):
    member_lookup = {"lpk_operator__is_active": True}


# --- Institution profile ---------------------------------------------------------------------


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({_('Kecamatan')} {obj.kecamatan.name})"


class ProfileForm(forms.ModelForm):
    """The contact details an operator keeps; name, NIB, legal form and status are staff's."""

    class Meta:
        model = Institution
        fields = ("address", "kelurahan", "phone", "email", "head_name", "vocations", "instructors_count")
        field_classes = {"kelurahan": KelurahanChoiceField}
        labels = {"email": _("Contact e-mail")}
        help_texts = {
            "email": _("Where the office writes to the institution; it is not the e-mail you log in with."),
            "head_name": _("The name of the head (kepala) of the LPK."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by("name")
        fields["kelurahan"].empty_label = _("Outside %(city)s") % {"city": settings.CITY_NAME}
        fields["address"].widget.attrs.update({"rows": 3, "autocomplete": "street-address"})
        fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        fields["email"].widget.attrs["autocomplete"] = "email"
        fields["instructors_count"].widget.attrs["inputmode"] = "numeric"


# --- Report period ---------------------------------------------------------------------------


def last_finished_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


QUARTER_CHOICES = [
    (1, _("Q1 (January–March)")),
    (2, _("Q2 (April–June)")),
    (3, _("Q3 (July–September)")),
    (4, _("Q4 (October–December)")),
]


class ReportCreateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=QUARTER_CHOICES)

    def __init__(self, *args, institution: Institution, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution, self.today = institution, today
        self.fields["year"].choices = [(y, str(y)) for y in range(today.year, today.year - 4, -1)]
        self.fields["quarter"].help_text = _("The quarter in which the graduates finished their training.")

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if year is None or quarter is None:
            return cleaned
        if quarter_bounds(year, quarter)[0] > self.today:
            self.add_error("quarter", _("This quarter has not started yet."))
        elif GraduateReport.objects.filter(institution=self.institution, year=year, quarter=quarter).exists():
            self.add_error("quarter", _("Your institution already has a report for this quarter."))
        return cleaned


# --- Report content: programme lines and graduates -------------------------------------------


class ProgrammeLineForm(forms.Form):
    programme = TitleFormField(label=_("Programme"), max_length=200)
    vocation = TitleFormField(label=_("Vocation"), max_length=100, required=False)
    enrolled_male = forms.IntegerField(label=_("Enrolled (men)"), min_value=0, initial=0)
    enrolled_female = forms.IntegerField(label=_("Enrolled (women)"), min_value=0, initial=0)
    graduates_male = forms.IntegerField(label=_("Graduates (men)"), min_value=0, initial=0)
    graduates_female = forms.IntegerField(label=_("Graduates (women)"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("enrolled_male", "enrolled_female", "graduates_male", "graduates_female"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        cleaned = super().clean()
        for sex in ("male", "female"):
            enrolled, graduates = cleaned.get(f"enrolled_{sex}"), cleaned.get(f"graduates_{sex}")
            if enrolled is not None and graduates is not None and graduates > enrolled:
                self.add_error(
                    f"graduates_{sex}",
                    _("More graduates than enrolled (%(enrolled)s).") % {"enrolled": enrolled},
                )
        return cleaned

    def row(self) -> ProgrammeRow:
        data = self.cleaned_data
        return ProgrammeRow(**{name: data[name] for name in ProgrammeRow.__dataclass_fields__})


class GraduateForm(forms.Form):
    nik = NikFormField(label=_("NIK"), help_text=_("16 digits, as on the KTP."))
    name = PersonNameFormField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Choose")), *Sex.choices])
    programme = TitleFormField(label=_("Programme"), max_length=200)
    status = forms.ChoiceField(label=_("Current status"), choices=[("", _("Choose")), *GraduateStatus.choices])
    company = TitleFormField(
        label=_("Company or business"), max_length=200, required=False, help_text=_("If working or self-employed.")
    )
    certified = forms.BooleanField(label=_("Certified (BNSP)"), required=False)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False, help_text=_("If certified.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].widget.attrs["list"] = PROGRAMME_DATALIST_ID

    def clean_nik(self):
        nik = self.cleaned_data["nik"]
        parse_nik(nik)  # its ValidationError says what is wrong with the number
        return nik

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nik") and cleaned.get("sex"):
            mismatches = check_person_matches_nik(nik=cleaned["nik"], sex=cleaned["sex"], birth_date=None)
            for field, error in mismatches.items():
                self.add_error(field, error)
        if cleaned.get("status") in STATUSES_WITH_COMPANY and not cleaned.get("company"):
            self.add_error("company", _("Fill in where the graduate works, or the name of their own business."))
        if cleaned.get("certified") and not cleaned.get("certificate_number"):
            self.add_error("certificate_number", _("Fill in the number of the graduate's certificate."))
        if cleaned.get("certificate_number") and not cleaned.get("certified"):
            self.add_error("certified", _("A certificate number is filled in: tick this box, or empty the number."))
        return cleaned

    def row(self) -> GraduateRow:
        data = self.cleaned_data
        return GraduateRow(**{name: data[name] for name in GraduateRow.__dataclass_fields__})


class RowFormSet(forms.BaseFormSet):
    """A formset whose blank extra rows are ignored and whose rows must be unique by ``unique_field``."""

    unique_field = ""
    duplicate_message = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row")

    def filled_forms(self) -> list[forms.Form]:
        return [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def clean(self):
        if any(self.errors):
            return
        seen, filled = {}, set(self.filled_forms())
        for number, form in enumerate(self.forms, start=1):
            if form not in filled:
                continue
            key = str(form.cleaned_data[self.unique_field]).casefold().strip()
            if key in seen:
                form.add_error(self.unique_field, self.duplicate_message % {"row": seen[key]})
            else:
                seen[key] = number
        if any(self.errors):
            raise ValidationError(_("Some rows appear twice; see the marked fields."), code="duplicate")


class ProgrammeFormSet(RowFormSet):
    unique_field = "programme"
    duplicate_message = _("This programme is already on line %(row)s.")


class GraduateFormSet(RowFormSet):
    unique_field = "nik"
    duplicate_message = _("This NIK is already in row %(row)s.")


ProgrammeFormSetFactory = forms.formset_factory(
    ProgrammeLineForm, formset=ProgrammeFormSet, extra=1, can_delete=True,
    max_num=MAX_PROGRAMME_LINES, absolute_max=MAX_PROGRAMME_LINES, validate_max=True,
)  # fmt: skip
GraduateFormSetFactory = forms.formset_factory(
    GraduateForm, formset=GraduateFormSet, extra=3, can_delete=True,
    max_num=MAX_GRADUATE_ROWS, absolute_max=MAX_GRADUATE_ROWS, validate_max=True,
)  # fmt: skip
PROGRAMME_FIELDS = tuple(ProgrammeRow.__dataclass_fields__)
GRADUATE_FIELDS = tuple(GraduateRow.__dataclass_fields__)


class ReportContentForms:
    """The report form: its programme lines and graduates, validated together into a ReportContent."""

    def __init__(self, data=None, *, report: GraduateReport):
        # The saved rows are the initial forms of the page; a posted form is read as posted, every
        # filled row counting, so that rows changed meanwhile (an upload in another tab) are not
        # mistaken for "unchanged" and dropped.
        programmes = graduates = None
        if data is None:
            programmes = list(report.programme_lines.values(*PROGRAMME_FIELDS))
            graduates = list(report.graduates.values(*GRADUATE_FIELDS))
        self.programmes = ProgrammeFormSetFactory(data, prefix="programmes", initial=programmes)
        self.graduates = GraduateFormSetFactory(data, prefix="graduates", initial=graduates)
        self.service_errors: list[str] = []

    def is_valid(self) -> bool:
        return all([self.programmes.is_valid(), self.graduates.is_valid()])  # both, so both show errors

    def content(self) -> ReportContent:
        return ReportContent(
            programmes=[form.row() for form in self.programmes.filled_forms()],
            graduates=[form.row() for form in self.graduates.filled_forms()],
        )

    def add_service_error(self, error: ValidationError) -> None:
        self.service_errors.extend(error.messages)

    def programme_names(self) -> list[str]:
        """Suggestions for the graduates' programme field: the programme lines on the page."""
        names = (form["programme"].value() for form in self.programmes.forms)
        return sorted({name.strip() for name in names if name and name.strip()})

    @property
    def is_bound(self) -> bool:
        return self.programmes.is_bound

    def error_summary(self) -> list[dict]:
        """Every problem, each linking to its field: what the summary on top of the form lists."""
        if not self.is_bound:
            return []
        summary = [{"message": message} for message in self.service_errors]
        for formset, row_label in ((self.programmes, _("Programme line")), (self.graduates, _("Graduate"))):
            summary += [{"message": message} for message in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                if formset._should_delete_form(form):
                    continue
                for name, errors in form.errors.items():
                    field = form[name] if name in form.fields else None
                    for message in errors:
                        summary.append(
                            {
                                "href": f"#{field.auto_id}" if field else "",
                                "label": f"{row_label} {number}" + (f", {field.label}" if field else ""),
                                "message": message,
                            }
                        )
        return summary
