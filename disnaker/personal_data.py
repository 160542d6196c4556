"""Everything the portal holds on one person, as the person may download it ("Unduh data saya").

The core's and every app's ``selectors.py`` declare ``personal_data(person)``: ``{section: queryset}``
of the rows that name the person (found through ``disnaker.registry``, so the core imports no app).
Rows are written field by field: choices as their label, related rows as their name, uploaded files
as whether one is held; accounts of staff and secrets (tracer links) are left out.
"""

import datetime
import decimal
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import registry
from .models import Person
from .readaudit import accesses_for_person

LEFT_OUT = {"token", "password", "user"}


def _value(obj, field):
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    if isinstance(field, models.FileField):
        return bool(getattr(obj, field.name))
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    value = field.value_from_object(obj)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _left_out(field) -> bool:
    if field.name in LEFT_OUT or field.name == "id":
        return True
    related = field.related_model if field.is_relation else None
    return related is not None and related._meta.label == settings.AUTH_USER_MODEL or related is Person


def row(obj) -> dict:
    """The row's own fields, by name."""
    return {field.name: _value(obj, field) for field in obj._meta.concrete_fields if not _left_out(field)}


def accesses(person: Person) -> list[dict]:
    """The read audit of the person, as they see it: who at the office, when, what and from where."""
    return [
        {
            "at": timezone.localtime(access.at).isoformat(),
            "by": access.accessed_by,
            "kind": access.get_kind_display(),
            "what": access.what,
            "screen": access.screen,
        }
        for access in accesses_for_person(person).prefetch_related("user__groups")
    ]


def personal_data(person: Person) -> dict:
    data = {"person": row(person)}
    for declared in registry.collect("selectors", "personal_data"):
        for section, queryset in declared(person).items():
            data[section] = [row(obj) for obj in queryset]
    data["data_accesses"] = accesses(person)
    return data


def personal_data_json(person: Person) -> str:
    return json.dumps(personal_data(person), ensure_ascii=False, indent=2, default=str)


def personal_data_pdf(person: Person) -> bytes:
    """The same data as a PDF: one table per row, one heading per section."""
    from .pdf import render_pdf  # WeasyPrint is loaded only when a PDF is made

    sections = [(name, rows if isinstance(rows, list) else [rows]) for name, rows in personal_data(person).items()]
    return render_pdf("disnaker/pdf/my_data.html", {"sections": sections})
