from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("进村入户")

    def ready(self):
        from . import roster  # noqa: F401  registers the 走访 and 单位进村 sheets
