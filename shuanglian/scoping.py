"""The one answer to "what may this user see or change".

Every admin queryset, page, export and report starts from these functions; nothing else
filters by role. A scope is resolved once per request from the user's role:

- superuser or province office: everything;
- office or leader at an area: that area and everything below it (by code prefix);
- unit administrator: the unit, its cadres, its paired villages and their households,
  and households paired with its cadres;
- cadre: their own record and the households they are or were paired with.

Leaders and cadres read only; cadres' own visits are the exception, handled by the visits app.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from households.models import Area, AreaLevel, Household, IncomeRecord, Member
from pairing.models import Cadre, HouseholdPairing, Role, Unit, VillagePairing


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_prefix: str | None = None
    unit_id: int | None = None
    cadre_id: int | None = None
    can_change: bool = False
    can_view_id_numbers: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.area_prefix or self.unit_id or self.cadre_id)


NOTHING = Scope()
EVERYTHING = Scope(everything=True, can_change=True, can_view_id_numbers=True)


def scope_for(user) -> Scope:
    """Resolve (and cache on the user object) the scope of a signed-in user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_shuanglian_scope", None)
    if cached is not None:
        return cached
    scope = _resolve(user)
    user._shuanglian_scope = scope
    return scope


def _resolve(user) -> Scope:
    if user.is_superuser:
        return EVERYTHING
    role = Role.objects.filter(user=user).first()
    if role is not None:
        if role.kind == Role.Kind.UNIT_ADMIN:
            return Scope(unit_id=role.unit_id, can_change=True, can_view_id_numbers=role.can_view_id_numbers)
        return Scope(
            area_prefix=Area.prefix_of(role.area_id),
            can_change=role.kind == Role.Kind.OFFICE,
            can_view_id_numbers=role.can_view_id_numbers,
        )
    cadre_id = Cadre.objects.filter(user=user).values_list("pk", flat=True).first()
    if cadre_id is not None:
        return Scope(cadre_id=cadre_id)
    return NOTHING


def _scope(user_or_scope) -> Scope:
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


# --- the unit administrator's reach, as subqueries -------------------------------------------

def _unit_village_codes(unit_id: int) -> QuerySet:
    return VillagePairing.objects.filter(unit_id=unit_id).values("village_id")


def _unit_household_ids(unit_id: int) -> Q:
    paired_with_unit_cadre = HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre__unit_id=unit_id)
    return Q(village_id__in=_unit_village_codes(unit_id)) | Q(Exists(paired_with_unit_cadre))


# --- visible sets -------------------------------------------------------------------------------

def visible_areas(user_or_scope) -> QuerySet[Area]:
    scope = _scope(user_or_scope)
    qs = Area.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(code__in=_unit_village_codes(scope.unit_id))
    if scope.cadre_id:
        return qs.filter(code__in=HouseholdPairing.objects.filter(cadre_id=scope.cadre_id).values("household__village_id"))
    return qs.none()


def visible_villages(user_or_scope) -> QuerySet[Area]:
    return visible_areas(user_or_scope).filter(level=AreaLevel.VILLAGE)


def visible_units(user_or_scope) -> QuerySet[Unit]:
    scope = _scope(user_or_scope)
    qs = Unit.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        # Units seated in the area, and units from above that are paired with its villages.
        return qs.filter(
            Q(area__code__startswith=scope.area_prefix)
            | Q(Exists(VillagePairing.objects.filter(unit=OuterRef("pk"), village__code__startswith=scope.area_prefix)))
        )
    if scope.unit_id:
        return qs.filter(pk=scope.unit_id)
    if scope.cadre_id:
        return qs.filter(cadres__pk=scope.cadre_id)
    return qs.none()


