from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LpkRegistryConfig(AppConfig):
    name = "lpk_registry"
    verbose_name = _("LPK registry")
