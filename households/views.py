"""The offices' page of the poverty tests (docs/domain.md §10): for an area and a year, the
poor-village test of every village with 村情 and the household lines, on screen and in Excel.
Thin: parse the query, call the selectors of ``households.selectors``, render."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuanglian import scoping
from shuanglian.helpers import BATCH, spooled_download
from shuanglian.params import int_param
from shuanglian.roster.engine import export_cell

from .access import visible_area_code, visible_areas, visible_incomes, visible_village_years
from .models import Area
from .selectors import household_line_tests, incidence_shown, poverty_summary, village_poverty_tests

VILLAGE_HEADERS = [_("区划代码"), _("村"), _("总人口"), _("贫困人口"), _("贫困发生率（%）"), _("发生率高于标准"),
                   _("农民人均纯收入"), _("收入低于标准"), _("集体经济收入"), _("无集体经济收入"), _("符合贫困村标准")]
HOUSEHOLD_HEADERS = [_("户编号"), _("户主姓名"), _("村"), _("人均纯收入"), _("低于省定标准"), _("低于国家标准")]
PER_PAGE = 50


def _query(request):
    """The reader's scope, the area (their own unless they chose one they see) and the year."""
    scope = scoping.scope_for(request.user)
    if not scoping.sees_region(scope):
        raise PermissionDenied
    area = visible_area_code(scope, request.GET.get("area", "").strip()) or scoping.own_area_code(scope) or ""
    latest = visible_village_years(scope).aggregate(year=Max("year"))["year"]
    year = int_param(request.GET, "year", default=latest or timezone.localdate().year, bounds=(2000, 2100))
    return scope, area, year


def yes_no(value: bool) -> str:
    return gettext("是") if value else gettext("否")


@login_required
def poverty_tests(request):
    scope, area, year = _query(request)
    village_years, incomes = visible_village_years(scope), visible_incomes(scope)
    summary = poverty_summary(area or None, year, village_years=village_years, incomes=incomes)
    if request.GET.get("format") == "xlsx":
        return _xlsx(scope, area, year, summary)
    villages = village_poverty_tests(area or None, year, thresholds=summary.thresholds, village_years=village_years)
    below = household_line_tests(area or None, year, thresholds=summary.thresholds, incomes=incomes).filter(
        below_province=True).select_related("household__village")
    village_page = Paginator(villages.values("village_id", "name", "population", "poor_population", "incidence",
                                             "high_incidence", "per_capita_income", "low_income", "collective_income",
                                             "no_collective", "meets"), PER_PAGE).get_page(request.GET.get("vpage"))
    for row in village_page:
        row["incidence_shown"] = incidence_shown(row["poor_population"], row["population"])
    household_page = Paginator(below, PER_PAGE).get_page(request.GET.get("page"))
    areas = visible_areas(scope).exclude(level="village").order_by("code")[:300]
    return render(request, "households/poverty_tests.html", {
        "area": area, "area_name": Area.objects.filter(code=area).values_list("name", flat=True).first() if area else "",
        "year": year, "areas": areas, "summary": summary, "villages": village_page, "households": household_page,
    })


def _xlsx(scope, area, year, summary):
    from openpyxl import Workbook

    t = summary.thresholds
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("贫困村测算"))
    sheet.append([str(h) for h in VILLAGE_HEADERS])
    rows = village_poverty_tests(area or None, year, thresholds=t, village_years=visible_village_years(scope)).values_list(
        "village_id", "name", "population", "poor_population", "high_incidence", "per_capita_income", "low_income",
        "collective_income", "no_collective", "meets")
    for code, name, population, poor, high, income, low, collective, none, meets in rows.iterator(chunk_size=BATCH):
        sheet.append([export_cell(sheet, v) for v in (
            code, name, population, poor, float(incidence_shown(poor, population)), yes_no(high), float(income),
            yes_no(low), float(collective), yes_no(none), yes_no(meets))])
    sheet = workbook.create_sheet(gettext("贫困户测算"))
    sheet.append([str(h) for h in HOUSEHOLD_HEADERS])
    rows = household_line_tests(area or None, year, thresholds=t, incomes=visible_incomes(scope)).values_list(
        "number", "head_name", "household__village__name", "per_capita_income", "below_province", "below_national")
    for number, head, village, income, below_province, below_national in rows.iterator(chunk_size=BATCH):
        sheet.append([export_cell(sheet, v) for v in (
            number, head, village, float(income), yes_no(below_province), yes_no(below_national))])
    sheet = workbook.create_sheet(gettext("标准"))
    sheet.append([gettext("年度"), gettext("省定扶贫标准"), gettext("国家扶贫标准"), gettext("贫困村人均纯收入标准"),
                  gettext("贫困发生率标准")])
    sheet.append([t.year or year, float(t.province_line), float(t.national_line), float(t.village_income_line),
                  float(t.incidence_rate)])
    filename = gettext("贫困识别测算-%(year)s.xlsx") % {"year": year}
    return spooled_download(workbook.save, filename=filename)
