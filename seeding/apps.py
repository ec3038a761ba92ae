from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedingConfig(AppConfig):
    name = "seeding"
    verbose_name = _("演示与规模数据")
