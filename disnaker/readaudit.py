"""The read audit: who at the office looked at whose personal data, when, and from which screen.

Every page or download that shows personal data in full records it here, through one of:

- ``record_view(request, person=..., what=...)``: one person's full data on a page;
- ``record_list(request, people=..., what=...)``: a list page showing several people in full;
- ``record_document(request, person=..., what=...)``: a KTP, diploma or photo downloaded;
- ``record_export(request, export=..., rows=..., people=...)``: a spreadsheet with personal data
  (``disnaker.exports`` calls it for exports declared ``personal=True``);
- ``PersonalDataAdmin``: admin change pages and changelists that show personal data.

Rows are never changed (see ``DataAccess``); ``accesses_purge`` removes those older than
``READ_AUDIT_RETENTION_DAYS``. The job seeker sees theirs on /akun/ (``accesses_for_person``).
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import DataAccess, DataAccessSubject, Person

# The PostgreSQL setting the append-only trigger lets through, set only inside the purge's transaction.
PURGE_SETTING = "disnaker.read_audit_purge"
Kind = DataAccess.Kind
# What a downloaded document is, by the kind its URL names.
DOCUMENT_NAMES = {"ktp": gettext_lazy("KTP scan"), "diploma": gettext_lazy("Diploma"), "photo": gettext_lazy("Photo")}


def _screen(request) -> dict:
    """The view and the path, never the query string (it may hold a NIK typed into a search)."""
    match = getattr(request, "resolver_match", None)
    return {"view_name": (match.view_name if match else "")[:150], "path": request.path[:255]}


def _record(request, *, kind: str, what: str, person=None, people=(), row_count=None) -> DataAccess:
    """``person`` is a Person or its id."""
    access = DataAccess.objects.create(
        user=request.user,
        kind=kind,
        what=str(what)[:100],
        person_id=getattr(person, "pk", person),
        row_count=row_count,
        **_screen(request),
    )
    ids = {pk for pk in people if pk is not None}
    DataAccessSubject.objects.bulk_create([DataAccessSubject(access=access, person_id=pk) for pk in sorted(ids)])
    return access


def _person_ids(people: Iterable) -> list[int]:
    return [getattr(p, "pk", p) for p in people]


def record_view(request, *, person: Person | int | None, what: str) -> DataAccess:
    return _record(request, kind=Kind.VIEW, what=what, person=person)


def record_document(request, *, person: Person | int | None, what: str) -> DataAccess:
    return _record(request, kind=Kind.DOCUMENT, what=what, person=person)


def record_list(request, *, people: Iterable, what: str) -> DataAccess | None:
    """One row for a page listing people in full; nothing for an empty page."""
    ids = _person_ids(people)
    if not ids:
        return None
    return _record(request, kind=Kind.LIST, what=what, people=ids, row_count=len(ids))


def record_export(request, *, export: str, rows: int, people: Iterable) -> DataAccess:
    return _record(request, kind=Kind.EXPORT, what=export, people=_person_ids(people), row_count=rows)


# --- Admin pages ----------------------------------------------------------------------------------


class PersonalDataAdmin:
    """A ModelAdmin mixin: its change page and changelist record who saw the personal data on them.

    ``personal_person`` is the path from a row to its ``Person`` ("" for a person itself, "person" for
    a registration); a page showing several people (a report and its graduates) overrides
    ``people_on_change_page``. Only users shown the data in full (``reveals``) are recorded.
    """

    personal_person: str = "person"
    personal_what = gettext_lazy("NIK, address, disability")
    personal_changelist = True  # False when the list itself shows no personal data

    def reveals(self, request) -> bool:
        return request.user.has_perm("disnaker.reveal_person_nik")

    def person_of_row(self, obj) -> int | None:
        """The id of the row's person, read from the foreign key (no query for a list of rows)."""
        if not self.personal_person:
            return obj.pk
        *path, last = self.personal_person.split("__")
        for name in path:
            obj = getattr(obj, name, None)
        return getattr(obj, f"{last}_id", None)

    def people_on_change_page(self, obj) -> list | None:
        """Several people shown on the change page, or None when it shows the row's one person."""
        return None

    def _record_page(self, request, response, obj) -> None:
        if request.method != "GET" or response.status_code != 200 or obj is None or not self.reveals(request):
            return
        people = self.people_on_change_page(obj)
        if people is None:
            record_view(request, person=self.person_of_row(obj), what=self.personal_what)
        else:
            record_list(request, people=people, what=self.personal_what)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", None) and response.context_data.get("original")
        self._record_page(request, response, original)
        return response

    def history_view(self, request, object_id, extra_context=None):
        # Past versions show every field in full, as the change page does.
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._record_page(request, response, self.get_object(request, unquote(object_id)))
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self._record_page(request, response, self.get_object(request, unquote(object_id)))
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if not self.personal_changelist or changelist is None or response.status_code != 200:
            return response
        if self.reveals(request):
            people = (self.person_of_row(row) for row in changelist.result_list)
            record_list(request, people=[p for p in people if p is not None], what=self.personal_what)
        return response


# --- Reading ---------------------------------------------------------------------------------------


def accesses_for_person(person: Person) -> QuerySet[DataAccess]:
    """Every access to the person's data: their own pages and the lists and exports they were in."""
    in_lists = DataAccessSubject.objects.filter(person=person).values("access_id")
    return (
        DataAccess.objects.filter(Q(person=person) | Q(pk__in=in_lists)).select_related("user").order_by("-at", "-id")
    )


# --- Retention -------------------------------------------------------------------------------------


def retention_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.READ_AUDIT_RETENTION_DAYS)


@transaction.atomic
def accesses_purge(*, now: datetime.datetime | None = None) -> int:
    """Removes the accesses older than the retention period; the number removed.

    The only delete the audit allows: on PostgreSQL the trigger lets it through because this
    transaction, and only it, sets ``PURGE_SETTING``.
    """
    cutoff = retention_cutoff(now=now)
    access_table, subject_table = DataAccess._meta.db_table, DataAccessSubject._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        cursor.execute(
            f"DELETE FROM {subject_table} WHERE access_id IN (SELECT id FROM {access_table} WHERE at < %s)", [cutoff]
        )
        cursor.execute(f"DELETE FROM {access_table} WHERE at < %s", [cutoff])
        removed = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, '', true)", [PURGE_SETTING])
    return removed
