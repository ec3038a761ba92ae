"""Which identification records a scope sees (``shuanglian.scoping`` explains scopes)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from households.models import Household
from shuanglian.scoping import as_scope, narrow

from .models import ExitChecklist, Step
from .rules import NOTICES, Stage

# --- printed notices and exit checklists -----------------------------------------------------------


def _steps_in_scope(user_or_scope) -> QuerySet[Step]:
    scope = as_scope(user_or_scope)
    return narrow(
        Step.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda _unit: Q(village_id__in=scope.reach.village_codes),
        cadre=lambda _cadre: Q(village_id__in=scope.reach.village_codes),
    )


def visible_notice_steps(user_or_scope) -> QuerySet[Step]:
    """The notices (公示) and announcements (公告) a scope may print: those of the villages it sees."""
    return _steps_in_scope(user_or_scope).filter(stage__in=[*NOTICES, Stage.ANNOUNCEMENT])


def visible_exit_checklists(user_or_scope) -> QuerySet[ExitChecklist]:
    scope = as_scope(user_or_scope)
    return narrow(
        ExitChecklist.objects.all(), scope,
        area=lambda prefix: Q(household__village__code__startswith=prefix),
        unit=lambda _unit: Q(household__in=_reached(scope)),
        cadre=lambda _cadre: Q(household__in=_reached(scope)),
    )


def _reached(scope):
    return Household.objects.filter(scope.reach.households).values("pk")
