from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class DisnakerAdminConfig(AdminConfig):
    """Installs the portal's one admin site, so apps keep plain ``@admin.register``."""

    default_site = "disnaker.admin_site.DisnakerAdminSite"


class DisnakerConfig(AppConfig):
    name = "disnaker"
    verbose_name = _("People, regions and summaries")
    default_auto_field = "django.db.models.BigAutoField"
