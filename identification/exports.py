"""The steps of an area and a year as a workbook: one row per household of each step."""
from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.helpers import spooled_download
from shuanglian.roster.engine import export_cell

from .access import visible_entries

HEADERS = (_("村代码"), _("村（社区）"), _("户编号"), _("户主姓名"), _("程序"), _("步骤"), _("年度"), _("日期"),
           _("公示截止日期"), _("通过"), _("赞成票"), _("反对票"), _("弃权票"), _("现场签字人员"))


def entries_of(user, *, area_code: str | None, year: int):
    qs = visible_entries(user).filter(step__year=year)
    if area_code:
        qs = qs.filter(step__village__code__startswith=Area.prefix_of(area_code))
    return (qs.select_related("step__village", "household")
            .order_by("step__village_id", "step__date", "step_id", "household__number"))


def people_text(people) -> str:
    return "、".join(" ".join(x for x in (p.get("name", ""), p.get("role", "")) if x) for p in people or [])


def steps_workbook(user, *, area_code: str | None, year: int):
    """The download of the steps of ``area_code`` (or the whole scope) in ``year``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("识别退出程序"))
    sheet.append([str(h) for h in HEADERS])
    yes, no = gettext("是"), gettext("否")
    for e in entries_of(user, area_code=area_code, year=year).iterator(chunk_size=2000):
        s = e.step
        sheet.append([export_cell(sheet, v) for v in (
            s.village_id, s.village.name, e.household.number, e.household.head_name, s.get_procedure_display(),
            s.get_stage_display(), s.year, s.date, s.end_date, yes if e.passed else no, e.votes_for,
            e.votes_against, e.votes_abstaining, people_text(s.signatories))])
    filename = gettext("识别退出程序-%(area)s-%(year)s.xlsx") % {"area": area_code or gettext("全部"), "year": year}
    return spooled_download(workbook.save, filename=filename)
