"""The illustrated poverty ledger (图表式管理, docs/domain.md §8): one workbook per area and year with

1. 村收入对比 — each village's per-capita net income, last year and this year, and a native
   bar chart of the two (收入对比图);
2. 户增收计划 — each household's plan: last year's income, the target, this year's result;
3. 户增收措施 — each household's measures and the responsible cadre;
4. 扶贫台帐 — every household with poverty cause, helping cadre, measures and exit deadline,
   grouped by township and village with subtotals;
5. 致贫原因 — households by main poverty cause, with a native chart.

It streams: households come from the database in chunks and XlsxWriter writes each sheet to
disk row by row (constant-memory mode), so a county of any size never sits in memory.
Per-capita income of a village = Σ net income ÷ Σ residents of its households with a record
that year (the registry's formula, docs/domain.md §5), to the fen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from households.access import visible_households
from households.models import Area, Household, HouseholdPlan, IncomeRecord, PlanMeasure, PovertyCause
from households.selectors import Thresholds, household_line_tests, thresholds_for, village_poverty_tests
from identification.rules import Procedure, Stage
from identification.selectors import with_stage
from pairing.models import HouseholdPairing, Unit
from shuanglian import scoping

from .excel import Formats, Sheet, open_workbook

CHUNK = 2000


def per_capita(net, people) -> Decimal | None:
    if not people:
        return None
    return (Decimal(net or 0) / Decimal(people)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Labels:
    """Choice labels resolved once per workbook in the active language (not once per cell)."""

    def __init__(self):
        self.causes = {value: str(label) for value, label in PovertyCause.choices}
        self.statuses = {value: str(label) for value, label in Household.Status.choices}
        self.kinds = {value: str(label) for value, label in Household.Kind.choices}
        self.separator = _("、")  # between the items of a list in one cell
        self.status_with_year = _("%(status)s（%(year)s）")  # an exited household's status and the year it exited
        self.procedures = {value: str(label) for value, label in Procedure.choices}
        self.stages = {value: str(label) for value, label in Stage.choices}
        self.stage_text = _("%(year)s年%(procedure)s·%(stage)s")
        self.stage_failed = _("%(stage)s（未通过）")
        self.yes, self.no = _("是"), _("否")
        self.province, self.national = _("低于省定标准"), _("低于国家标准")  # the lines of docs/domain.md §10

    def stage(self, procedure, stage, year, passed) -> str:
        """A household's latest step: 2025年脱贫退出·公告 (未通过 where it did not pass there)."""
        if not stage:
            return ""
        shown = self.stage_text % {"year": year, "procedure": self.procedures.get(procedure, procedure),
                                   "stage": self.stages.get(stage, stage)}
        return shown if passed else self.stage_failed % {"stage": shown}

    def cause(self, value) -> str:
        return self.causes.get(value, value or "")

    def cause_list(self, values) -> str:
        return self.separator.join(self.cause(v) for v in (values or []))


@dataclass(frozen=True)
class Ledger:
    """What a ledger covers: the households a scope sees, optionally within an area, in a year."""

    scope: scoping.Scope
    year: int
    area_code: str | None = None
    today: date | None = None
    labels: Labels | None = None

    @cached_property
    def thresholds(self) -> Thresholds:
        """The thresholds of the year (docs/domain.md §10), read once per workbook."""
        return thresholds_for(self.year)

    @property
    def on(self) -> date:
        """The day whose helping cadre is shown: the year's last day, or today in the current year."""
        return min(date(self.year, 12, 31), self.today or timezone.localdate())

    def households(self):
        households = visible_households(self.scope)
        return households.in_area(self.area_code) if self.area_code else households

    @property
    def subject_name(self) -> str:
        if self.area_code:
            return Area.objects.filter(code=self.area_code).values_list("name", flat=True).first() or self.area_code
        if scoping.is_unit_admin(self.scope):
            return Unit.objects.filter(pk=self.scope.unit_id).values_list("name", flat=True).first() or ""
        return _("全部")

    def cadre_in_force(self, field: str, outer: str = "pk") -> Subquery:
        """A field of the pairing in force on ``on`` (the household's helping cadre)."""
        pairing = (HouseholdPairing.objects.filter(household=OuterRef(outer))
                   .filter(start__lte=self.on).filter(Q(end__isnull=True) | Q(end__gte=self.on))
                   .order_by("-start").values(field)[:1])
        return Subquery(pairing)

    def income(self, year: int, outer: str = "pk") -> Subquery:
        return Subquery(IncomeRecord.objects.filter(household=OuterRef(outer), year=year).values("per_capita_income")[:1])


