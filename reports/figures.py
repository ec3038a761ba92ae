"""The figures of a periodic report (docs/domain.md §8), counted in the database.

A report's subject is an area (everything in its code subtree) or a unit (what the unit is
accountable for: its cadres' pairings, visits, demands and deeds, its village pairings, and
the households of its villages). Visits, days and compliance come from the compliance engine
(``visits.selectors``), never recounted here:

- visits and days of the period: ``visit_compliance(start, as_of)``, a stay counted in the
  period where it begins, its days clipped to the period;
- compliance at the end of the period: ``pace(on=as_of)``, the year so far against
  ceil(minimum × paired days so far ÷ days of the year); on 31 December that is the year's
  compliance itself.

Everything else is one aggregate query per group of figures. The result is plain JSON (money
as strings to the fen), stored on the report: the Excel file and the print page are both
written from it, so the paper copy and the electronic copy never disagree.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Substr
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from discipline.selectors import period_figures as discipline_figures
from households.access import visible_areas, visible_households
from households.models import LEVEL_PREFIX_LENGTH, Area, AreaLevel, Household
from identification.selectors import announced_exit
from pairing.access import unit_scope, visible_cadres
from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing
from pairing.selectors import coverage_summary, in_force
from papers.models import Project
from planning.selectors import plans_in_place
from publicity.selectors import published_case_count
from shuanglian import scoping
from shuanglian.helpers import in_batches, pad_area_code
from shuanglian.parallel import together
from visits.models import Deed, Demand, DemandFollowUp, Task, Visit
from visits.selectors import CadreTally, pace, visit_compliance, year_so_far, year_so_far_tallies

from .periods import Period

INT, MONEY, PERCENT = "int", "money", "percent"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str = INT


GROUPS: list[tuple[str, list[Figure]]] = [
    (_("结对与覆盖"), [
        Figure("villages_paired", _("联村结对数（期末）")),
        Figure("units_pairing", _("联村单位数（期末）")),
        Figure("households_paired", _("结对农户数（期末）")),
        Figure("cadres_pairing", _("联户干部数（期末）")),
        Figure("handovers", _("本期交接农户数")),
        Figure("poor_villages", _("贫困村数")),
        Figure("poor_villages_without_unit", _("无联村单位的贫困村")),
        Figure("poor_households", _("未脱贫农户数")),
        Figure("households_without_cadre", _("无联户干部的农户")),
        Figure("cadres_below_quota", _("联户数不足的干部")),
    ]),
    (_("进村入户"), [
        Figure("visits", _("干部走访次数")),
        Figure("visit_days", _("干部走访天数")),
        Figure("cadres_visited", _("本期有走访的干部数")),
        Figure("cadres_due", _("应走访干部数")),
        Figure("cadres_on_track", _("走访达标（进度正常）干部数")),
        Figure("compliance_rate", _("干部走访达标率"), PERCENT),
        Figure("unit_visits", _("单位进村次数")),
        Figure("unit_visit_days", _("单位进村天数")),
        Figure("unit_pairings_due", _("应进村的单位联村结对")),
        Figure("unit_pairings_on_track", _("进村达标的单位联村结对")),
    ]),
    (_("民情诉求"), [
        Figure("demands_collected", _("收集诉求")),
        Figure("demands_resolved", _("办结诉求")),
        Figure("demands_escalated", _("上报双联办诉求")),
        Figure("demands_pending", _("期末未办结诉求")),
    ]),
    (_("帮办实事"), [
        Figure("deeds", _("帮办实事件数")),
        Figure("funds", _("落实帮扶资金（元）"), MONEY),
        Figure("projects", _("争取项目数")),
        Figure("trainings", _("技能培训次数")),
        Figure("people_trained", _("培训人数")),
        Figure("jobs", _("转移就业人数")),
        Figure("people_helped", _("受益人数")),
    ]),
    (_("脱贫"), [
        Figure("exits", _("本年脱贫户数")),
        Figure("exit_people", _("本年脱贫人口")),
        Figure("returned", _("返贫户数")),
    ]),
    (_("驻村工作队"), [
        Figure("residents_due", _("驻村工作队员（人次）")),
        Figure("residents_on_track", _("在村天数达标（进度正常）队员")),
        Figure("resident_compliance_rate", _("驻村工作队员在村达标率"), PERCENT),
        Figure("resident_days", _("驻村工作队员在村天数")),
        Figure("poor_villages_without_resident_team", _("无驻村工作队的贫困村")),
        Figure("poor_villages_without_first_secretary", _("无第一书记的贫困村")),
    ]),
    (_("督查问责"), [
        Figure("complaints_received", _("受理举报")),
        Figure("complaints_closed", _("办结举报")),
        Figure("complaints_substantiated", _("查实举报")),
        Figure("inspections", _("督查次数")),
        Figure("findings", _("督查发现问题")),
        Figure("findings_rectified", _("已整改销号问题")),
        Figure("accountability_commendation", _("表扬")),
        Figure("accountability_criticism", _("通报批评")),
        Figure("accountability_talk", _("约谈")),
        Figure("accountability_accountability", _("问责")),
    ]),
    # The task 推广典型 (六大任务): typical cases the offices published in the period.
    (_("推广典型"), [
        Figure("typical_cases_published", _("本期发布典型数")),
    ]),
    (_("吃住在村与六项任务"), [
        Figure("stays", _("吃住在村次数")),
        *(Figure(f"task_{value}", format_lazy(_("落实任务：{task}"), task=label)) for value, label in Task.choices),
    ]),
    (_("帮扶项目"), [
        Figure("unit_projects", _("单位和双联办项目数")),
        Figure("four_ones", _("其中“四个一”项目")),
        Figure("project_funds_planned", _("项目计划资金（元）"), MONEY),
        Figure("project_funds", _("项目到位资金（元）"), MONEY),
        Figure("project_trainings", _("培训项目数")),
        Figure("project_people_trained", _("项目培训人数")),
        Figure("project_people_helped", _("项目受益人数")),
    ]),
    (_("实事与项目合计"), [
        Figure("funds_total", _("帮扶资金合计（元）"), MONEY),
        Figure("projects_total", _("项目合计")),
        Figure("trainings_total", _("培训合计（次）")),
        Figure("people_trained_total", _("培训人数合计")),
    ]),
    (_("脱贫计划"), [
        Figure("plans_in_place", _("有本年度脱贫计划的未脱贫户")),
        Figure("plans_in_place_rate", _("脱贫计划到户率"), PERCENT),
        Figure("plans_overdue", _("计划脱贫年度已过仍未脱贫的农户")),
    ]),
]
FIGURES = {figure.key: figure for _group, figures in GROUPS for figure in figures}

UNIT_COLUMNS = [
    ("code", _("单位代码")), ("name", _("单位名称")), ("cadres_due", _("应走访干部")), ("cadres_on_track", _("达标干部")),
    ("visits", _("走访次数")), ("visit_days", _("走访天数")), ("demands_collected", _("收集诉求")),
    ("deeds", _("帮办实事")), ("funds", _("帮扶资金（元）")),
]
AREA_COLUMNS = [
    ("code", _("区划代码")), ("name", _("名称")), ("households", _("建档立卡户")), ("poor_households", _("未脱贫户")),
    ("households_paired", _("已结对户")), ("households_without_cadre", _("无干部户")), ("exits", _("本年脱贫户")),
    ("demands_collected", _("收集诉求")), ("deeds", _("帮办实事")), ("funds", _("帮扶资金（元）")),
]
BEHIND_COLUMNS = [
    ("name", _("干部")), ("visits", _("已走访次数")), ("required_visits", _("应走访次数（至期末）")),
    ("days", _("已累计天数")), ("required_days", _("应累计天数（至期末）")),
]
MONEY_COLUMNS = {"funds"}


def money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> str:
    if not whole:
        return ""
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Subject:
    """What a report is about: an area (by its 12-digit code) or a unit."""

    area_code: str | None = None
    unit_id: int | None = None

    @property
    def prefix(self) -> str:
        return Area.prefix_of(self.area_code)

    @property
    def scope(self) -> scoping.Scope:
        """The subject as a scope, so that the sets a user of that area or unit would see are
        exactly the sets the report counts."""
        if self.area_code:
            return scoping.Scope(area_prefix=self.prefix)
        return unit_scope(self.unit_id)

    def by_village(self, field: str = "village") -> Q:
        return Q(**{f"{field}__code__startswith": self.prefix})

    def by_unit(self, cadre_field: str = "cadre") -> Q:
        return Q(**{f"{cadre_field}__unit_id": self.unit_id})

    def collected(self) -> Q:
        """Demands and deeds: by their village for an area, by the collecting cadre's unit for a unit."""
        return self.by_village() if self.area_code else self.by_unit()

    @cached_property  # asked by several groups of figures, worked out once per report
    def compliance_area(self) -> str | None:
        """The area to hand to the compliance engine: the subject's own area (none when it holds
        every area, ``engine_area``), or for a unit the smallest area holding every village it
        and its cadres were ever paired with (the rows are then narrowed to the unit)."""
        if self.area_code:
            return engine_area(self.area_code)
        codes = set(HouseholdPairing.objects.filter(cadre__unit_id=self.unit_id)
                    .values_list("household__village_id", flat=True).distinct())
        codes |= set(VillagePairing.objects.filter(unit_id=self.unit_id).values_list("village_id", flat=True))
        if not codes:
            return None
        common = os.path.commonprefix(sorted(codes))
        for length in sorted(LEVEL_PREFIX_LENGTH.values(), reverse=True):
            if len(common) >= length:
                return pad_area_code(common[:length])
        return None


