"""Reads of plans: plans in place, plans missing and plans overdue (docs/domain.md §12).

Each takes the households a reader sees (``households.access.visible_households``) and a year,
and answers in a fixed number of queries whatever the number of households.
"""
from __future__ import annotations

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from households.models import Area, Household, HouseholdPlan

TOWNSHIP_DIGITS = 9


def _plan_of(year: int):
    return HouseholdPlan.objects.filter(household=OuterRef("pk"), year=year)


def latest_deadline(year: int):
    """The exit deadline of a household's latest plan up to ``year`` (a subquery)."""
    return Subquery(HouseholdPlan.objects.filter(household=OuterRef("pk"), year__lte=year)
                    .order_by("-year").values("exit_deadline")[:1])


def missing_plans(households: QuerySet[Household], year: int) -> QuerySet[Household]:
    """Households still poor without a plan of the year."""
    return households.still_poor().exclude(Exists(_plan_of(year)))


def overdue_plans(households: QuerySet[Household], year: int) -> QuerySet[Household]:
    """Households not exited whose latest plan's exit deadline is before ``year``: they hold a
    plan up to the year whose deadline has passed and no later plan up to the year. Stated so,
    the database looks the few passed deadlines up once instead of each household's latest plan
    (at a province's size, 0.6 s → a few hundredths)."""
    later = HouseholdPlan.objects.filter(household=OuterRef("household"), year__gt=OuterRef("year"), year__lte=year)
    passed = HouseholdPlan.objects.filter(household=OuterRef("pk"), year__lte=year, exit_deadline__lt=year)
    return households.still_poor().filter(Exists(passed.filter(~Exists(later))))


def plans_in_place(households: QuerySet[Household], year: int) -> dict:
    """Households still poor, those with a plan of the year, the share, and overdue plans: one query."""
    # The year's plan joined (one at most per household and year), not looked up per household.
    row = households.still_poor().annotate(plan_of_year=FilteredRelation("plans", condition=Q(plans__year=year))).aggregate(
        poor=Count("pk"),
        planned=Count("plan_of_year"),
    )
    row["overdue"] = overdue_plans(households, year).count()
    row["share"] = round(100 * row["planned"] / row["poor"], 1) if row["poor"] else None
    return row


def gaps_by_township(households: QuerySet[Household], year: int) -> list[dict]:
    """Per township: households still poor, plans missing and plans overdue (three grouped queries)."""
    def grouped(qs):
        return dict(qs.order_by().annotate(township=Substr("village_id", 1, TOWNSHIP_DIGITS)).values("township")
                    .annotate(n=Count("pk")).values_list("township", "n"))

    poor = grouped(households.still_poor())
    missing = grouped(missing_plans(households, year))
    overdue = grouped(overdue_plans(households, year))
    names = dict(Area.objects.filter(code__in=[t + "000" for t in poor]).values_list("code", "name"))
    return [{"code": t + "000", "name": names.get(t + "000", t), "poor": poor[t], "missing": missing.get(t, 0),
             "overdue": overdue.get(t, 0)} for t in sorted(poor)]