def count_households(*, scope: scoping.Scope, area_code: str | None) -> int:
    return Ledger(scope=scope, year=2000, area_code=area_code).households().count()


def write_ledger(out, *, scope: scoping.Scope, year: int, area_code: str | None = None,
                 today: date | None = None) -> dict[str, int]:
    """Write the ledger workbook to ``out`` (a path or a binary file); returns rows per sheet."""
    ledger = Ledger(scope=scope, year=year, area_code=area_code, today=today, labels=Labels())
    workbook = open_workbook(out)
    formats = Formats.of(workbook)
    name = ledger.subject_name
    made = _("制表日期：%(day)s") % {"day": (today or timezone.localdate()).isoformat()}
    written = {}
    try:
        written[_("村收入对比")] = _village_incomes(workbook, formats, ledger, name, made)
        written[_("户增收计划")] = _plans(workbook, formats, ledger, name, made)
        written[_("户增收措施")] = _measures(workbook, formats, ledger, name, made)
        written[_("扶贫台帐")] = _register(workbook, formats, ledger, name, made)
        written[_("致贫原因")] = _causes(workbook, formats, ledger, name, made)
    finally:
        workbook.close()
    return written


# --- 1. village income, this year against last -------------------------------------------------

def _village_incomes(workbook, formats: Formats, ledger: Ledger, name: str, made: str) -> int:
    year, last = ledger.year, ledger.year - 1
    households = ledger.households()
    meets = village_poverty_tests(None, year, thresholds=ledger.thresholds).filter(village=OuterRef("village_id"))
    villages = (households.values_list("village_id", "village__name", "village__parent__name")
                .annotate(n=Count("pk"), meets=Subquery(meets.values("meets")[:1])).order_by("village_id"))
    incomes = {
        row[0]: row[1:] for row in IncomeRecord.objects.filter(household__in=households, year__in=[last, year])
        .values_list("household__village_id").annotate(
            n_last=Count("pk", filter=Q(year=last)),
            net_last=Sum("net_income", filter=Q(year=last)),
            people_last=Sum("resident_population", filter=Q(year=last)),
            n_this=Count("pk", filter=Q(year=year)),
            net_this=Sum("net_income", filter=Q(year=year)),
            people_this=Sum("resident_population", filter=Q(year=year)),
        ).order_by()
    }
    sheet = Sheet(workbook, formats, _("村收入对比"), title=_("%(name)s贫困户人均纯收入对比表（%(last)s—%(year)s年）") % {
        "name": name, "last": last, "year": year},
        subtitle=_("单位：元　%(made)s　人均纯收入 = 纯收入合计 ÷ 常住人口合计") % {"made": made},
        columns=[(_("序号"), 6), (_("乡镇"), 14), (_("村代码"), 14), (_("村"), 14), (_("%(y)s年有收入记录户数") % {"y": last}, 10),
                 (_("%(y)s年人均纯收入") % {"y": last}, 13), (_("%(y)s年有收入记录户数") % {"y": year}, 10),
                 (_("%(y)s年人均纯收入") % {"y": year}, 13), (_("增减额"), 12), (_("增长率"), 10),
                 (_("符合贫困村标准"), 10)])
    f = formats
    row_formats = [f.integer, f.text, f.text, f.text, f.integer, f.money, f.integer, f.money, f.money, f.percent, f.text]
    totals = [0, Decimal(0), 0, 0, Decimal(0), 0]
    first = sheet.row
    count = 0
    for code, village, township, _n, meets in villages.iterator(chunk_size=CHUNK):
        n_last, net_last, people_last, n_this, net_this, people_this = incomes.get(code, (0, None, 0, 0, None, 0))
        before, now = per_capita(net_last, people_last), per_capita(net_this, people_this)
        change = now - before if before is not None and now is not None else None
        growth = float(change / before) if change is not None and before else None
        count += 1
        # 是/否 by the poor-village test of docs/domain.md §10; blank for a village without 村情 of the year.
        flag = "" if meets is None else (ledger.labels.yes if meets else ledger.labels.no)
        sheet.write([count, township, code, village, n_last, before, n_this, now, change, growth, flag],
                    row_formats[:-1] + [f.warn if meets else f.text])
        for index, value in enumerate([n_last, net_last or 0, people_last or 0, n_this, net_this or 0, people_this or 0]):
            totals[index] += value
    last_row = sheet.row - 1
    before, now = per_capita(totals[1], totals[2]), per_capita(totals[4], totals[5])
    change = now - before if before is not None and now is not None else None
    sheet.write([None, _("合计"), None, None, totals[0], before, totals[3], now, change,
                 float(change / before) if change is not None and before else None],
                [f.total_text, f.total_text, f.total_text, f.total_text, f.total_integer, f.total_money, f.total_integer,
                 f.total_money, f.total_money, f.percent])
    sheet.ws.autofilter(2, 0, last_row if count else 2, 10)
    if count:
        _income_chart(workbook, sheet, first, last_row, name, last, year)
    return count