def engine_area(code: str) -> str | None:
    """The area to hand to the compliance engine for an area's figures: none at all when every
    area lies within it (the province). Households, villages and postings all name an area, so
    every pairing is then within it, and the engine's rows are the same without the area test,
    which costs a join over every pairing."""
    if Area.objects.exclude(code__startswith=Area.prefix_of(code)).exists():
        return code
    return None


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_figures(*, subject: Subject, period: Period, as_of: date) -> dict:
    """Every figure of the report for the period up to ``as_of`` (the period's end, or today
    while the period is still running), with the breakdowns the tables need."""
    return assemble(subject, period, as_of, together(figure_reads(subject, period, as_of)))[0]


def figure_reads(subject: Subject, period: Period, as_of: date, *, child_length: int = 0,
                 unit_rows: bool = True) -> dict:
    """The report's reads from the database, each a call independent of the others, so that
    ``shuanglian.parallel.together`` may run them side by side, the longest first (at a
    province's size the cadres' compliance; the units' in their villages, short, goes with it).
    ``assemble`` turns what they return into the figures.

    An area's cadres over a period from 1 January are summed per unit in the database
    (``year_so_far_tallies``), and with ``child_length`` also per child area of the next level
    down (the dashboard's ranking); otherwise the engine's rows come back one per cadre.

    Without ``unit_rows`` (the dashboard, which shows no table of units) an area's demands and
    deeds per unit are not read, nor the units' names, where the cadres come tallied: nothing
    else needs them, and at a province's size they are two more scans of the year's records."""
    start, end = period.start, min(as_of, period.end)
    subject.compliance_area  # noqa: B018 -- worked out once here, not by each call at once
    tallied = bool(subject.area_code) and start == date(end.year, 1, 1)
    if tallied:
        def cadres():
            units, children = year_so_far_tallies(on=end, area=subject.compliance_area, child_length=child_length,
                                                  children_of=subject.area_code if child_length else None)
            return CadreCounts(units=units, children=children)
    else:
        def cadres():
            return CadreCounts(rows=_engine(subject, start, end, "cadre"))
    reads = {
        "cadres": cadres,
        "units_engine": lambda: _engine(subject, start, end, "unit"),
        "stays_and_tasks": lambda: _stays_and_tasks(subject, start, end),
    }
    if subject.area_code and Area.level_of(subject.area_code) != AreaLevel.VILLAGE:
        reads["areas"] = lambda: _area_rows(subject, start, end)
    reads.update({
        "coverage": lambda: _coverage(subject, end),
        "residents": lambda: _residents(subject, start, end),
        "exits": lambda: _exits(subject, start, end),
        "plans": lambda: _plans(subject, end),
        "pairings": lambda: _pairings(subject, start, end),
        "demands": lambda: _demands(subject, start, end),
        "deeds": lambda: _deeds(subject, start, end),
        "projects": lambda: _project_sums(subject, start, end),
        "discipline": lambda: _discipline(subject, start, end),
        "typical_cases": lambda: published_case_count(
            start=start, end=end, area_prefix=subject.prefix if subject.area_code else None, unit_id=subject.unit_id),
    })
    if subject.area_code and (unit_rows or not tallied):
        reads["unit_parts"] = lambda: _unit_parts(subject, start, end, cadres_units=not tallied)
    elif subject.unit_id:
        reads["unit_cadres"] = lambda: set(Cadre.objects.filter(unit_id=subject.unit_id).values_list("pk", flat=True))
    return reads


