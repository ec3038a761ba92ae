from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("建档立卡")

    def ready(self):
        from . import roster  # noqa: F401  registers the registry's roster sheets
