"""The outbox in the admin: which tasks wait for the broker, which were sent, how often it failed."""

from django.contrib import admin

from .admin_site import DisnakerModelAdmin, ReadOnlyAdminMixin
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, DisnakerModelAdmin):
    list_display = ("created_at", "task", "state", "attempts", "sent_at", "done_at", "last_error")
    list_select_related = ()
    search_fields = ("task", "=id")
    list_filter = ("state", "task")
    fields = ("id", "task", "args", "kwargs", "state", "attempts", "last_error", "created_at", "sent_at", "done_at")
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False
