"""Who sees which projects and papers (``shuanglian.scoping.narrow``); the households, visits and
cadres a paper shows come from the lower apps' ``visible_*`` functions."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from pairing.access import visible_cadres
from shuanglian.scoping import as_scope, narrow

from .models import Project


def visible_projects(user_or_scope) -> QuerySet[Project]:
    """An office sees the projects in the villages of its area and those its area's office
    brings; a unit its own and its villages'; a cadre those of the villages they reach."""
    scope = as_scope(user_or_scope)
    return narrow(
        Project.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix) | Q(office_area__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit) | Q(village_id__in=scope.reach.village_codes),
        cadre=lambda _cadre: Q(village_id__in=scope.reach.village_codes),
    )


def visible_diarists(user_or_scope):
    """The cadres whose diary (民情日记) a reader may open: the cadres they see."""
    return visible_cadres(user_or_scope)
