from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("进村入户")

    def ready(self):
        from pairing.services.residents import register_posting_guard

        from . import roster  # noqa: F401  registers the 走访 and 单位进村 sheets
        from .services.stays import stays_left_outside

        # A posting may not be corrected so that its stays fall outside it (docs/domain.md §11).
        register_posting_guard(stays_left_outside)
