"""The yearly update (动态调整) page of an office: the year's newly identified, exited and
returned households of its area, with counts per township and an Excel export. The lists are
the announcements (公告) of the procedures' year, due to the province by 20 January of the next."""
from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.access import visible_households
from shuanglian import scoping
from shuanglian.helpers import spooled_download
from shuanglian.params import int_param
from shuanglian.roster.engine import export_cell

from .selectors import YEARLY_LISTS, yearly_update

UPDATE_HEADERS = [_("类别"), _("户编号"), _("户主姓名"), _("户主身份证号"), _("乡镇"), _("村（社区）"), _("常住人口"),
                  _("公告日期")]
SHOWN_PER_LIST = 500  # the page shows this many of each list; the export has all


@login_required
def yearly(request):
    scope = scoping.scope_for(request.user)
    if not scoping.sees_region(scope):
        raise PermissionDenied
    today = timezone.localdate()
    # In January the year just ended is the one being reported.
    default = today.year - 1 if today.month == 1 else today.year
    year = int_param(request.GET, "year", default=default, bounds=(2000, today.year))
    update = yearly_update(visible_households(scope), year)
    if request.GET.get("format") == "xlsx":
        return _xlsx(scope, year, update)
    totals = {p: sum(a[p] for a in update["areas"]) for p, _label in YEARLY_LISTS}
    totals.update({f"{p}_people": sum(a[f"{p}_people"] for a in update["areas"]) for p, _label in YEARLY_LISTS})
    return render(request, "identification/yearly.html", {
        "year": year, "due": date(year + 1, 1, 20), "areas": update["areas"], "totals": totals,
        "lists": [(p, label, rows[:SHOWN_PER_LIST], len(rows)) for p, label, rows in update["lists"]],
        "years": range(today.year, max(today.year - 6, 1999), -1), "shown": SHOWN_PER_LIST, "scope": scope,
    })


def _xlsx(scope, year: int, update: dict):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("动态调整名单"))
    sheet.append([str(h) for h in UPDATE_HEADERS])
    for _procedure, label, rows in update["lists"]:
        for entry in rows:
            household = entry.household
            township = household.village.parent
            sheet.append([export_cell(sheet, v) for v in (
                str(label), household.number, household.head_name,
                scoping.shown_id_number(scope, household.head_id_number), township.name if township else "",
                household.village.name, household.resident_population, entry.step.date)])
    summary = workbook.create_sheet(gettext("分乡镇统计"))
    summary.append([gettext("乡镇代码"), gettext("乡镇"), *[str(label) + gettext("户数") for _p, label in YEARLY_LISTS],
                    *[str(label) + gettext("人数") for _p, label in YEARLY_LISTS]])
    for area in update["areas"]:
        summary.append([export_cell(summary, v) for v in (
            area["code"], area["name"], *[area[p] for p, _l in YEARLY_LISTS], *[area[f"{p}_people"] for p, _l in YEARLY_LISTS])])
    return spooled_download(workbook.save, filename=gettext("%(year)s年度动态调整名单.xlsx") % {"year": year})
