from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("双向评议")

    def ready(self):
        from . import roster  # noqa: F401  registers the roster sheet 评议
