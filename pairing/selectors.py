"""Reads of pairing: coverage gaps, quota shortfalls, pairings to review. All counted in SQL."""
from __future__ import annotations

from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import StartsWith

from households.models import Area, AreaLevel, Household, PoorAreaYear

from .models import Cadre, HouseholdPairing, QuotaPolicy, VillagePairing


def in_force(on: date, prefix: str = "") -> Q:
    """Pairings in force on a date (a blank end date: still in force)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def poor_villages(*, year: int, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    flagged = PoorAreaYear.objects.filter(area=OuterRef("pk"), year=year, kind=PoorAreaYear.Kind.POOR_VILLAGE)
    return (within if within is not None else Area.objects.all()).filter(level=AreaLevel.VILLAGE).filter(Exists(flagged))


def poor_villages_without_unit(*, on: date, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    paired = VillagePairing.objects.filter(in_force(on), village=OuterRef("pk"))
    return poor_villages(year=on.year, within=within).filter(~Exists(paired)).select_related("parent")


def households_without_cadre(*, on: date, within: QuerySet[Household] | None = None) -> QuerySet[Household]:
    paired = HouseholdPairing.objects.filter(in_force(on), household=OuterRef("pk"))
    return (
        (within if within is not None else Household.objects.all())
        .still_poor().filter(~Exists(paired)).select_related("village")
    )


def quota_for_rank() -> Subquery:
    """The household quota in force for a cadre (outer row): the policy of the most specific
    area containing the cadre's unit, else the province default (area blank)."""
    policies = (
        QuotaPolicy.objects.filter(rank=OuterRef("rank"))
        .filter(StartsWith(OuterRef("unit__area_id"), F("area_prefix")))
        .order_by(Length("area_prefix").desc())
        .values("min_households")[:1]
    )
    return Subquery(policies, output_field=IntegerField())


def cadre_quota_status(*, on: date, within: QuerySet[Cadre] | None = None) -> QuerySet[Cadre]:
    """Cadres annotated with ``households`` (pairings in force on the date), ``quota`` and
    ``shortfall``. Cadres whose category pairs no households are left out."""
    from .models import CATEGORIES_WITHOUT_HOUSEHOLDS

    return (
        (within if within is not None else Cadre.objects.all())
        .exclude(category__in=CATEGORIES_WITHOUT_HOUSEHOLDS)
        .annotate(
            households=Count("pairings", filter=in_force(on, "pairings__")),
            quota=Coalesce(quota_for_rank(), Value(0)),
        )
        .annotate(shortfall=F("quota") - F("households"))
        .select_related("unit")
    )


def cadres_below_quota(*, on: date, within: QuerySet[Cadre] | None = None) -> QuerySet[Cadre]:
    return cadre_quota_status(on=on, within=within).filter(shortfall__gt=0).order_by("-shortfall", "unit__code", "id_number")


def pairings_outside_unit_villages(*, on: date, within: QuerySet[HouseholdPairing] | None = None) -> QuerySet[HouseholdPairing]:
    """Pairings in force whose household lies outside every village the cadre's unit is paired
    with. The province rule pairs within the unit's villages, counties differ: listed for
    review, never refused."""
    unit_holds_village = VillagePairing.objects.filter(
        in_force(on), unit=OuterRef("cadre__unit"), village=OuterRef("household__village")
    )
    return (
        (within if within is not None else HouseholdPairing.objects.all())
        .filter(in_force(on)).filter(~Exists(unit_holds_village))
        .select_related("cadre__unit", "household__village")
    )


def coverage_summary(*, on: date, areas: QuerySet[Area], households: QuerySet[Household], cadres: QuerySet[Cadre]) -> dict:
    """The headline figures of 全覆盖 for a scope, one query each."""
    poor = poor_villages(year=on.year, within=areas)
    return {
        "poor_villages": poor.count(),
        "poor_villages_without_unit": poor_villages_without_unit(on=on, within=areas).count(),
        "poor_households": households.still_poor().count(),
        "households_without_cadre": households_without_cadre(on=on, within=households).count(),
        "cadres_below_quota": cadres_below_quota(on=on, within=cadres).count(),
    }
