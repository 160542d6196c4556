from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .nik import normalize_nik, validate_nik


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
