from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DisnakerAdminSite(admin.AdminSite):
    """The one admin site of the portal: every part registers here."""

    site_header = settings.OFFICE_NAME
    site_title = settings.OFFICE_SHORT_NAME
    index_title = _("Staff workspace")


class DisnakerModelAdmin(admin.ModelAdmin):
    """House defaults for every ModelAdmin: no full COUNT(*) on big changelists."""

    show_full_result_count = False
    list_per_page = 50
