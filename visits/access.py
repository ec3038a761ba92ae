"""Which trips, demands and deeds a scope sees (``shuanglian.scoping`` explains scopes)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from pairing.access import unit_village_codes, visible_cadres, visible_postings
from shuanglian import scoping
from shuanglian.scoping import narrow

from .models import Deed, Demand, Stay, UnitVisit, Visit


def visible_visits(user_or_scope) -> QuerySet[Visit]:
    """A cadre's trips are visible wherever the cadre is."""
    return Visit.objects.filter(cadre__in=visible_cadres(user_or_scope))


def visible_unit_visits(user_or_scope) -> QuerySet[UnitVisit]:
    return narrow(
        UnitVisit.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
    )


def _collected(model, user_or_scope):
    """Demands and deeds: by their village for an area, the unit's own or its villages', a cadre's own."""
    return narrow(
        model.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(cadre__unit_id=unit) | Q(village_id__in=unit_village_codes(unit)),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def visible_demands(user_or_scope) -> QuerySet[Demand]:
    return _collected(Demand, user_or_scope)


def visible_deeds(user_or_scope) -> QuerySet[Deed]:
    return _collected(Deed, user_or_scope)


def visible_stays(user_or_scope) -> QuerySet:
    """A resident's stays are seen where their postings are (``visible_postings``)."""
    return Stay.objects.filter(posting__in=visible_postings(user_or_scope))


def may_keep_stay(user_or_scope, posting) -> bool:
    """A stay is entered and corrected by the office over the village of its posting or by the
    administrator of the resident's unit, at every door (admin, roster); a resident logs their own
    on the phone."""
    return (scoping.governs_area(user_or_scope, posting.village_id)
            or scoping.is_own_unit(user_or_scope, posting.cadre.unit_id))