def _income_chart(workbook, sheet: Sheet, first: int, last_row: int, name: str, last: int, year: int) -> None:
    """A native clustered bar chart of the villages' per-capita income, last year against this
    year, on its own A4 landscape chart sheet."""
    chart = workbook.add_chart({"type": "bar"})
    sheet_name = sheet.ws.get_name()
    for column, label, colour in ((5, _("%(y)s年") % {"y": last}, "#9DC3E6"), (7, _("%(y)s年") % {"y": year}, "#C00000")):
        chart.add_series({
            "name": label,
            "categories": [sheet_name, first, 3, last_row, 3],
            "values": [sheet_name, first, column, last_row, column],
            "fill": {"color": colour},
            "gap": 60,
        })
    chart.set_title({"name": _("%(name)s各村贫困户人均纯收入对比（元）") % {"name": name}, "name_font": {"size": 14}})
    chart.set_x_axis({"name": _("元"), "num_format": "#,##0", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "top"})
    chartsheet = workbook.add_chartsheet(_("收入对比图"))
    chartsheet.set_chart(chart)
    chartsheet.set_paper(9)
    chartsheet.set_landscape()


# --- 2 and 3. household plans and measures -------------------------------------------------------

def _plan_rows(ledger: Ledger):
    return (
        HouseholdPlan.objects.filter(year=ledger.year, household__in=ledger.households())
        .order_by("household__village_id", "household__number")
        .values_list("household__village__parent__name", "household__village__name", "household__number",
                     "household__head_name", "household__resident_population", "household__main_cause",
                     "household__other_causes", "target_income", "measures", "exit_deadline")
        .annotate(
            last=ledger.income(ledger.year - 1, "household_id"),
            actual=ledger.income(ledger.year, "household_id"),
            cadre=ledger.cadre_in_force("cadre__name", "household_id"),
            unit=ledger.cadre_in_force("cadre__unit__name", "household_id"),
            plan_id=F("pk"),
        )
        .iterator(chunk_size=CHUNK)
    )


def _with_measures(rows):
    """Each plan row with its structured measures, loaded one query per chunk of plans."""
    batch: list = []

    def flush():
        grouped: dict[int, list] = {}
        for measure in PlanMeasure.objects.filter(plan_id__in=[row[-1] for row in batch]).order_by("plan_id", "pk"):
            grouped.setdefault(measure.plan_id, []).append(measure)
        for row in batch:
            yield row, grouped.get(row[-1], [])
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield from flush()
    if batch:
        yield from flush()


def _measures_as_text(rows, *, text_at: int):
    """Rows ending in a plan id, without it, their measures text (at ``text_at``) filled from the
    plan's structured measures where there are any (one line each, the plan's note after)."""
    for row, measures in _with_measures(rows):
        row = list(row[:-1])
        if measures:
            lines = [measure_text(m) for m in measures]
            row[text_at] = "\n".join([*lines, row[text_at]] if row[text_at] else lines)
        yield tuple(row)


def measure_text(measure: PlanMeasure) -> str:
    """One measure in a line: kind · item or content (status, money)."""
    what = "、".join(x for x in (measure.get_item_display(), measure.description) if x)
    money = _("计划%(planned)s元，已投入%(spent)s元") % {"planned": measure.planned, "spent": measure.spent}
    return f"{measure.get_kind_display()}·{what}（{measure.get_status_display()}，{money}）"