def assemble(subject: Subject, period: Period, as_of: date, found: dict) -> tuple[dict, dict[str, CadreTally]]:
    """The report's figures, and the cadres' tallies per child area (when ``figure_reads`` was
    asked for them), from what ``figure_reads`` read."""
    end = min(as_of, period.end)
    compliance = _compliance(subject, found["cadres"], found["units_engine"], found.get("unit_cadres"),
                             found.get("unit_parts"))
    summary = {
        **found["pairings"],
        **found["coverage"],
        **compliance["summary"],
        **found["demands"],
        **found["deeds"],
        **found["exits"],
        **found["residents"],
        **found["discipline"],
        "typical_cases_published": found["typical_cases"],
        **found["stays_and_tasks"],
        **found["plans"],
    }
    summary.update(_projects(found["projects"], summary))
    figures = {"summary": summary, "as_of": end.isoformat()}
    if subject.area_code:
        if "unit_parts" in found:  # not read without ``unit_rows``
            figures["units"] = _unit_rows(found["unit_parts"], compliance["units"])
        if "areas" in found:
            figures["areas"] = found["areas"]
    else:
        figures["behind"] = _behind_rows(compliance)
    return figures, compliance["children"]


# --- groups of figures ------------------------------------------------------------------------

def _pairings(subject: Subject, start: date, end: date) -> dict:
    households = HouseholdPairing.objects.filter(
        subject.by_village("household__village") if subject.area_code else subject.by_unit())
    villages = VillagePairing.objects.filter(subject.by_village() if subject.area_code else Q(unit_id=subject.unit_id))
    held = households.aggregate(
        households_paired=Count("household", distinct=True, filter=in_force(end)),
        cadres_pairing=Count("cadre", distinct=True, filter=in_force(end)),
        handovers=Count("pk", filter=Q(end__gte=start, end__lte=end, successor__isnull=False)),
    )
    held.update(villages.filter(in_force(end)).aggregate(
        villages_paired=Count("village", distinct=True), units_pairing=Count("unit", distinct=True)))
    return held


