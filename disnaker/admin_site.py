from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DisnakerAdminSite(admin.AdminSite):
    """The one admin site of the portal: every part registers here."""

    site_header = settings.OFFICE_NAME
    site_title = settings.OFFICE_SHORT_NAME
    index_title = _("Staff workspace")
    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        """Opens on the dashboard: this month's figures, the trend and the work waiting."""
        from . import dashboard

        context = {
            "work_waiting": dashboard.work_waiting(request.user),
            "this_month": dashboard.this_month(),
            "trend": dashboard.trend(),
            "can_build_summaries": request.user.has_perm("disnaker.change_summary"),
        }
        return super().index(request, {**context, **(extra_context or {})})


class DisnakerModelAdmin(admin.ModelAdmin):
    """House defaults for every ModelAdmin: no full COUNT(*) on big changelists."""

    show_full_result_count = False
    list_per_page = 50


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
