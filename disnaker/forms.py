"""Forms of the job seeker's account: sign-up, login, profile."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import NikFormField
from .formkit import AccessibleFormMixin, DocumentField
from .models import Kelurahan, Person, Sex
from .nik import validate_nik


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, non_field: str | None = None, aliases: dict | None = None
) -> None:
    """Shows a service's ValidationError beside the form's fields; the rest goes to ``non_field``
    (the top of the form by default). ``aliases`` maps a service's field names to the form's."""
    if not hasattr(error, "error_dict"):
        form.add_error(non_field, error)
        return
    for field, errors in error.error_dict.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else non_field, errors)


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({_('Kecamatan')} {obj.kecamatan.name})"


class PersonFieldsMixin:
    """The widgets and choices shared by the sign-up and the profile form."""

    def setup_person_fields(self):
        fields = self.fields
        if "kelurahan" in fields:
            fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by("name")
            # The empty choice is a real answer here, so it says what it means.
            fields["kelurahan"].empty_label = _("I live outside %(city)s") % {"city": settings.CITY_NAME}
            fields["kelurahan"].help_text = _("Your kelurahan of domicile (where you live now).")
        if "education" in fields:
            fields["education"].required = True
            fields["education"].empty_label = _("Choose your last education")
        if "disability_notes" in fields:
            fields["disability_notes"].help_text = _(
                "Optional: what would help you, e.g. a screen reader, a sign-language interpreter, step-free access."
            )
        if "phone" in fields:
            fields["phone"].required = True
            fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
            fields["phone"].help_text = _("A number we can call or send WhatsApp messages to, e.g. 0812 3456 7890.")
        if "address" in fields:
            fields["address"].widget.attrs.update({"rows": 3, "autocomplete": "street-address"})


class SignupForm(PersonFieldsMixin, forms.ModelForm):
    """Validates a sign-up; ``disnaker.services.account_signup`` does the writing."""

    nik = NikFormField(
        label=_("NIK"),
        validators=[validate_nik],
        help_text=_("The 16 digits on your KTP (identity card)."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("You log in with this address; we send the password reset link to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not like your name or e-mail."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to catch typing mistakes."),
    )

    class Meta:
        model = Person
        fields = (
            "nik", "name", "sex", "birth_place", "birth_date", "address", "kelurahan", "education",
            "disability", "disability_notes", "phone", "email",
        )  # fmt: skip
        field_classes = {"kelurahan": KelurahanChoiceField}
        widgets = {
            "sex": forms.RadioSelect,
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {"name": _("As written on your KTP.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_fields()
        self.fields["sex"].choices = Sex.choices  # radio buttons without a "---------" choice
        self.fields["birth_place"].required = True
        self.fields["address"].required = True
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["birth_date"].help_text = _("The date on your KTP; it must match the NIK.")

    def clean_email(self):
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self):
        # Sex and birth date against the NIK are checked by Person.clean() (check_person_matches_nik),
        # which the ModelForm runs after this and whose errors land beside those fields.
        cleaned = super().clean()
        self._clean_passwords(cleaned)
        return cleaned

    def _clean_passwords(self, cleaned):
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            name = cleaned.get("name", "")
            first, _sep, last = name.partition(" ")
            user = get_user_model()(
                username=cleaned.get("email", ""), email=cleaned.get("email", ""), first_name=first, last_name=last
            )
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)

    def validate_unique(self):
        # Saying "this NIK is already registered" would tell anyone whose NIK has a record here;
        # the service decides instead (link, or a claim for staff).
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["password"] = data.pop("password1")
        del data["password2"]
        return data


class ProfileForm(PersonFieldsMixin, forms.ModelForm):
    """What a job seeker may change alone; NIK, name, sex and birth date need staff."""

    class Meta:
        model = Person
        fields = ("phone", "email", "address", "kelurahan", "education", "disability", "disability_notes")
        field_classes = {"kelurahan": KelurahanChoiceField}
        labels = {"email": _("Contact e-mail")}
        help_texts = {"email": _("For messages about your services. The e-mail you log in with does not change.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_fields()
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the e-mail that job seekers sign up with."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong. Check both, or reset your password."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("E-mail")
        field.widget.attrs.update({"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"})

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Job seekers' usernames are their e-mail in lower case; staff usernames keep their case.
        return username.lower() if "@" in username else username


class EmailPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")  # the portal's spelling, as on the login form


class MemberPasswordResetForm(EmailPasswordResetForm):
    """Sends the link to a portal's active members only (``member_lookup`` on the user), including
    those who never used their invitation."""

    member_lookup: dict = {}

    def get_users(self, email):
        # Unlike Django's form, an unusable password does not stop the e-mail: an invited member
        # whose link expired asks for a new one here.
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True, **self.member_lookup)


class SignupResendForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ClaimCodeForm(AccessibleFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("Code from the e-mail"),
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": _("Type the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class ClaimKtpForm(AccessibleFormMixin, forms.Form):
    ktp = DocumentField(
        label=_("Scan or photo of your KTP"),
        help_text=_("PDF, JPG or PNG, at most 2 MB. Staff compare it with the record."),
    )