def _coverage(subject: Subject, end: date) -> dict:
    scope = subject.scope
    return coverage_summary(on=end, areas=visible_areas(scope), households=visible_households(scope),
                            cadres=visible_cadres(scope))


def _engine(subject: Subject, start: date, end: date, kind: str) -> tuple[dict, dict]:
    """The engine's rows of one kind (cadres, or units in villages) for the subject's area: the
    period's and the pace at its end."""
    area = subject.compliance_area
    if subject.unit_id and area is None:  # a unit that never paired anything
        return {}, {}
    return _done_and_pace(start, end, kind, area)


@dataclass(frozen=True)
class CadreCounts:
    """The cadres' compliance as read: the engine's rows, one per cadre, as (the period's, the
    pace at its end); or already summed per unit and per child area (``year_so_far_tallies``)."""

    rows: tuple[dict, dict] | None = None
    units: dict[int, CadreTally] | None = None
    children: dict[str, CadreTally] = field(default_factory=dict)


def _compliance(subject: Subject, cadres: CadreCounts, units: tuple[dict, dict], mine: set | None,
                parts: dict | None) -> dict:
    """The compliance figures, from the cadres' tallies per unit or from the engine's rows (a
    unit's narrowed to its own cadres, ``mine``), and from the units' rows in their villages (a
    unit's narrowed to its own). Also the tallies per unit (an area's, with its cadres' units in
    ``parts``) and per child area, and the cadres' rows when read."""
    unit_done, unit_rows = units
    done_rows = cadre_rows = {}
    if cadres.units is not None:
        per_unit = cadres.units
    else:
        done_rows, cadre_rows = cadres.rows
        if subject.unit_id:
            done_rows = {k: r for k, r in done_rows.items() if k[0] in mine}
            cadre_rows = {k: r for k, r in cadre_rows.items() if k[0] in mine}
        per_unit = _tally_rows(done_rows, cadre_rows, parts["unit_of"] if parts else None)
    if subject.unit_id:
        unit_done = {k: r for k, r in unit_done.items() if k[0] == subject.unit_id}
        unit_rows = {k: r for k, r in unit_rows.items() if k[0] == subject.unit_id}
    total = CadreTally(*(sum(getattr(t, f.name) for t in per_unit.values()) for f in fields(CadreTally)))
    summary = {
        "visits": total.visits,
        "visit_days": total.days,
        "cadres_visited": total.visited,
        "cadres_due": total.cadres,
        "cadres_on_track": total.on_track,
        "compliance_rate": percent(total.on_track, total.cadres),
        "unit_visits": sum(r.visits for r in unit_done.values()),
        "unit_visit_days": sum(r.days for r in unit_done.values()),
        "unit_pairings_due": len(unit_rows),
        "unit_pairings_on_track": sum(1 for r in unit_rows.values() if r.met),
    }
    return {"summary": summary, "units": per_unit, "children": cadres.children, "pace": cadre_rows}


