"""Reads of the registry that other apps build on."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext

from shuanglian.helpers import pad_area_code

from .models import Area, Household, IncomeRecord, PoorAreaYear, PovertyLine, PovertyQuota, VillageYear


def per_capita_income_totals(households: QuerySet, year: int, group: str | None = None):
    """Σ per-capita net income of ``year`` and of the year before, over the households that have
    both records: per value of ``group`` as (group, now, before) rows, or one (now, before) pair.

    Growth is then Σ now ÷ Σ before − 1: a ratio of sums, so a household with a tiny base
    cannot swing an area's figure."""
    def per_capita(y):  # one record per household and year: no ordering to join for
        return Subquery(IncomeRecord.objects.filter(household=OuterRef("pk"), year=y).order_by()
                        .values("per_capita_income")[:1])

    if group is None:
        # The two years' records side by side per household, in one pass over the records: at a
        # province's size three times faster than two lookups per household.
        both = (IncomeRecord.objects.filter(household__in=households.values("pk"), year__in=(year, year - 1))
                .order_by().values("household")
                .annotate(now=Sum("per_capita_income", filter=Q(year=year)),
                          before=Sum("per_capita_income", filter=Q(year=year - 1)))
                .filter(now__isnull=False, before__gt=0))
        totals = both.aggregate(now_sum=Sum("now"), before_sum=Sum("before"))
        return totals["now_sum"] or Decimal(0), totals["before_sum"] or Decimal(0)
    both = households.annotate(now=per_capita(year), before=per_capita(year - 1)).filter(now__isnull=False, before__gt=0)
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
    return Thresholds(year=line.year, province_line=line.province_line, national_line=line.national_line,
                      village_income_line=line.village_income_line, incidence_rate=line.incidence_rate,
                      notice_days=line.notice_days)


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def village_poverty_tests(area_code: str | None, year: int, *, thresholds: Thresholds | None = None,
                          village_years: QuerySet | None = None) -> QuerySet:
    """The poor-village test "一高一低一无" (docs/domain.md §10) of every village with 村情 of ``year``
    in the area (the whole province without one), computed by the database.

    Each row is a ``VillageYear`` annotated with ``name``; ``incidence`` (percent, unrounded; 0
    for a village of no people); ``high_incidence`` (above the rate: poor × 100 > rate ×
    population, in whole numbers, so a village exactly at the rate is not above it);
    ``low_income`` (below the village income line; equal is not below); ``no_collective`` (no
    collective income; a blank cell was stored as 0) and ``meets`` (all three), ordered by code.
    ``village_years`` narrows the rows (a reader's visible 村情)."""
    t = thresholds or thresholds_for(year)
    rows = (village_years if village_years is not None else VillageYear.objects.all()).filter(year=year)
    if area_code:
        rows = rows.filter(village__code__startswith=Area.prefix_of(area_code))
    # The rate has two decimals: ×100 makes it whole, and the comparison exact on every database.
    rate_hundredths = int(t.incidence_rate * 100)
    high = Q(poor_ten_thousandfold__gt=F("rate_people"))
    low = Q(per_capita_income__lt=t.village_income_line)
    none = Q(collective_income=0)
    return rows.annotate(
        name=F("village__name"),
        incidence=Case(When(population=0, then=Value(0.0)),
                       default=Cast(F("poor_population"), FloatField()) * 100 / F("population"),
                       output_field=FloatField()),
        poor_ten_thousandfold=F("poor_population") * 10000,
        rate_people=F("population") * rate_hundredths,
        high_incidence=_flag(high),
        low_income=_flag(low),
        no_collective=_flag(none),
        meets=_flag(high & low & none),
    ).order_by("village_id")


def household_line_tests(area_code: str | None, year: int, *, thresholds: Thresholds | None = None,
                         incomes: QuerySet | None = None) -> QuerySet:
    """The household lines of docs/domain.md §10 for every household with an income of ``year``
    in the area, computed by the database: each ``IncomeRecord`` annotated with ``number``,
    ``head_name``, ``below_province`` and ``below_national`` (strictly below: a household at the
    line is not below it), ordered by household number. ``incomes`` narrows the rows (a
    reader's visible incomes)."""
    t = thresholds or thresholds_for(year)
    rows = (incomes if incomes is not None else IncomeRecord.objects.all()).filter(year=year)
    if area_code:
        rows = rows.filter(household__village__code__startswith=Area.prefix_of(area_code))
    return rows.annotate(
        number=F("household__number"),
        head_name=F("household__head_name"),
        below_province=_flag(Q(per_capita_income__lt=t.province_line)),
        below_national=_flag(Q(per_capita_income__lt=t.national_line)),
    ).order_by("household__number")


