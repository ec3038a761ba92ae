from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = _("联村联户")

    def ready(self):
        from . import roster  # noqa: F401  registers the pairing roster sheets
