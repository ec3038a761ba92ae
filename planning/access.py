"""Which plans a scope sees and who may keep a household's plan (``shuanglian.scoping`` explains scopes)."""
from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from households.access import visible_households
from households.models import Household, HouseholdPlan, PlanMeasure
from pairing.access import visible_units
from pairing.models import HouseholdPairing
from pairing.selectors import in_force
from shuanglian import scoping
from shuanglian.scoping import as_scope, narrow

from .models import Commitment, DevelopmentPlan


def visible_plans(user_or_scope) -> QuerySet[HouseholdPlan]:
    scope = as_scope(user_or_scope)
    return narrow(
        HouseholdPlan.objects.all(), scope,
        area=lambda prefix: Q(household__village__code__startswith=prefix),
        unit=lambda _unit: Q(household__in=visible_households(scope)),
        cadre=lambda _cadre: Q(household__in=visible_households(scope)),
    )


def visible_measures(user_or_scope) -> QuerySet[PlanMeasure]:
    return PlanMeasure.objects.filter(plan__in=visible_plans(user_or_scope))


def is_paired_cadre(user_or_scope, household: Household, on: date) -> bool:
    """The cadre paired with the household on that day (a pairing in force)."""
    scope = as_scope(user_or_scope)
    return bool(scope.cadre_id) and HouseholdPairing.objects.filter(
        in_force(on), cadre_id=scope.cadre_id, household=household).exists()


def may_keep_plan(user_or_scope, household: Household, on: date) -> bool:
    """The paired cadre, or an office or unit administrator that sees the household."""
    scope = as_scope(user_or_scope)
    if scoping.is_cadre(scope):
        return is_paired_cadre(scope, household, on)
    return scoping.may_change(scope) and visible_households(scope).filter(pk=household.pk).exists()



def visible_development_plans(user_or_scope) -> QuerySet[DevelopmentPlan]:
    """Village plans of the villages a scope sees; unit plans of the units it sees."""
    scope = as_scope(user_or_scope)
    return narrow(
        DevelopmentPlan.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix) | Q(unit__in=visible_units(scope)),
        unit=lambda unit: Q(unit_id=unit) | Q(village_id__in=scope.reach.village_codes),
        cadre=lambda cadre: Q(unit__cadres__pk=cadre) | Q(village_id__in=scope.reach.village_codes),
    )


def visible_commitments(user_or_scope) -> QuerySet[Commitment]:
    return Commitment.objects.filter(plan__in=visible_development_plans(user_or_scope))
