"""The portal's one admin site and the defaults every ModelAdmin shares.

Big tables (a national database holds a million people, placements and AK/1 cards) shape these
defaults: no ``COUNT(*)`` over a whole table, searches that stay on indexes, and filters whose
choices cost one small query.
"""

import datetime
import functools
import hashlib
import inspect

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import private_search
from .nik import normalize_nik


class DisnakerAdminSite(admin.AdminSite):
    """The one admin site of the portal: every part registers here."""

    site_header = settings.OFFICE_NAME
    site_title = settings.OFFICE_SHORT_NAME
    index_title = _("Staff workspace")
    index_template = "admin/dashboard.html"
    # The dashboard's list of models is the same for everyone with the same permissions and
    # language: its HTML is kept this many seconds in the cache.
    app_list_timeout = 60

    def index(self, request, extra_context=None):
        """Opens on the dashboard: this month's figures, the trend and the work waiting."""
        from . import dashboard

        this_month, trend = dashboard.figures()
        context = {
            "work_waiting": dashboard.work_waiting(request.user),
            "this_month": this_month,
            "trend": trend,
            "can_build_summaries": request.user.has_perm("disnaker.change_summary"),
            "app_list_key": self.app_list_key(request),
            "app_list_timeout": self.app_list_timeout,
        }
        return super().index(request, {**context, **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        """Every admin view, custom ones included; a ModelAdmin's view answers 404 to an object id (or a past
        version's id) that cannot be one, as a damaged link, before any lookup sends it to the database."""
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin):
            view = _ids_checked(view, model_admin.model)
        return super().admin_view(view, cacheable)

    def get_app_list(self, request, app_label=None):
        """Built once per request, and only when a template shows it (the index's may come from the cache)."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        if not hasattr(request, "_disnaker_app_list"):
            build = super().get_app_list
            request._disnaker_app_list = SimpleLazyObject(lambda: build(request))
        return request._disnaker_app_list

    def app_list_key(self, request) -> str:
        """What the list of models depends on: the user's permissions, the language, the models registered."""
        user = request.user
        permissions = "superuser" if user.is_active and user.is_superuser else sorted(user.get_all_permissions())
        raw = f"{get_language()}|{permissions}|{self._registered_models}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def autocomplete_view(self, request):
        """Also by POST (static/js/private_autocomplete.js): a NIK typed into an autocomplete field stays
        out of the URL."""
        return PrivateAutocompleteJsonView.as_view(admin_site=self)(request)

    @cached_property
    def _registered_models(self) -> str:
        """The models and their admins, as this process registered them (read after start-up)."""
        registered = (f"{model._meta.label}:{type(admin_).__name__}" for model, admin_ in self._registry.items())
        return ",".join(sorted(registered))


def _ids_checked(view, model):
    signature = inspect.signature(view)
    history = getattr(model._meta, "simple_history_manager_attribute", None)

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        try:  # simple-history's past versions are positional: ^(object_id)/history/(version_id)/$
            given = signature.bind_partial(request, *args, **kwargs).arguments
        except TypeError:
            given = kwargs
        if "object_id" in given and not _is_id(model, unquote(given["object_id"])):
            raise Http404
        if "version_id" in given and not (history and _is_id(getattr(model, history).model, given["version_id"])):
            raise Http404
        return view(request, *args, **kwargs)

    return checked


def _is_id(model, value: str) -> bool:
    return _converts(model._meta.pk, value)


def _converts(field, value) -> bool:
    try:
        field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class _IdsCheckedAutocomplete:
    """Shows a value sent back that can be no id of the target (a damaged form) as nothing chosen; Django's
    widget would look it up to redisplay the form and fail with a 500."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model
        to_field = target._meta.get_field(getattr(self.field.remote_field, "field_name", None) or target._meta.pk.name)
        return super().optgroups(name, [v for v in value if _converts(to_field, v)], attr)


class IdsCheckedAutocompleteSelect(_IdsCheckedAutocomplete, AutocompleteSelect):
    pass


class IdsCheckedAutocompleteSelectMultiple(_IdsCheckedAutocomplete, AutocompleteSelectMultiple):
    pass


class IdsCheckedAutocompleteMixin:
    """For a ModelAdmin or an inline with ``autocomplete_fields``: their widgets survive damaged values."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdsCheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdsCheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PrivateAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete answers, for the same parameters sent in a POST body (CSRF-checked)."""

    def post(self, request, *args, **kwargs):
        request.GET = request.POST
        return self.get(request, *args, **kwargs)


class EstimatedCountPaginator(Paginator):
    """Counts that stay cheap on PostgreSQL whatever the size of the table.

    - Unfiltered, on a table of at least ``EXACT_BELOW`` rows: the planner's estimate
      (``pg_class.reltuples``, kept by autovacuum and ANALYZE) instead of ``COUNT(*)``.
    - Filtered or searched: an exact count that stops at ``CAP`` rows ("10.000+").
    - Other databases, and small tables: the exact count.

    When the count is not exact, the pages stop at ``CAP`` rows: deeper pages would cost an
    ever longer OFFSET, and sorting the other way or filtering finds those rows sooner.
    """

    EXACT_BELOW = 100_000
    CAP = 10_000

    exact = True
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor != "postgresql" or not isinstance(queryset, QuerySet):
            return super().count
        if not queryset.query.where:
            estimate = _table_estimate(queryset.model._meta.db_table)
            if estimate >= self.EXACT_BELOW:
                self.exact, self.estimated = False, True
                return estimate
            return super().count
        capped = queryset.order_by()[: self.CAP + 1].count()
        if capped > self.CAP:
            self.exact = False
            return self.CAP
        return capped

    @cached_property
    def num_pages(self):
        pages = super().num_pages
        if self.exact:
            return pages
        return min(pages, max(1, self.CAP // self.per_page))

    @property
    def count_label(self) -> str:
        """The count as the changelist shows it: "1234", "≈ 1.000.000" or "10.000+"."""
        if self.exact:
            return str(self.count)
        shown = number_format(self.count, force_grouping=True)
        return f"≈ {shown}" if self.estimated else f"{shown}+"


def _table_estimate(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row else -1


def search_terms(search_term: str) -> list[str]:
    """The words of a search as the admin splits them; a quoted phrase stays one term."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            terms.append(bit)
    return terms


def search_condition(model, search_fields, terms: list[str]) -> Q | None:
    """Rows where one of ``search_fields`` holds every term; None if a field cannot be searched so.

    Prefixes as in the admin: ``=`` an exact value (as typed or in capitals: codes, numbers,
    NIKs), ``^`` the start of the value, none: anywhere in it. The fields behind one foreign key
    (``person__name``, ``=person__nik``) are looked up first in their own table, in one query, and
    the rows found by their ids (``person_id IN (…)``), so the search never joins a big table just
    to filter it. A full-text ``@`` field, or a reverse or many-to-many relation, is left to
    Django's own search.

    Unlike Django's search, where each word may match a different field, all the words must be in
    the same field ("Siti Rahmawati" in the name): so every field is one indexed condition.
    """
    local, related = Q(), {}
    for name in search_fields:
        prefix = name[0] if name[:1] in ("=", "^", "@") else ""
        path = name[len(prefix) :].split("__")
        field = _forward_field(model, path[0])
        if field is None or prefix == "@":
            return None
        if len(path) == 1:
            if field.is_relation:
                return None
            local |= _value_condition(field.name, prefix, terms)
        elif field.many_to_one or field.one_to_one:
            related.setdefault(field, []).append(prefix + "__".join(path[1:]))
        else:
            return None
    condition = local
    for field, names in related.items():
        inner = search_condition(field.related_model, names, terms)
        if inner is None:
            return None
        condition |= _in_rows(field, field.related_model._base_manager.filter(inner))
    return condition


# On PostgreSQL up to this many rows found by a search are passed on by id: the planner then knows
# how few rows it looks for, and does not walk the changelist's order index to find them. More
# rows are common enough for that walk to find a page soon: the search stays a condition.
SEARCH_IDS_LIMIT = 2_000


def found_ids(values):
    """``values`` (a ``values_list`` of ids) as a list when it is short, else the subquery itself."""
    if connection.vendor != "postgresql":
        return values
    ids = list(values[: SEARCH_IDS_LIMIT + 1])
    return ids if len(ids) <= SEARCH_IDS_LIMIT else values


def _in_rows(field, related) -> Q:
    values = related.order_by().values_list(field.target_field.attname, flat=True)
    return Q(**{f"{field.attname}__in": found_ids(values)})


def _forward_field(model, name: str):
    try:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _value_condition(name: str, prefix: str, terms: list[str]) -> Q:
    if prefix == "=":
        if len(terms) != 1:
            return Q(pk__in=[])  # one exact value is one word
        return Q(**{f"{name}__in": sorted({terms[0], terms[0].upper()})})
    lookup = "istartswith" if prefix == "^" else "icontains"
    return Q.create([(f"{name}__{lookup}", term) for term in terms])


class YearFilter(admin.FieldListFilter):
    """The years between the first and the last value of a date (or year) field: two index look-ups.

    For big tables, in place of ``date_hierarchy`` (which reads every row to list the years and
    months that have data) and of the distinct values of a year column. The parameter is the one
    ``date_hierarchy`` used (``<field>__year``), or the field itself for a year column.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.is_date = field.get_internal_type() in ("DateField", "DateTimeField")
        self.lookup_kwarg = f"{field_path}__year" if self.is_date else field_path
        self.lookup_val = params.get(self.lookup_kwarg)
        super().__init__(field, request, params, model, model_admin, field_path)
        name = getattr(field, "verbose_name", field_path)
        self.title = f"{name}: {_('year')}" if self.is_date else name

    def expected_parameters(self):
        return [self.lookup_kwarg]

    @cached_property
    def years(self) -> list[int]:
        # On the field's own table: a related year (report__year) needs no join with the changelist's.
        name = self.field.name
        span = self.field.model._default_manager.aggregate(first=Min(name), last=Max(name))
        if span["first"] is None:
            return []
        first, last = (self._year(value) for value in (span["first"], span["last"]))
        return list(range(last, first - 1, -1))

    def _year(self, value) -> int:
        if not self.is_date:
            return value
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.year

    def has_output(self):
        return len(self.years) > 1

    def choices(self, changelist):
        selected = self.lookup_val[-1] if self.lookup_val else None
        yield {
            "selected": selected is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": _("All"),
        }
        for year in self.years:
            yield {
                "selected": selected == str(year),
                "query_string": changelist.get_query_string({self.lookup_kwarg: year}),
                "display": str(year),
            }


class SelectedRelatedFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter that lists only the selected row and ``recent_choices``.

    ``RelatedFieldListFilter`` lists every row of the related table (50,000 companies, 10,000
    batches); links from other pages (a batch's registrations, a company's vacancies) still
    select any one of them.
    """

    def field_choices(self, field, request, model_admin):
        related = field.related_model._default_manager
        selected = [value for value in (self.lookup_val or []) if str(value).isdigit()]
        choices = [(obj.pk, self.label(obj)) for obj in self.label_queryset(related.filter(pk__in=selected))]
        seen = {pk for pk, _label in choices}
        recent = self.recent_choices(related, request)
        return choices + [(obj.pk, self.label(obj)) for obj in recent if obj.pk not in seen]

    def label_queryset(self, queryset):
        return queryset

    def label(self, obj) -> str:
        return str(obj)

    def recent_choices(self, related_manager, request):
        return []


def related_count(model, field: str, *, total=None):
    """The number of ``model`` rows whose ``field`` points at the row, as a correlated subquery.

    Unlike ``Count("reverse_relation")`` it adds no join and no GROUP BY to the changelist's
    query: it is computed for the rows of the page only, and the page's count stays a plain count.
    ``total=Sum("headcount")`` adds up a column instead.
    """
    rows = model._base_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    value = rows.annotate(n=total if total is not None else Count("pk")).values("n")
    return Coalesce(Subquery(value, output_field=IntegerField()), 0)


class ReadOnlyAdminMixin:
    """A record kept as written (a log, a ledger, an audit trail): listed and opened, never added,
    changed or deleted in the admin, whatever the role."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DisnakerModelAdmin(IdsCheckedAutocompleteMixin, admin.ModelAdmin):
    """House defaults for every ModelAdmin: cheap counts, indexed searches, no facet counts.

    Facet counts (``?_facets``) would count every choice of every filter over the whole table.
    """

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    # Searching by these would find a person from what a staff member without the permission to
    # see personal data is not shown (the NIK masked, no contact details).
    PERSONAL_SEARCH = ("nik", "email", "phone")

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.has_perm("disnaker.reveal_person_nik"):
            return fields
        return [name for name in fields if name.lstrip("=^@").rsplit("__", 1)[-1] not in self.PERSONAL_SEARCH]

    # The search box is sent by POST and a term holding a NIK or phone number reaches the URL only as
    # a token (disnaker.private_search); templates/admin/search_form.html reads this flag.
    private_search = True
    SEARCH_POST_FLAG = "_search"

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.SEARCH_POST_FLAG in request.POST:
            term = request.POST.get(SEARCH_VAR, "")
            return private_search.search_redirect(request, request.GET, term, name=SEARCH_VAR, drop=[PAGE_VAR])
        if request.method == "GET" and private_search.needs_redirect(request.GET.get(SEARCH_VAR, "")):
            term = request.GET[SEARCH_VAR]
            return private_search.search_redirect(request, request.GET, term, name=SEARCH_VAR)
        return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # The search box shows the term searched for, not its token.
        changelist.search_box = private_search.resolve(request, changelist.query) or ""
        return changelist

    def get_search_results(self, request, queryset, search_term):
        if private_search.is_token(search_term):
            term = private_search.resolve(request, search_term)
            if term is None:
                messages.warning(request, _("This search is no longer kept: search again."))
                return queryset.none(), False
            search_term = term
        nik = normalize_nik(search_term)  # typed with the KTP's spaces or dots: its digits are searched
        if len(nik) == 16 and nik.isdigit():
            search_term = nik
        terms = search_terms(search_term)
        search_fields = self.get_search_fields(request)
        if not (terms and search_fields):
            return super().get_search_results(request, queryset, search_term)
        condition = search_condition(queryset.model, search_fields, terms)
        if condition is None:
            return super().get_search_results(request, queryset, search_term)
        found = queryset.filter(condition)
        ids = found_ids(found.order_by().values_list("pk", flat=True))
        return (queryset.filter(pk__in=ids) if isinstance(ids, list) else found), False


class QueueStatusFilter(admin.SimpleListFilter):
    """A status filter that opens on the queue staff work through (``default``), with "All" at the end.

    Subclasses set ``status_choices`` and ``default``.
    """

    title = _("status")
    parameter_name = "status"
    status_choices: list = []
    default = ""

    def lookups(self, request, model_admin):
        return [*self.status_choices, ("all", _("All"))]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, except that saving a past version needs the change permission.

    The library checks only the view permission before saving a POST to the past-version form, so a
    read-only role (Pimpinan) could otherwise revert a record.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
