"""Which areas and registry records a scope sees (``shuanglian.scoping`` explains scopes).

An office sees its area's subtree by code prefix. A unit or a cadre reaches the villages and
households its pairings lead to; that reach is resolved by the pairing app and handed down in
the scope, so this app never reads pairings."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from shuanglian.scoping import as_scope, narrow

from .models import Area, AreaLevel, Household, IncomeRecord, Member, PovertyQuota, VillageYear


def _reached_villages(scope):
    return lambda _key: Q(code__in=scope.reach.village_codes)


def visible_areas(user_or_scope) -> QuerySet[Area]:
    scope = as_scope(user_or_scope)
    return narrow(
        Area.objects.all(), scope,
        area=lambda prefix: Q(code__startswith=prefix),
        unit=_reached_villages(scope),
        cadre=_reached_villages(scope),
    )


def visible_area_code(user_or_scope, code: str | None) -> str:
    """``code`` when it names an area the scope sees, else "": a page's filter by an area the
    reader cannot see is dropped, never answered."""
    return code if code and visible_areas(user_or_scope).filter(code=code).exists() else ""


def visible_villages(user_or_scope) -> QuerySet[Area]:
    return visible_areas(user_or_scope).filter(level=AreaLevel.VILLAGE)


def visible_households(user_or_scope) -> QuerySet[Household]:
    scope = as_scope(user_or_scope)
    return narrow(
        Household.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda _unit: scope.reach.households,
        cadre=lambda _cadre: scope.reach.households,
    )


def visible_members(user_or_scope) -> QuerySet[Member]:
    return Member.objects.filter(household__in=visible_households(user_or_scope))


def visible_incomes(user_or_scope) -> QuerySet[IncomeRecord]:
    return IncomeRecord.objects.filter(household__in=visible_households(user_or_scope))


def visible_village_years(user_or_scope) -> QuerySet[VillageYear]:
    """Villages' basic data by year (村情): wherever the village is visible."""
    return VillageYear.objects.filter(village__in=visible_areas(user_or_scope))


def visible_quotas(user_or_scope) -> QuerySet[PovertyQuota]:
    """Counties' scale quotas (县扶贫规模): wherever the county is visible."""
    return PovertyQuota.objects.filter(county__in=visible_areas(user_or_scope))