@dataclass(frozen=True)
class PovertySummary:
    """The figures of the poverty tests for an area and year: villages with 村情, those meeting the
    poor-village test and, of them, those designated poor villages that year; households with an
    income of the year and those below each line."""

    thresholds: Thresholds
    villages: int
    villages_meeting: int
    meeting_designated: int
    households: int
    below_province: int
    below_national: int


def poverty_summary(area_code: str | None, year: int, *, village_years: QuerySet | None = None,
                    incomes: QuerySet | None = None) -> PovertySummary:
    """Two aggregate queries (and one for the thresholds), whatever the number of rows."""
    t = thresholds_for(year)
    designated = PoorAreaYear.objects.filter(area=OuterRef("village_id"), year=year,
                                             kind=PoorAreaYear.Kind.POOR_VILLAGE)
    villages = village_poverty_tests(area_code, year, thresholds=t, village_years=village_years).order_by()
    v = villages.annotate(designated=Exists(designated)).aggregate(
        total=Count("pk"), meeting=Count("pk", filter=Q(meets=True)),
        designated_meeting=Count("pk", filter=Q(meets=True, designated=True)))
    households = household_line_tests(area_code, year, thresholds=t, incomes=incomes).order_by()
    h = households.aggregate(total=Count("pk"), province=Count("pk", filter=Q(below_province=True)),
                             national=Count("pk", filter=Q(below_national=True)))
    return PovertySummary(thresholds=t, villages=v["total"], villages_meeting=v["meeting"],
                          meeting_designated=v["designated_meeting"], households=h["total"],
                          below_province=h["province"], below_national=h["national"])


# Poor people of a county for its scale quota: the households identified and not exited
# (candidates are not yet poor; a returned household is poor again).
QUOTA_STATUSES = (Household.Status.IDENTIFIED, Household.Status.REGISTERED, Household.Status.RETURNED)


def quota_for(county_code: str, year: int) -> PovertyQuota | None:
    """The county's quota of ``year``, else of the latest earlier year; None: no quota."""
    county = pad_area_code(county_code[:6])
    return PovertyQuota.objects.filter(county_id=county, year__lte=year).order_by("-year").first()


def quota_errors(county_code: str, year: int, *, villages: int = 0, people: int = 0) -> list[str]:
    """Why identifying ``villages`` more poor villages or ``people`` more poor people in the county
    of ``county_code`` in ``year`` would pass its scale quota (严禁超规模识别); empty when it would not.

    The county's poor villages are its 贫困村 designations of the year; its poor people the
    resident population of its households identified, registered or returned (QUOTA_STATUSES).
    A county without a quota of the year or of an earlier year has no limit."""
    quota = quota_for(county_code, year)
    if quota is None:
        return []
    prefix = county_code[:6]
    errors = []
    name = quota.county.name
    if villages:
        count = PoorAreaYear.objects.filter(area__code__startswith=prefix, year=year,
                                            kind=PoorAreaYear.Kind.POOR_VILLAGE).count() + villages
        if count > quota.poor_villages:
            errors.append(gettext("严禁超规模识别：%(county)s%(year)s年贫困村规模为%(quota)s个，认定后将有%(count)s个。")
                          % {"county": name, "year": year, "quota": quota.poor_villages, "count": count})
    if people:
        count = (Household.objects.filter(village__code__startswith=prefix, status__in=QUOTA_STATUSES)
                 .aggregate(n=Sum("resident_population"))["n"] or 0) + people
        if count > quota.poor_people:
            errors.append(gettext("严禁超规模识别：%(county)s%(year)s年贫困人口规模为%(quota)s人，识别后将有%(count)s人。")
                          % {"county": name, "year": year, "quota": quota.poor_people, "count": count})
    return errors


def incidence_shown(poor_population: int, population: int) -> Decimal:
    """The incidence as printed: one decimal, rounded half up (the test uses the unrounded value)."""
    if not population:
        return Decimal("0.0")
    return (Decimal(poor_population * 100) / Decimal(population)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