def _tally_rows(done: dict, pace_rows: dict, unit_of: dict | None) -> dict:
    """The engine's cadre rows of a period summed per unit (``unit_of``: each cadre's unit), as
    ``year_so_far_tallies`` sums them in the database; all under one key without ``unit_of``."""
    sums: dict = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (cadre_id,), r in pace_rows.items():
        row = sums[unit_of[cadre_id] if unit_of else None]
        row[0] += 1
        row[1] += r.met
    for (cadre_id,), r in done.items():
        row = sums[unit_of[cadre_id] if unit_of else None]
        row[2] += r.visits
        row[3] += r.days
        row[4] += bool(r.visits)
    return {key: CadreTally(*row) for key, row in sums.items()}


def _done_and_pace(start: date, end: date, subject: str, area: str | None) -> tuple[dict, dict]:
    """The engine's rows for the period and its pace at the end. A period from 1 January (a year,
    its first quarter or month) is the pace's own period: one statement gives both."""
    if start == date(end.year, 1, 1):
        return year_so_far(on=end, subject=subject, area=area)
    return visit_compliance(start=start, end=end, subject=subject, area=area), pace(on=end, subject=subject, area=area)


def _demands(subject: Subject, start: date, end: date) -> dict:
    t0, t1 = day_start(start), day_start(end + timedelta(days=1))
    demands = Demand.objects.filter(subject.collected())
    counted = demands.aggregate(
        demands_collected=Count("pk", filter=Q(created_at__gte=t0, created_at__lt=t1)),
        demands_resolved=Count("pk", filter=Q(resolved_at__gte=t0, resolved_at__lt=t1)),
        demands_pending=Count("pk", filter=Q(created_at__lt=t1) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=t1))),
    )
    counted["demands_escalated"] = DemandFollowUp.objects.filter(
        demand__in=demands, status=Demand.Status.ESCALATED, at__gte=t0, at__lt=t1,
    ).aggregate(n=Count("demand", distinct=True))["n"]
    return counted


def _deeds(subject: Subject, start: date, end: date) -> dict:
    counted = Deed.objects.filter(subject.collected(), on__gte=start, on__lte=end).aggregate(
        deeds=Count("pk"),
        funds=Sum("money"),
        projects=Count("pk", filter=Q(category=Deed.Category.PROJECT)),
        trainings=Count("pk", filter=Q(category=Deed.Category.TRAINING)),
        people_trained=Sum("people_helped", filter=Q(category=Deed.Category.TRAINING)),
        jobs=Sum("people_helped", filter=Q(category=Deed.Category.JOBS)),
        people_helped=Sum("people_helped"),
    )
    counted["funds"] = money(counted["funds"])
    for key in ("people_trained", "jobs", "people_helped"):
        counted[key] = counted[key] or 0
    return counted