def visible_cadres(user_or_scope) -> QuerySet[Cadre]:
    scope = _scope(user_or_scope)
    qs = Cadre.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        # Cadres of units in the area, and cadres from elsewhere paired with its households.
        return qs.filter(
            Q(unit__area__code__startswith=scope.area_prefix)
            | Q(Exists(HouseholdPairing.objects.filter(cadre=OuterRef("pk"), household__village__code__startswith=scope.area_prefix)))
        )
    if scope.unit_id:
        return qs.filter(unit_id=scope.unit_id)
    if scope.cadre_id:
        return qs.filter(pk=scope.cadre_id)
    return qs.none()


def visible_households(user_or_scope) -> QuerySet[Household]:
    scope = _scope(user_or_scope)
    qs = Household.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(village__code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(_unit_household_ids(scope.unit_id))
    if scope.cadre_id:
        return qs.filter(Exists(HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre_id=scope.cadre_id)))
    return qs.none()


def visible_members(user_or_scope) -> QuerySet[Member]:
    return Member.objects.filter(household__in=visible_households(user_or_scope))


def visible_incomes(user_or_scope) -> QuerySet[IncomeRecord]:
    return IncomeRecord.objects.filter(household__in=visible_households(user_or_scope))


def visible_household_pairings(user_or_scope) -> QuerySet[HouseholdPairing]:
    scope = _scope(user_or_scope)
    qs = HouseholdPairing.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(household__village__code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(Q(cadre__unit_id=scope.unit_id) | Q(household__village_id__in=_unit_village_codes(scope.unit_id)))
    if scope.cadre_id:
        return qs.filter(cadre_id=scope.cadre_id)
    return qs.none()


def visible_village_pairings(user_or_scope) -> QuerySet[VillagePairing]:
    scope = _scope(user_or_scope)
    qs = VillagePairing.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(village__code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(unit_id=scope.unit_id)
    if scope.cadre_id:
        return qs.filter(village_id__in=visible_areas(scope).values("code"))
    return qs.none()


def editable(user_or_scope, queryset: QuerySet) -> QuerySet:
    """The part of an already-scoped queryset the user may change: all of it, or nothing."""
    return queryset if _scope(user_or_scope).can_change else queryset.none()


# --- personal data --------------------------------------------------------------------------------

def mask_id_number(value: str) -> str:
    """620502199001010117 → 620502********0117: region and check digits stay, the birth date goes."""
    if not value:
        return value
    if len(value) <= 10:
        return settings.ID_MASK_CHAR * len(value)
    return value[:6] + settings.ID_MASK_CHAR * (len(value) - 10) + value[-4:]


def shown_id_number(user_or_scope, value: str) -> str:
    return value if _scope(user_or_scope).can_view_id_numbers else mask_id_number(value)


# --- visits -----------------------------------------------------------------------------------

def visible_visits(user_or_scope):
    """A cadre's trips are visible wherever the cadre is."""
    from visits.models import Visit

    return Visit.objects.filter(cadre__in=visible_cadres(user_or_scope))


def visible_unit_visits(user_or_scope):
    from visits.models import UnitVisit

    scope = _scope(user_or_scope)
    qs = UnitVisit.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(village__code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(unit_id=scope.unit_id)
    return qs.none()


def _collected(model, user_or_scope):
    """Demands and deeds: by their village for an area, the unit's own or its villages', a cadre's own."""
    scope = _scope(user_or_scope)
    qs = model.objects.all()
    if scope.everything:
        return qs
    if scope.area_prefix:
        return qs.filter(village__code__startswith=scope.area_prefix)
    if scope.unit_id:
        return qs.filter(Q(cadre__unit_id=scope.unit_id) | Q(village_id__in=_unit_village_codes(scope.unit_id)))
    if scope.cadre_id:
        return qs.filter(cadre_id=scope.cadre_id)
    return qs.none()


def visible_demands(user_or_scope):
    from visits.models import Demand

    return _collected(Demand, user_or_scope)


def visible_deeds(user_or_scope):
    from visits.models import Deed

    return _collected(Deed, user_or_scope)
