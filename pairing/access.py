"""Roles become scopes here, and which units, cadres and pairings a scope sees.

``resolve_scope`` is the resolver ``shuanglian.scoping.scope_for`` calls
(``settings.SHUANGLIAN_SCOPE_RESOLVER``): roles are records of this app. A unit's or a cadre's
scope carries its reach into the registry (villages and households, ``Reach``), since only the
pairings say what that is."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from households.models import Area
from shuanglian import scoping
from shuanglian.scoping import NOTHING, Reach, Scope, as_scope, narrow

from .models import Cadre, HouseholdPairing, Leave, Posting, Role, Unit, VillagePairing, WorkTeamMember


def resolve_scope(user) -> Scope:
    role = Role.objects.filter(user=user).first()
    if role is not None:
        if role.kind == Role.Kind.UNIT_ADMIN:
            return unit_scope(role.unit_id, can_change=True, can_view_id_numbers=role.can_view_id_numbers)
        return Scope(
            area_prefix=Area.prefix_of(role.area_id),
            can_change=role.kind == Role.Kind.OFFICE,
            can_view_id_numbers=role.can_view_id_numbers,
            can_inspect=role.kind in (Role.Kind.OFFICE, Role.Kind.INSPECTOR),
        )
    cadre_id = Cadre.objects.filter(user=user).values_list("pk", flat=True).first()
    if cadre_id is not None:
        return cadre_scope(cadre_id)
    return NOTHING


def unit_village_codes(unit_id: int) -> QuerySet:
    return VillagePairing.objects.filter(unit_id=unit_id).values("village_id")


def unit_scope(unit_id: int, **flags) -> Scope:
    """A unit's reach: its paired villages and their households, and households paired with its cadres."""
    paired_with_unit_cadre = HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre__unit_id=unit_id)
    return Scope(unit_id=unit_id, reach=Reach(
        village_codes=unit_village_codes(unit_id),
        households=Q(village_id__in=unit_village_codes(unit_id)) | Q(Exists(paired_with_unit_cadre)),
    ), **flags)


def cadre_scope(cadre_id: int, **flags) -> Scope:
    """A cadre's reach: the households they are or were paired with, and those households' villages."""
    return Scope(cadre_id=cadre_id, reach=Reach(
        village_codes=HouseholdPairing.objects.filter(cadre_id=cadre_id).values("household__village_id"),
        households=Q(Exists(HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre_id=cadre_id))),
    ), **flags)


def units_reporting_to(user_or_scope) -> QuerySet[Unit]:
    """The units whose monthly reports an office receives: those seated in its area or below.
    A unit administrator's own unit; nobody else's."""
    return narrow(Unit.objects.all(), user_or_scope, area=lambda prefix: Q(area__code__startswith=prefix),
                  unit=lambda unit: Q(pk=unit))


def visible_units(user_or_scope) -> QuerySet[Unit]:
    return narrow(
        Unit.objects.all(), user_or_scope,
        # Units seated in the area, and units from above that are paired with its villages.
        area=lambda prefix: Q(area__code__startswith=prefix)
        | Q(Exists(VillagePairing.objects.filter(unit=OuterRef("pk"), village__code__startswith=prefix))),
        unit=lambda unit: Q(pk=unit),
        cadre=lambda cadre: Q(cadres__pk=cadre),
    )


def visible_cadres(user_or_scope) -> QuerySet[Cadre]:
    return narrow(
        Cadre.objects.all(), user_or_scope,
        # Cadres of units in the area, and cadres from elsewhere paired with its households.
        area=lambda prefix: Q(unit__area__code__startswith=prefix)
        | Q(Exists(HouseholdPairing.objects.filter(cadre=OuterRef("pk"), household__village__code__startswith=prefix))),
        unit=lambda unit: Q(unit_id=unit),
        cadre=lambda cadre: Q(pk=cadre),
    )


def visible_household_pairings(user_or_scope) -> QuerySet[HouseholdPairing]:
    return narrow(
        HouseholdPairing.objects.all(), user_or_scope,
        area=lambda prefix: Q(household__village__code__startswith=prefix),
        unit=lambda unit: Q(cadre__unit_id=unit) | Q(household__village_id__in=unit_village_codes(unit)),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def visible_village_pairings(user_or_scope) -> QuerySet[VillagePairing]:
    scope = as_scope(user_or_scope)
    return narrow(
        VillagePairing.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
        cadre=lambda cadre: Q(village_id__in=scope.reach.village_codes),
    )


def visible_team_members(user_or_scope) -> QuerySet[WorkTeamMember]:
    """Work team memberships (工作小组): an office's by the village's area, a unit's own teams',
    a cadre's own memberships."""
    return narrow(
        WorkTeamMember.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


# --- resident work teams (驻村) and leave (请假) ---------------------------------------------------

def visible_postings(user_or_scope) -> QuerySet:
    """An office sees the postings to its villages and those of its units' cadres; a unit
    administrator its own cadres'; a cadre their own."""
    return narrow(
        Posting.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix) | Q(cadre__unit__area__code__startswith=prefix),
        unit=lambda unit: Q(cadre__unit_id=unit),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def leave_in_area(prefix: str) -> Q:
    """Leave that belongs to an area: of the cadres the area's office sees, and of the cadres
    posted to its villages. The office's view and the API's ``?area=`` filter are this one rule."""
    return Q(cadre__in=visible_cadres(Scope(area_prefix=prefix))) | Q(
        Exists(Posting.objects.filter(cadre=OuterRef("cadre"), village__code__startswith=prefix)))


def visible_leaves(user_or_scope) -> QuerySet:
    """A cadre's leave is seen where the cadre is seen, and where the cadre is posted."""
    return narrow(
        Leave.objects.all(), user_or_scope,
        area=leave_in_area,
        unit=lambda unit: Q(cadre__unit_id=unit),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def may_keep_leave(user_or_scope, cadre) -> bool:
    """Leave is entered and corrected by the office over the cadre's unit or by the unit's own
    administrator, at every door (admin, roster)."""
    return scoping.governs_area(user_or_scope, cadre.unit.area_id) or scoping.is_own_unit(user_or_scope, cadre.unit_id)