def _stays_and_tasks(subject: Subject, start: date, end: date) -> dict:
    """Trips begun in the period with 吃住在村 ticked, and trips that carried out each of the six
    tasks (docs/domain.md §6): an area's are the trips to its households, a unit's its cadres'.

    The trips are counted in the database per kind of trip (stayed or not, the list of tasks
    ticked): a few dozen rows however many trips, which are then added up per task. Reading
    each trip's list once to group it is cheaper than testing it once per task, on both
    databases (a province's year: 1.0 s to 0.6 s on PostgreSQL)."""
    if subject.area_code and subject.compliance_area is None:
        where = Q()  # every household lies in the area (``engine_area``): every trip is one to it
    elif subject.area_code:
        where = Q(Exists(Visit.households.through.objects.filter(
            visit=OuterRef("pk"), household__village__code__startswith=subject.prefix)))
    else:
        where = subject.by_unit()
    kinds = (Visit.objects.filter(where, start__gte=start, start__lte=end)
             .values_list("stayed", "tasks").annotate(n=Count("pk")).order_by())
    counted = {"stays": 0, **{f"task_{value}": 0 for value in Task.values}}
    for stayed, tasks, n in kinds:
        counted["stays"] += n if stayed else 0
        for value in Task.values:
            counted[f"task_{value}"] += n if value in tasks else 0
    return counted


def _project_sums(subject: Subject, start: date, end: date) -> dict:
    """Projects, funds and trainings of units and offices (``papers.Project``) begun in the period."""
    where = subject.by_village() if subject.area_code else Q(unit_id=subject.unit_id)
    return Project.objects.filter(where, start__gte=start, start__lte=end).aggregate(
        unit_projects=Count("pk"),
        four_ones=Count("pk", filter=Q(kind__in=FOUR_ONES)),
        project_funds_planned=Sum("money_planned"),
        project_funds=Sum("money_spent"),
        project_trainings=Count("pk", filter=Q(kind=Project.Kind.TRAINING)),
        project_people_trained=Sum("people_trained"),
        project_people_helped=Sum("people_helped"),
    )


def _projects(sums: dict, deeds: dict) -> dict:
    """The projects' figures (``_project_sums``) and their sums with the cadres' deeds: a deed and
    a project are different records, so each is counted once, in its own figures and in the
    totals (docs/domain.md §12)."""
    counted = dict(sums)
    for key in ("project_people_trained", "project_people_helped"):
        counted[key] = counted[key] or 0
    counted["funds_total"] = money(Decimal(deeds["funds"]) + (counted["project_funds"] or 0))
    counted["projects_total"] = deeds["projects"] + counted["unit_projects"]
    counted["trainings_total"] = deeds["trainings"] + counted["project_trainings"]
    counted["people_trained_total"] = deeds["people_trained"] + counted["project_people_trained"]
    for key in ("project_funds_planned", "project_funds"):
        counted[key] = money(counted[key])
    return counted


FOUR_ONES = (Project.Kind.IDEA, Project.Kind.TEAM, Project.Kind.DEMONSTRATION, Project.Kind.PRACTICAL)


def _exits(subject: Subject, start: date, end: date) -> dict:
    """This year's exits (本年脱贫) are the announced ones: households of the subject named in a
    passed entry of an exit announcement (公告) dated from 1 January of the period's year to its
    end, never the typed status. A household loaded as exited from the roster, with no steps,
    counts as out of poverty but as an exit of no year."""
    if subject.area_code:
        households = Household.objects.in_area(subject.area_code)
    else:
        paired = HouseholdPairing.objects.filter(
            household=OuterRef("pk"), cadre__unit_id=subject.unit_id, start__lte=end,
        ).filter(Q(end__isnull=True) | Q(end__gte=date(start.year, 1, 1)))
        households = Household.objects.filter(Exists(paired))
    exited = Q(announced=True)
    counted = households.annotate(announced=announced_exit(date(start.year, 1, 1), end)).aggregate(
        exits=Count("pk", filter=exited),
        exit_people=Sum("resident_population", filter=exited),
        returned=Count("pk", filter=Q(status=Household.Status.RETURNED)),
    )
    counted["exit_people"] = counted["exit_people"] or 0
    return counted


