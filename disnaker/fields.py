from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .nik import normalize_nik, validate_nik
from .validators import normalize_text, validate_person_name, validate_place_name, validate_title


class NikFormField(forms.CharField):
    """Accepts the spaces, dots and dashes people type between the NIK's digit groups."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = None
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "22"})

    def to_python(self, value):
        return normalize_nik(super().to_python(value))


class NikField(models.CharField):
    description = _("Indonesian NIK (16 digits)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("validators", [validate_nik])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_nik(value) if value is not None else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NikFormField, **kwargs})


# --- Names as on the KTP, and published titles -----------------------------------------------


class NormalizedFormField(forms.CharField):
    """A form field that normalises its text (``normalize_text``) and checks its characters."""

    text_validator = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(self.text_validator)

    def to_python(self, value):
        return normalize_text(super().to_python(value))


class PersonNameFormField(NormalizedFormField):
    text_validator = validate_person_name

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)


class PlaceNameFormField(NormalizedFormField):
    text_validator = validate_place_name

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)


class TitleFormField(NormalizedFormField):
    text_validator = validate_title

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)


class NormalizedCharField(models.CharField):
    """A CharField whose text is normalised and whose characters are checked, in forms and in
    ``full_clean``; the check is the class's, so migrations record no validator."""

    form_class = None
    text_validator = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(self.text_validator)

    def to_python(self, value):
        return normalize_text(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class PersonNameField(NormalizedCharField):
    description = _("A person's name as on the KTP")
    form_class = PersonNameFormField
    text_validator = validate_person_name


class PlaceNameField(NormalizedCharField):
    description = _("A place name as on the KTP")
    form_class = PlaceNameFormField
    text_validator = validate_place_name


class TitleField(NormalizedCharField):
    description = _("A published title or name")
    form_class = TitleFormField
    text_validator = validate_title
