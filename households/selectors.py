"""Reads of the registry that other apps build on."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from .models import IncomeRecord


def per_capita_income_totals(households: QuerySet, year: int, group: str | None = None):
    """Σ per-capita net income of ``year`` and of the year before, over the households that have
    both records: per value of ``group`` as (group, now, before) rows, or one (now, before) pair.

    Growth is then Σ now ÷ Σ before − 1: a ratio of sums, so a household with a tiny base
    cannot swing an area's figure."""
    def per_capita(y):
        return Subquery(IncomeRecord.objects.filter(household=OuterRef("pk"), year=y).values("per_capita_income")[:1])

    both = households.annotate(now=per_capita(year), before=per_capita(year - 1)).filter(now__isnull=False, before__gt=0)
    if group is None:
        totals = both.aggregate(now_sum=Sum("now"), before_sum=Sum("before"))
        return totals["now_sum"] or Decimal(0), totals["before_sum"] or Decimal(0)
    return both.values(group).annotate(now_sum=Sum("now"), before_sum=Sum("before")).values_list(group, "now_sum", "before_sum")


def growth_percent(now: Decimal, before: Decimal) -> Decimal | None:
    return (now - before) * 100 / before if before else None