def _plans(subject: Subject, end: date) -> dict:
    """Plans in place (未脱贫户 with a plan of the year ÷ 未脱贫户) and plans overdue, at the end of the period."""
    counted = plans_in_place(visible_households(subject.scope), end.year)
    return {"plans_in_place": counted["planned"], "plans_in_place_rate": percent(counted["planned"], counted["poor"]),
            "plans_overdue": counted["overdue"]}


# --- breakdowns ---------------------------------------------------------------------------------

def _unit_parts(subject: Subject, start: date, end: date, cadres_units: bool) -> dict:
    """What an area's rows per unit read besides the cadres' compliance: demands and deeds per
    unit (grouped in SQL), the units' codes and names, and with ``cadres_units`` each counted
    cadre's unit (to sum the engine's rows per unit, when they come one per cadre)."""
    unit_of = {}
    if cadres_units:
        # The engine's cadres hold a pairing (with a household of the area) in force in the period
        # or in the year so far: the units of all such cadres in one query, however many they are.
        held = HouseholdPairing.objects.filter(start__lte=end).filter(
            Q(end__isnull=True) | Q(end__gte=min(start, date(end.year, 1, 1))))
        if subject.compliance_area:
            held = held.filter(StartsWith(F("household__village_id"), Value(subject.prefix)))
        unit_of = dict(Cadre.objects.filter(pk__in=held.values("cadre_id")).values_list("pk", "unit_id"))
    t0, t1 = day_start(start), day_start(end + timedelta(days=1))
    demands = dict(Demand.objects.filter(subject.collected(), created_at__gte=t0, created_at__lt=t1)
                   .values_list("cadre__unit_id").annotate(n=Count("pk")).order_by())
    deeds = {unit_id: (n, funds) for unit_id, n, funds in (
        Deed.objects.filter(subject.collected(), on__gte=start, on__lte=end)
        .values_list("cadre__unit_id").annotate(n=Count("pk"), funds=Sum("money")).order_by())}
    return {"unit_of": unit_of, "demands": demands, "deeds": deeds}


def _unit_rows(parts: dict, per_unit: dict[int, CadreTally]) -> list[dict]:
    """One row per unit whose cadres worked in the area: the cadres' compliance summed per unit
    (``per_unit``, the engine's rows, not a recount), demands and deeds as grouped by
    ``_unit_parts``."""
    rows: dict[int, dict] = defaultdict(lambda: {"cadres_due": 0, "cadres_on_track": 0, "visits": 0, "visit_days": 0,
                                                 "demands_collected": 0, "deeds": 0, "funds": Decimal(0)})
    for unit_id, tally in per_unit.items():
        rows[unit_id].update(cadres_due=tally.cadres, cadres_on_track=tally.on_track, visits=tally.visits,
                             visit_days=tally.days)
    for unit_id, n in parts["demands"].items():
        rows[unit_id]["demands_collected"] = n
    for unit_id, (n, funds) in parts["deeds"].items():
        rows[unit_id]["deeds"], rows[unit_id]["funds"] = n, funds or Decimal(0)
    names = {}
    for batch in in_batches(sorted(rows)):
        names.update({pk: (code, name) for pk, code, name in Unit.objects.filter(pk__in=batch).values_list("pk", "code", "name")})
    result = [{"code": names[pk][0], "name": names[pk][1], **row, "funds": money(row["funds"])} for pk, row in rows.items()]
    return sorted(result, key=lambda r: r["code"])


