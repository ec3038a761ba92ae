from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("台账报表")

    def ready(self):
        from visits.locks import register_lock_source

        from . import selectors, tasks  # noqa: F401 — tasks: registered under the names the services queue them by

        # An approved monthly report locks its unit's month; visits own the rule (visits/locks.py).
        register_lock_source(selectors.approved_months, sql=selectors.approved_months_sql())

        # A write that changes an area's figures: its higher dashboards are recomputed in the background.
        from shuanglian.freshness import areas_touched

        from .services.refresh import on_areas_touched

        areas_touched.connect(on_areas_touched, dispatch_uid="reports.refresh_dashboards")

        # The rarer records that change the figures renew them whichever door saved them.
        from .services import renewals

        renewals.connect()
