"""The auditor's view of the read audit: every row read-only, for everyone, superusers included."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_site import DisnakerModelAdmin, ReadOnlyAdminMixin
from .models import DataAccess


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyAdminMixin, DisnakerModelAdmin):
    list_display = ("at", "user", "kind", "person", "what", "row_count", "view_name")
    list_select_related = ("user", "person")
    search_fields = ("user__username", "user__first_name", "user__last_name", "person__name", "what")
    list_filter = ("kind", "at")
    raw_id_fields = ("user", "person")
    fields = ("at", "user", "kind", "person", "what", "row_count", "people_in_it", "view_name", "path")
    readonly_fields = fields
    date_hierarchy = "at"

    @admin.display(description=_("people in the list or export"))
    def people_in_it(self, obj):
        names = [str(person) for person in obj.people.order_by("name")[:200]]
        return ", ".join(names) or "-"
