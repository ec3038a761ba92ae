"""Roles become scopes here, and which units, cadres and pairings a scope sees.

``resolve_scope`` is the resolver ``shuanglian.scoping.scope_for`` calls
(``settings.SHUANGLIAN_SCOPE_RESOLVER``): roles are records of this app. A unit's or a cadre's
scope carries its reach into the registry (villages and households, ``Reach``), since only the
pairings say what that is."""
from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from households.models import Area
from shuanglian import prepared, scoping
from shuanglian.scoping import NOTHING, Reach, Scope, as_scope, narrow

from .models import Cadre, HouseholdPairing, Leave, Posting, Role, Unit, VillagePairing, WorkTeamMember


def resolve_scope(user) -> Scope:
    """The scope of a signed-in user, from their role or else their cadre record. Both are read
    in one statement, the cadre with its unit, which the pages of a cadre then take from
    :func:`own_cadre` instead of reading it again. Every request of a signed-in user resolves
    its scope (the access log asks it), so this is one cheap statement, not three queries."""
    with connection.cursor() as cursor:
        prepared.execute(cursor, _role_and_cadre_sql(), [user.pk, user.pk])  # every request: planned once per connection
        row = cursor.fetchone()
    kind, area_id, unit_id, can_view_id_numbers = row[:4]
    if kind is not None:
        if kind == Role.Kind.UNIT_ADMIN:
            return unit_scope(unit_id, can_change=True, can_view_id_numbers=bool(can_view_id_numbers))
        return Scope(
            area_prefix=Area.prefix_of(area_id),
            can_change=kind == Role.Kind.OFFICE,
            can_view_id_numbers=bool(can_view_id_numbers),
            can_inspect=kind in (Role.Kind.OFFICE, Role.Kind.INSPECTOR),
        )
    cadre_values = row[4:4 + len(Cadre._meta.concrete_fields)]
    if cadre_values[0] is None:
        return NOTHING
    cadre = Cadre.from_db(connection.alias, [f.attname for f in Cadre._meta.concrete_fields], cadre_values)
    cadre.unit = Unit.from_db(connection.alias, [f.attname for f in Unit._meta.concrete_fields], row[4 + len(cadre_values):])
    user._shuanglian_cadre = cadre  # read with the scope, kept for the request (see own_cadre)
    return cadre_scope(cadre.pk)


@functools.cache
def _role_and_cadre_sql() -> str:
    """The user's role (kind, area, unit, full numbers) and cadre record with its unit, in one
    row: a user has at most one of each (both are one-to-one with the account)."""
    qn = connection.ops.quote_name
    role = Role._meta
    cadre, unit = Cadre._meta, Unit._meta
    columns = ", ".join([*(f"r.{qn(role.get_field(name).column)}" for name in ("kind", "area", "unit", "can_view_id_numbers")),
                         *(f"c.{qn(f.column)}" for f in cadre.concrete_fields),
                         *(f"u.{qn(f.column)}" for f in unit.concrete_fields)])
    return (f"SELECT {columns} FROM (SELECT 1 AS one) o "
            f"LEFT JOIN {qn(role.db_table)} r ON r.{qn(role.get_field('user').column)} = %s "
            f"LEFT JOIN {qn(cadre.db_table)} c ON c.{qn(cadre.get_field('user').column)} = %s "
            f"LEFT JOIN {qn(unit.db_table)} u ON u.{qn(unit.pk.column)} = c.{qn(cadre.get_field('unit').column)}")


def own_cadre(user) -> Cadre | None:
    """The signed-in cadre's own record, with its unit; None for any other role. Read once per
    request, with the scope."""
    scope = scoping.scope_for(user)
    if not scoping.is_cadre(scope):
        return None
    cadre = getattr(user, "_shuanglian_cadre", None)
    if cadre is None or cadre.pk != scope.cadre_id:
        cadre = Cadre.objects.select_related("unit").get(pk=scope.cadre_id)
        user._shuanglian_cadre = cadre
    return cadre


def unit_village_codes(unit_id: int) -> QuerySet:
    return VillagePairing.objects.filter(unit_id=unit_id).values("village_id")


def unit_scope(unit_id: int, **flags) -> Scope:
    """A unit's reach: its paired villages and their households, and households paired with its cadres."""
    def households() -> Q:
        paired_with_unit_cadre = HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre__unit_id=unit_id)
        return Q(village_id__in=unit_village_codes(unit_id)) | Q(Exists(paired_with_unit_cadre))

    return Scope(unit_id=unit_id, reach=Reach(village_codes=lambda: unit_village_codes(unit_id), households=households),
                 **flags)


def cadre_scope(cadre_id: int, **flags) -> Scope:
    """A cadre's reach: the households they are or were paired with, and those households' villages."""
    return Scope(cadre_id=cadre_id, reach=Reach(
        village_codes=lambda: HouseholdPairing.objects.filter(cadre_id=cadre_id).values("household__village_id"),
        households=lambda: Q(Exists(HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre_id=cadre_id))),
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