def _plans(workbook, formats: Formats, ledger: Ledger, name: str, made: str) -> int:
    sheet = Sheet(workbook, formats, _("户增收计划"), title=_("%(name)s%(year)s年贫困户增收计划表") % {"name": name, "year": ledger.year},
                  subtitle=_("单位：元　%(made)s") % {"made": made},
                  columns=[(_("序号"), 6), (_("乡镇"), 12), (_("村"), 12), (_("户编号"), 18), (_("户主"), 9), (_("人口"), 6),
                           (_("主要致贫原因"), 12), (_("上年人均纯收入"), 12), (_("目标人均纯收入"), 12), (_("计划增收"), 11),
                           (_("本年实际人均纯收入"), 12), (_("目标完成率"), 10), (_("计划脱贫年度"), 9), (_("责任干部"), 10)])
    f = formats
    count = 0
    nobody = _("（无）")
    for township, village, number, head, people, cause, _others, target, _measures, deadline, last, actual, cadre, _unit, _pk in _plan_rows(ledger):
        count += 1
        increase = target - last if last is not None else None
        done = float(actual / target) if actual is not None and target else None
        sheet.write([count, township, village, number, head, people, ledger.labels.cause(cause), last, target, increase,
                     actual, done, deadline, cadre or nobody],
                    [f.integer, f.text, f.text, f.text, f.text, f.integer, f.text, f.money, f.money, f.money, f.money,
                     f.percent, f.integer, f.text if cadre else f.warn])
    if count:
        sheet.ws.autofilter(2, 0, sheet.row - 1, 13)
    return count


def _measures(workbook, formats: Formats, ledger: Ledger, name: str, made: str) -> int:
    sheet = Sheet(workbook, formats, _("户增收措施"), title=_("%(name)s%(year)s年贫困户增收措施表") % {"name": name, "year": ledger.year},
                  subtitle=made,
                  columns=[(_("序号"), 6), (_("乡镇"), 12), (_("村"), 12), (_("户编号"), 18), (_("户主"), 9),
                           (_("主要致贫原因"), 12), (_("次要致贫原因"), 16), (_("增收措施"), 48), (_("计划脱贫年度"), 9),
                           (_("责任干部"), 10), (_("干部所在单位"), 20), (_("措施项数"), 8), (_("已完成项数"), 8),
                           (_("计划投入合计"), 12), (_("已投入合计"), 12)])
    f = formats
    count = 0
    nobody = _("（无）")
    for row, rows in _with_measures(_plan_rows(ledger)):
        township, village, number, head, _people, cause, others, _target, summary, deadline, _last, _actual, cadre, unit, _pk = row
        count += 1
        # The structured measures, one a line; a plan kept only as text (older years) shows its text.
        text = "\n".join(measure_text(m) for m in rows) or summary
        if rows and summary:
            text = f"{text}\n{summary}"
        done = sum(1 for m in rows if m.status == PlanMeasure.Status.DONE)
        sheet.write([count, township, village, number, head, ledger.labels.cause(cause), ledger.labels.cause_list(others), text, deadline,
                     cadre or nobody, unit, len(rows), done, sum((m.planned for m in rows), Decimal(0)),
                     sum((m.spent for m in rows), Decimal(0))],
                    [f.integer, f.text, f.text, f.text, f.text, f.text, f.wrap, f.wrap, f.integer, f.text if cadre else f.warn,
                     f.text, f.integer, f.integer, f.money, f.money])
    if count:
        sheet.ws.autofilter(2, 0, sheet.row - 1, 14)
    return count


# --- 4. the ledger of every household --------------------------------------------------------------

REGISTER_COLUMNS = [
    (_lazy("序号"), 6), (_lazy("乡镇"), 12), (_lazy("村"), 12), (_lazy("户编号"), 18), (_lazy("户主"), 9),
    (_lazy("户主身份证号"), 20), (_lazy("人口"), 6), (_lazy("户类型"), 11), (_lazy("主要致贫原因"), 12),
    (_lazy("次要致贫原因"), 16), (_lazy("状态"), 12), (_lazy("帮扶干部"), 10), (_lazy("干部所在单位"), 20),
    (_lazy("帮扶措施"), 40), (_lazy("计划脱贫年度"), 9), (_lazy("本年人均纯收入"), 12),
    (_lazy("低于扶贫标准"), 12),
    (_lazy("所处程序"), 22),  # the household's latest step (精准识别与退出)
]
COUNT_COL, PEOPLE_COL, STATUS_COL, CADRE_COL = 3, 6, 10, 11