def _area_rows(subject: Subject, start: date, end: date) -> list[dict]:
    """One row per area of the next level down, grouped in SQL by the leading digits of the
    village code (a household's village code carries every level above it)."""
    length = LEVEL_PREFIX_LENGTH[Area.level_below(Area.level_of(subject.area_code))]
    part = Substr("village_id", 1, length)
    rows: dict[str, dict] = defaultdict(lambda: {"households": 0, "poor_households": 0, "households_paired": 0,
                                                 "households_without_cadre": 0, "exits": 0, "demands_collected": 0,
                                                 "deeds": 0, "funds": Decimal(0)})
    paired = HouseholdPairing.objects.filter(in_force(end), household=OuterRef("pk"))
    still_poor = ~Q(status=Household.Status.EXITED)
    announced = announced_exit(date(start.year, 1, 1), end)
    # Grouped by whether a cadre holds the household as well, so that the database looks each
    # household's pairings up once (a condition named in two counts is evaluated for each).
    for code, held, households, poor, exits in (Household.objects.in_area(subject.area_code)
                                                .annotate(part=part, paired=Exists(paired), announced=announced)
                                                .values_list("part", "paired").annotate(
                                                    households=Count("pk"), poor=Count("pk", filter=still_poor),
                                                    exits=Count("pk", filter=Q(announced=True)),
                                                ).order_by()):
        row = rows[code]
        row["households"] += households
        row["poor_households"] += poor
        row["exits"] += exits
        if held:
            row["households_paired"] += households
        else:
            row["households_without_cadre"] += poor
    t0, t1 = day_start(start), day_start(end + timedelta(days=1))
    for code, n in (Demand.objects.filter(subject.by_village(), created_at__gte=t0, created_at__lt=t1)
                    .annotate(part=part).values_list("part").annotate(n=Count("pk")).order_by()):
        rows[code]["demands_collected"] = n
    for code, n, funds in (Deed.objects.filter(subject.by_village(), on__gte=start, on__lte=end)
                           .annotate(part=part).values_list("part").annotate(n=Count("pk"), funds=Sum("money")).order_by()):
        rows[code]["deeds"], rows[code]["funds"] = n, funds or Decimal(0)
    codes = {prefix: pad_area_code(prefix) for prefix in rows}
    names = dict(Area.objects.filter(code__in=codes.values()).values_list("code", "name"))
    result = [{"code": codes[p], "name": names.get(codes[p], codes[p]), **row, "funds": money(row["funds"])}
              for p, row in rows.items()]
    return sorted(result, key=lambda r: r["code"])


def _behind_rows(compliance: dict) -> list[dict]:
    """A unit's cadres behind pace at the end of the period, furthest behind first."""
    behind = {k[0]: r for k, r in compliance["pace"].items() if not r.met}
    names = dict(Cadre.objects.filter(pk__in=behind).values_list("pk", "name"))
    rows = [{"name": names[pk], "visits": r.visits, "required_visits": r.required_visits, "days": r.days,
             "required_days": r.required_days} for pk, r in behind.items()]
    rows.sort(key=lambda r: (r["visits"] - r["required_visits"], r["days"] - r["required_days"], r["name"]))
    return rows


# --- resident work teams (驻村工作队, docs/domain.md §11) --------------------------------------------------

def _residents(subject: Subject, start: date, end: date) -> dict:
    """The residents' figures from the compliance engine, like the cadres': their days in the
    village in the period, and their pace at its end, one row per posting in force. An area
    counts the postings to its villages; a unit the postings of its cadres, wherever they are."""
    from pairing.models import Posting

    if subject.area_code:
        area, mine = subject.compliance_area, None
    else:
        posted = dict(Posting.objects.filter(cadre__unit_id=subject.unit_id).values_list("pk", "village_id"))
        mine, area = set(posted), _smallest_area(posted.values()) if posted else None
    if mine is not None and not mine:  # a unit that posted nobody
        done_rows = pace_rows = {}
    else:
        done_rows, pace_rows = _done_and_pace(start, end, "resident", area)
    if mine is not None:
        done_rows = {k: r for k, r in done_rows.items() if k[0] in mine}
        pace_rows = {k: r for k, r in pace_rows.items() if k[0] in mine}
    on_track = sum(1 for r in pace_rows.values() if r.met)
    return {
        "residents_due": len(pace_rows),
        "residents_on_track": on_track,
        "resident_compliance_rate": percent(on_track, len(pace_rows)),
        "resident_days": sum(r.days for r in done_rows.values()),
    }


def _smallest_area(codes) -> str | None:
    """The smallest area holding every one of the village codes, as the compliance engine takes it."""
    common = os.path.commonprefix(sorted(set(codes)))
    for length in sorted(LEVEL_PREFIX_LENGTH.values(), reverse=True):
        if len(common) >= length:
            return pad_area_code(common[:length])
    return None


def _discipline(subject: Subject, start: date, end: date) -> dict:
    """Complaints, inspections and accountability (docs/domain.md §13)."""
    if subject.area_code:
        return discipline_figures(start=start, end=end, prefix=subject.prefix)
    return discipline_figures(start=start, end=end, unit_id=subject.unit_id)
