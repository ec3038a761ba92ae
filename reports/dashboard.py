"""The leaders' dashboard: an area's year at a glance, its child areas ranked worst first, the
trend by month, and at village level the households themselves.

The figures are those of the annual report (``reports.figures``) and of the compliance engine,
never counted another way. A province's dashboard costs a few seconds of SQL, so each
(area, year, day) is computed once and kept in the cache; the page says when it was computed
and until when it is kept.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from households.models import LEVEL_PREFIX_LENGTH, Area, AreaLevel, Household, IncomeRecord
from households.selectors import growth_percent, per_capita_income_totals, poverty_summary
from pairing.models import HouseholdPairing
from pairing.selectors import in_force
from shuanglian import freshness
from shuanglian.parallel import together
from visits.models import Visit
from visits.selectors import CadreTally, monthly_visits

from .figures import Subject, assemble, figure_reads, money, percent
from .periods import ANNUAL, Period

CACHE_VERSION = 4  # 2: money to the fen, and how long the figures are kept; 3: the residents' figures; 4: stays, tasks, projects
_TENTH = Decimal("0.1")


def dashboard(*, area: Area, year: int, today: date | None = None, fresh: bool = False,
              keep_until: datetime | None = None) -> dict:
    """Every figure of the dashboard as plain JSON, from the cache unless ``fresh``; kept until
    ``keep_until``, else for ``DASHBOARD_CACHE_SECONDS`` from when they were computed. The
    figures say until when (``kept_until``), so the page can tell the reader.

    The key holds the area's generation (``shuanglian.freshness``): a visit, an import, a
    hand-over, an approval or a step of identification in the area renews it when it commits,
    so the next read computes the figures anew; the kept ones are never read again and expire."""
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    key = f"dashboard:{CACHE_VERSION}:{area.code}:{year}:{as_of.isoformat()}:{freshness.generation(area.code)}"
    if not fresh and (kept := cache.get(key)) is not None:
        return kept
    figures = compute(area=area, year=year, as_of=as_of)
    now = timezone.now()
    until = keep_until or now + timedelta(seconds=getattr(settings, "DASHBOARD_CACHE_SECONDS", 600))
    figures["kept_until"] = timezone.localtime(until).isoformat(timespec="seconds")
    cache.set(key, figures, max(1, int((until - now).total_seconds())))
    return figures


def warm(*, today: date | None = None, levels=(AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)) -> int:
    """Compute today's dashboards ahead, so that leaders read them from the cache: every area of
    the given levels that holds households. A province's figures take about ten seconds cold; the
    nightly schedule runs this before anyone asks. Returns how many were computed."""
    from .selectors import reporting_areas

    today = today or timezone.localdate()
    areas = reporting_areas().filter(level__in=levels).order_by("code")
    count = 0
    # Kept for the rest of the day: the key holds the date, so tomorrow's page computes anew.
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    for area in areas.iterator():
        dashboard(area=area, year=today.year, today=today, fresh=True, keep_until=midnight)
        count += 1
    return count


def compute(*, area: Area, year: int, as_of: date) -> dict:
    """Every figure of the dashboard from the database: the annual report's, the trend by month
    (one statement for all months) and the child areas ranked, the cadres on pace summed per
    child area by the compliance engine's own statement. ``as_of`` lies in ``year``.

    The reads are independent of one another, so they run side by side where the database
    allows it (``shuanglian.parallel``), all reading one snapshot; the trend, as long as the
    compliance engine itself, goes first."""
    subject = Subject(area_code=area.code)
    period = Period.parse(ANNUAL, str(year))
    village = area.level == AreaLevel.VILLAGE
    child_length = 0 if village else LEVEL_PREFIX_LENGTH[Area.level_below(area.level)]
    reads = {"trend": lambda: _trend(subject, year, as_of),
             **figure_reads(subject, period, as_of, child_length=child_length, unit_rows=False),
             "incomes": lambda: per_capita_income_totals(_paired_households(area, year), year),
             "poverty": lambda: _poverty_tests(area, year)}
    if village:
        reads["households"] = lambda: _households(area, year, as_of)
    found = together(reads)
    report, child_tallies = assemble(subject, period, as_of, found)
    summary = report["summary"]
    trend = found["trend"]
    month = trend[-1]  # the month so far: the last month of the trend is cut at as_of
    growth = growth_percent(*found["incomes"])
    figures = {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "year": year,
        "as_of": as_of.isoformat(),
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "summary": {
            **summary,
            "villages_covered_rate": percent(summary["poor_villages"] - summary["poor_villages_without_unit"],
                                             summary["poor_villages"]),
            "households_covered_rate": percent(summary["poor_households"] - summary["households_without_cadre"],
                                               summary["poor_households"]),
            "unit_compliance_rate": percent(summary["unit_pairings_on_track"], summary["unit_pairings_due"]),
            "visits_month": month["visits"],
            "visit_days_month": month["days"],
            "income_growth": "" if growth is None else str(growth.quantize(_TENTH)),
        },
        "trend": trend,
        "breadcrumbs": _breadcrumbs(area),
    }
    figures["poverty"] = found["poverty"]
    if village:
        figures["households"] = found["households"]
    else:
        figures["children"] = _ranked_children(area, report.get("areas", []), child_tallies)
    return figures


def _poverty_tests(area: Area, year: int) -> dict:
    """The poverty tests of docs/domain.md §10 for the area and year: villages meeting the
    poor-village test (and of them those designated poor villages), households below the lines."""
    s = poverty_summary(area.code, year)
    return {"villages": s.villages, "villages_meeting": s.villages_meeting, "meeting_designated": s.meeting_designated,
            "households": s.households, "below_province": s.below_province, "below_national": s.below_national,
            "thresholds_year": s.thresholds.year}


def _paired_households(area: Area, year: int):
    paired = HouseholdPairing.objects.filter(start__lte=date(year, 12, 31)).filter(
        Q(end__isnull=True) | Q(end__gte=date(year, 1, 1)))
    return Household.objects.in_area(area.code).filter(pk__in=paired.values("household_id"))


def _trend(subject: Subject, year: int, as_of: date) -> list[dict]:
    """Visits and days per month of the year so far, each month counted as its own period (as
    ``visit_compliance`` counts a month from its first day to its last, or to ``as_of``)."""
    months = monthly_visits(year=year, through=as_of, area=subject.compliance_area)
    return [{"month": month, "visits": visits, "days": days} for month, (visits, days) in months.items()]


def _ranked_children(area: Area, report_rows: list[dict], tallies: dict[str, CadreTally]) -> list[dict]:
    """The next level down, worst first: the lowest share of cadres on pace, then the most
    households without a cadre.

    A child's cadres are those the engine selects for the child's area (``pace(on=as_of,
    area=child)``): paired with a household of the child by a pairing in force on a day of the
    year so far. Each counts there with all their pairings, so their rows are the area's own;
    the engine sums them per child in the same statement (``year_so_far_tallies``)."""
    by_code = {row["code"]: dict(row) for row in report_rows}
    level = Area.level_below(area.level)
    for child in Area.objects.filter(parent=area, level=level).values("code", "name"):
        by_code.setdefault(child["code"], {"code": child["code"], "name": child["name"], "households": 0,
                                           "poor_households": 0, "households_paired": 0,
                                           "households_without_cadre": 0, "exits": 0, "demands_collected": 0,
                                           "deeds": 0, "funds": "0.00"})
    length = LEVEL_PREFIX_LENGTH[level]
    for code, row in by_code.items():
        tally = tallies.get(code[:length], CadreTally())
        row.update(cadres_due=tally.cadres, cadres_on_track=tally.on_track,
                   compliance_rate=percent(tally.on_track, tally.cadres),
                   coverage_rate=percent(row["poor_households"] - row["households_without_cadre"], row["poor_households"]))
    ranked = sorted(by_code.values(), key=lambda r: (
        float(r["compliance_rate"]) if r["compliance_rate"] else 101.0, -r["households_without_cadre"], r["code"]))
    return ranked


def _households(village: Area, year: int, as_of: date) -> list[dict]:
    """At village level, the households: who helps them, their last visit, and their income."""
    cadre = HouseholdPairing.objects.filter(in_force(as_of), household=OuterRef("pk")).values("cadre__name")[:1]
    income = IncomeRecord.objects.filter(household=OuterRef("pk"), year=year).values("per_capita_income")[:1]
    income_before = IncomeRecord.objects.filter(household=OuterRef("pk"), year=year - 1).values("per_capita_income")[:1]
    last_visit = (Visit.objects.filter(households=OuterRef("pk"), start__lte=as_of).values("households")
                  .annotate(last=Max("start")).values("last")[:1])
    rows = (Household.objects.filter(village=village)
            .annotate(cadre=Subquery(cadre), income=Subquery(income), income_before=Subquery(income_before),
                      last_visit=Subquery(last_visit))
            .order_by("number")
            .values("number", "head_name", "status", "cadre", "income", "income_before", "last_visit"))
    return [{**row, "income": _money(row["income"]), "income_before": _money(row["income_before"]),
             "last_visit": row["last_visit"].isoformat() if row["last_visit"] else "",
             "days_since_visit": (as_of - row["last_visit"]).days if row["last_visit"] else None}
            for row in rows]


def _money(value) -> str:
    """To the fen, like every sum of money in the figures; empty where there is no record."""
    return "" if value is None else money(value)


def _breadcrumbs(area: Area) -> list[dict]:
    chain, code = [], area.code
    while code:
        chain.append(code)
        code = Area.parent_code_of(code)
    names = dict(Area.objects.filter(code__in=chain).values_list("code", "name"))
    return [{"code": c, "name": names.get(c, c)} for c in reversed(chain) if c in names]


def default_area_code(own_area: str | None) -> str | None:
    """The area a dashboard opens on: the user's own, or the top of the tree for everyone."""
    if own_area:
        return own_area
    top = Area.objects.filter(level=AreaLevel.PROVINCE).order_by("code").values_list("code", flat=True).first()
    return top