def _register(workbook, formats: Formats, ledger: Ledger, name: str, made: str) -> int:
    lines = household_line_tests(None, ledger.year, thresholds=ledger.thresholds).filter(household=OuterRef("pk"))
    latest_plan = HouseholdPlan.objects.filter(household=OuterRef("pk"), year__lte=ledger.year).order_by("-year")
    rows = (
        with_stage(ledger.households()).order_by("village_id", "number")
        .values_list("village__parent_id", "village__parent__name", "village_id", "village__name", "number", "head_name",
                     "head_id_number", "resident_population", "kind", "main_cause", "other_causes", "status", "exit_year",
                     "stage_procedure", "stage", "stage_year", "stage_passed")
        .annotate(
            cadre=ledger.cadre_in_force("cadre__name"),
            unit=ledger.cadre_in_force("cadre__unit__name"),
            measures=Subquery(latest_plan.values("measures")[:1]),
            deadline=Subquery(latest_plan.values("exit_deadline")[:1]),
            income=ledger.income(ledger.year),
            below_province=Subquery(lines.values("below_province")[:1]),
            below_national=Subquery(lines.values("below_national")[:1]),
            plan_id=Subquery(latest_plan.values("pk")[:1]),
        )
        .iterator(chunk_size=CHUNK)
    )
    rows = _measures_as_text(rows, text_at=-5)  # measures, then deadline, income and the two line marks
    sheet = Sheet(workbook, formats, _("扶贫台帐"), title=_("%(name)s%(year)s年扶贫台帐") % {"name": name, "year": ledger.year},
                  subtitle=_("%(made)s　帮扶干部为%(on)s在岗的联户干部　小计、合计行的户数与人口为 SUBTOTAL 公式") % {
                      "made": made, "on": ledger.on.isoformat()},
                  columns=[(str(label), width) for label, width in REGISTER_COLUMNS])
    f = formats
    data_formats = [f.integer, f.text, f.text, f.text, f.text, f.text, f.integer, f.text, f.text, f.wrap, f.text, f.text,
                    f.text, f.wrap, f.integer, f.money, f.warn, f.text]
    count = 0
    nobody = _("（无）")
    village = township = None
    village_group = Group(sheet)
    township_group = Group(sheet)
    total_group = Group(sheet)
    for (township_code, township_name, village_code, village_name, number, head, id_number, people, kind, cause, others,
         status, exit_year, stage_procedure, stage, stage_year, stage_passed, cadre, unit, measures, deadline,
         income, below_province, below_national) in rows:
        if village is not None and village_code != village[0]:
            village_group.close(_("%(name)s 小计") % {"name": village[1]}, level="village")
        if township is not None and township_code != township[0]:
            township_group.close(_("%(name)s 合计") % {"name": township[1]}, level="township")
        village, township = (village_code, village_name), (township_code, township_name)
        count += 1
        exited = status == Household.Status.EXITED
        for group in (village_group, township_group, total_group):
            group.add(people=people, exited=exited, without_cadre=not cadre and not exited)
        shown_status = ledger.labels.statuses.get(status, status)
        if exited and exit_year:
            shown_status = ledger.labels.status_with_year % {"status": shown_status, "year": exit_year}
        values = [count, township_name, village_name, number, head, scoping.shown_id_number(ledger.scope, id_number), people,
                  ledger.labels.kinds.get(kind, kind), ledger.labels.cause(cause), ledger.labels.cause_list(others), shown_status,
                  cadre or (nobody if not exited else ""), unit, measures, deadline, income,
                  ledger.labels.national if below_national else ledger.labels.province if below_province else "",
                  ledger.labels.stage(stage_procedure, stage, stage_year, stage_passed)]
        row_formats = list(data_formats)
        if not cadre and not exited:
            row_formats[CADRE_COL] = f.warn
        sheet.write(values, row_formats)
    if village is not None:
        village_group.close(_("%(name)s 小计") % {"name": village[1]}, level="village")
        township_group.close(_("%(name)s 合计") % {"name": township[1]}, level="township")
    total_group.close(_("总计"), level="total")
    return count


