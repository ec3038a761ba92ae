"""Which typical cases, publications, lead units and meetings a scope sees
(``shuanglian.scoping`` explains scopes). The public pages read published records through
``publicity.selectors`` and need no scope."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from assessments.access import visible_evaluation_rounds
from shuanglian.scoping import as_scope, narrow

from .models import LeadMeeting, LeadUnit, RoundPublication, TypicalCase


def visible_cases(user_or_scope) -> QuerySet[TypicalCase]:
    """An office: the cases of its area; a unit administrator: its unit's and those it submitted;
    a cadre: the cases about them."""
    scope = as_scope(user_or_scope)
    return narrow(
        TypicalCase.objects.all(), scope,
        area=lambda prefix: Q(area__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit) | Q(cadre__unit_id=unit),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def visible_publications(user_or_scope) -> QuerySet[RoundPublication]:
    return RoundPublication.objects.filter(round__in=visible_evaluation_rounds(user_or_scope))


def visible_lead_units(user_or_scope) -> QuerySet[LeadUnit]:
    """Offices and leaders of the county or above; a unit administrator the leads its unit holds."""
    return narrow(
        LeadUnit.objects.all(), user_or_scope,
        area=lambda prefix: Q(county__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
    )


def visible_lead_meetings(user_or_scope) -> QuerySet[LeadMeeting]:
    return LeadMeeting.objects.filter(lead__in=visible_lead_units(user_or_scope))
