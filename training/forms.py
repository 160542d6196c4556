"""Forms of the public training pages: registration with documents, alumni tracer."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from disnaker.models import Person

from .models import TracerStatus, WageBand

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# What the first bytes of a file say it is; the name the uploader gave it proves nothing.
DOCUMENT_SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def document_kind(upload) -> str | None:
    """``pdf``, ``jpg`` or ``png`` from the file's magic bytes; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in DOCUMENT_SIGNATURES.items() if head.startswith(magic)), None)


def validate_document(upload) -> None:
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _(
                "This file is %(size)s; the largest allowed is 2 MB. "
                "Scan at a lower resolution or take a smaller photo."
            ),
            code="too_large",
            params={"size": filesizeformat(upload.size)},
        )
    if document_kind(upload) is None:
        raise ValidationError(
            _(
                "This file is not a PDF, JPG or PNG, whatever its name says. "
                "Upload a scan or photo in one of these formats."
            ),
            code="file_type",
        )


class DocumentField(forms.FileField):
    """A PDF/JPG/PNG of at most 2 MB, renamed by its real type (the original name may hold the NIK)."""

    default_validators = [validate_document]
    widget = forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.name = f"document.{document_kind(upload)}"
        return upload


class AccessibleFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on the ones whose field has an error.

    Django itself links each input to its help text and error list (``aria-describedby``) and sets
    ``aria-invalid``; the field template renders the error list under the matching id.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs["class"]:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError: beside the field when the form has it, else at the top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field == NON_FIELD_ERRORS or field in self.fields:
                self.add_error(field, errors)
            else:
                label = person_field_label(field)
                self.add_error(None, [f"{label}: {message}" for e in errors for message in e.messages])


def person_field_label(name: str) -> str:
    """Eligibility rules name fields of the person's profile, which this form does not have."""
    try:
        return capfirst(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


class RegistrationForm(AccessibleFormMixin, forms.Form):
    ktp_document = DocumentField(
        label=_("Scan or photo of your KTP (identity card)"),
        help_text=_("PDF, JPG or PNG, at most 2 MB."),
    )
    diploma_document = DocumentField(
        label=_("Scan or photo of your latest diploma (ijazah)"),
        help_text=_("PDF, JPG or PNG, at most 2 MB."),
    )
    # Rendered only when the batch is full and takes reserves; unticked otherwise.
    join_reserve = forms.BooleanField(
        label=_("Join the reserve list"),
        help_text=_("If a participant withdraws, the first reserve gets the seat automatically and is told by e-mail."),
        required=False,
    )


class TracerForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("What are you doing now?"), choices=TracerStatus.choices, widget=forms.RadioSelect
    )
    company = forms.CharField(
        label=_("Company or business name"),
        max_length=200,
        required=False,
        help_text=_("If you work or run a business."),
    )
    position = forms.CharField(label=_("Position or kind of work"), max_length=200, required=False)
    wage_band = forms.ChoiceField(
        label=_("Monthly income"),
        choices=[*WageBand.choices, ("", _("I prefer not to say"))],
        required=False,
        widget=forms.RadioSelect,
    )
    relevance = forms.TypedChoiceField(
        label=_("How useful was the training for you?"),
        help_text=_("1 = not useful at all, 5 = very useful."),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