class Group:
    """Rows of one village, one township or the whole ledger, closed by a subtotal row whose
    household count and population are SUBTOTAL formulas (which skip the subtotals nested
    inside them), written with their values so a viewer that does not calculate shows them."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.reset()

    def reset(self) -> None:
        self.first = None
        self.households = self.people = self.exited = self.without_cadre = 0

    def add(self, *, people: int, exited: bool, without_cadre: bool) -> None:
        if self.first is None:
            self.first = self.sheet.row
        self.households += 1
        self.people += people
        self.exited += int(exited)
        self.without_cadre += int(without_cadre)

    def close(self, label: str, *, level: str) -> None:
        if self.first is None:
            return
        sheet, f = self.sheet, self.sheet.formats
        text, integer = (f.total_text, f.total_integer) if level in ("township", "total") else (f.subtotal_text, f.subtotal_integer)
        row, last = sheet.row, sheet.row - 1
        ws = sheet.ws
        for col in range(len(REGISTER_COLUMNS)):
            ws.write_blank(row, col, None, text)
        ws.write_string(row, 1, label, text)
        households = f"=SUBTOTAL(3,{sheet.column(COUNT_COL)}{self.first + 1}:{sheet.column(COUNT_COL)}{last + 1})"
        people = f"=SUBTOTAL(9,{sheet.column(PEOPLE_COL)}{self.first + 1}:{sheet.column(PEOPLE_COL)}{last + 1})"
        ws.write_formula(row, COUNT_COL, households, integer, self.households)
        ws.write_formula(row, PEOPLE_COL, people, integer, self.people)
        ws.write_string(row, STATUS_COL, ngettext("已脱贫 %(n)s 户", "已脱贫 %(n)s 户", self.exited) % {"n": self.exited}, text)
        if self.without_cadre:
            ws.write_string(row, CADRE_COL, ngettext("无干部 %(n)s 户", "无干部 %(n)s 户", self.without_cadre) % {
                "n": self.without_cadre}, text)
        sheet.row += 1
        self.reset()


# --- 5. poverty causes ----------------------------------------------------------------------------

def _causes(workbook, formats: Formats, ledger: Ledger, name: str, made: str) -> int:
    counts = (ledger.households().values_list("main_cause")
              .annotate(n=Count("pk"), poor=Count("pk", filter=~Q(status=Household.Status.EXITED)),
                        people=Sum("resident_population")).order_by("-n", "main_cause"))
    rows = list(counts)
    total = sum(n for _cause, n, _poor, _people in rows)
    sheet = Sheet(workbook, formats, _("致贫原因"), title=_("%(name)s贫困户致贫原因统计") % {"name": name},
                  subtitle=made, columns=[(_("主要致贫原因"), 18), (_("户数"), 9), (_("其中未脱贫"), 10), (_("人口"), 9),
                                          (_("占比"), 9)])
    f = formats
    first = sheet.row
    for cause, n, poor, people in rows:
        sheet.write([ledger.labels.cause(cause) if cause else _("未填写"), n, poor, people or 0, n / total if total else None],
                    [f.text, f.integer, f.integer, f.integer, f.percent])
    last_row = sheet.row - 1
    sheet.write([_("合计"), total, sum(r[2] for r in rows), sum(r[3] or 0 for r in rows), 1.0 if total else None],
                [f.total_text, f.total_integer, f.total_integer, f.total_integer, f.percent])
    if rows:
        chart = workbook.add_chart({"type": "pie"})
        sheet_name = sheet.ws.get_name()
        chart.add_series({
            "name": _("户数"),
            "categories": [sheet_name, first, 0, last_row, 0],
            "values": [sheet_name, first, 1, last_row, 1],
            "data_labels": {"category": True, "percentage": True, "leader_lines": True, "position": "outside_end"},
        })
        chart.set_title({"name": _("%(name)s贫困户致贫原因构成") % {"name": name}})
        chart.set_legend({"position": "right"})
        chart.set_size({"width": 620, "height": 400})
        sheet.ws.insert_chart(2, 6, chart)
    return len(rows)
