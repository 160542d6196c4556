"""Forms of the AK/1 card: the job seeker's application and corrections, the staff's notes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from disnaker.formkit import AccessibleFormMixin, DocumentField, document_kind

PHOTO_ACCEPT = ".jpg,.jpeg,.png,image/jpeg,image/png"
DOCUMENT_HELP = _("PDF, JPG or PNG, at most 2 MB.")


def validate_photo(upload) -> None:
    # Another type entirely is already reported by the document check.
    if document_kind(upload) == "pdf":
        raise ValidationError(
            _("The photo must be a JPG or PNG picture, not a PDF or another file."), code="photo_type"
        )


class PhotoField(DocumentField):
    """A JPG/PNG passport photo: the document checks (size, real type), and no PDF."""

    default_validators = [*DocumentField.default_validators, validate_photo]
    widget = forms.FileInput(attrs={"accept": PHOTO_ACCEPT})


class CardApplicationForm(AccessibleFormMixin, forms.Form):
    education_history = forms.CharField(
        label=_("Education history"),
        help_text=_("One school per line, with the year you finished, e.g. “SMK Negeri 1 Cilegon, 2019”."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    skills = forms.CharField(
        label=_("Skills"),
        help_text=_("E.g. welding 3G, forklift, Microsoft Excel, English. Certificates you hold."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    experience = forms.CharField(
        label=_("Work experience"),
        help_text=_("Company, position and years; leave empty if you have not worked yet."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = PhotoField(
        label=_("Passport photo"),
        help_text=_("JPG or PNG, at most 2 MB; a recent photo of your face on a plain background."),
    )
    ktp_document = DocumentField(label=_("Scan or photo of your KTP (identity card)"), help_text=DOCUMENT_HELP)
    diploma_document = DocumentField(label=_("Scan or photo of your latest diploma (ijazah)"), help_text=DOCUMENT_HELP)


class CardRevisionForm(CardApplicationForm):
    """Corrections: a document left empty keeps the one already sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("photo", "ktp_document", "diploma_document"):
            field = self.fields[name]
            field.required = False
            field.help_text = f"{field.help_text} {_('Leave empty to keep the file you sent before.')}"


class RereportForm(forms.Form):
    still_looking = forms.TypedChoiceField(
        label=_("Are you still looking for work?"),
        choices=[("1", _("Yes, I am still looking for work")), ("0", _("No, I have found work"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class StaffNoteForm(forms.Form):
    """The note of "request revision" or the reason of "reject", on the admin's intermediate page."""

    required_css_class = "required"
    note = forms.CharField(
        label=_("Note to the applicant"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The applicant reads this on their AK/1 page."),
    )
