"""Which reports and monthly submissions a scope sees (``shuanglian.scoping`` explains scopes)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from pairing.access import visible_units
from shuanglian.scoping import as_scope, narrow

from .models import MonthlySubmission, Report


def visible_reports(user_or_scope) -> QuerySet[Report]:
    """Reports of the areas and units the user sees; a cadre sees none (reports are the
    offices', the units' and the leaders')."""
    scope = as_scope(user_or_scope)
    return narrow(
        Report.objects.all(), scope,
        area=lambda prefix: Q(area__code__startswith=prefix) | Q(unit__in=visible_units(scope)),
        unit=lambda unit: Q(unit_id=unit),
    )


def visible_submissions(user_or_scope) -> QuerySet[MonthlySubmission]:
    """Monthly reports: an office sees those of the units seated in its area, a unit its own."""
    return narrow(
        MonthlySubmission.objects.all(), user_or_scope,
        area=lambda prefix: Q(unit__area__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
    )
