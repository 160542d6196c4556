"""What the portals' forms share: uploads checked by their bytes, and widgets styled for Bootstrap and screen readers.

The training registration, the AK/1 application and the staff's walk-in forms all take documents
and show errors the same way; they use these rather than each keeping a copy.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import documents
from .models import Person

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def document_kind(upload) -> str | None:
    """``pdf``, ``jpg`` or ``png`` from the file's magic bytes; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return documents.kind_of(head)


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


class DocumentField(forms.FileField):
    """A PDF/JPG/PNG of at most 2 MB that cannot carry code (see ``disnaker.documents``).

    The cleaned value is a new file named by its real type (the original name may hold the NIK):
    a picture re-encoded, a PDF checked.
    """

    default_validators = [validate_document]
    widget = forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            upload = documents.document_clean(upload)
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
