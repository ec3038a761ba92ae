"""The projects' upload sheet (项目): its columns, read with openpyxl; the rules are the service's."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from households.access import visible_areas
from households.models import Area
from pairing.access import visible_units

from .models import Project

COLUMNS = ["实施单位代码", "实施双联办区划代码", "村代码", "类别", "项目名称", "年度", "计划资金（元）", "到位资金（元）",
           "超计划说明", "状态", "培训人数", "受益人数", "开始日期", "完成日期"]
MAX_ROWS = 5000


class ProjectUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(gettext("请上传.xlsx格式的Excel文件。"))
        return upload


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value, problems: list, label: str):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        problems.append(gettext("%(column)s应为日期（如2025-03-01）。") % {"column": label})
        return None


def _int(value, problems: list, label: str):
    if value in (None, ""):
        return 0
    try:
        return int(Decimal(_text(value)))
    except (InvalidOperation, ValueError):
        problems.append(gettext("%(column)s应为整数。") % {"column": label})
        return None


def read_projects(upload, reader) -> list[dict]:
    """The rows of the sheet as the service's values, each with its row number and the problems
    of its cells; units and areas looked up in bulk within the reader's scope."""
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same message to the clerk
        raise forms.ValidationError(gettext("无法读取该Excel文件。")) from exc
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or [_text(c) for c in rows[0][:len(COLUMNS)]] != COLUMNS:
        raise forms.ValidationError(gettext("第一行应为表头：%(columns)s。") % {"columns": "、".join(COLUMNS)})
    body = [r for r in rows[1:MAX_ROWS + 2] if any(c not in (None, "") for c in r)]
    if len(body) > MAX_ROWS:
        raise forms.ValidationError(gettext("一次最多导入%(n)s行。") % {"n": MAX_ROWS})
    cells = [dict(zip(COLUMNS, list(r) + [None] * len(COLUMNS))) for r in body]
    units = {u.code: u for u in visible_units(reader).filter(code__in={_text(c["实施单位代码"]) for c in cells})}
    codes = {_text(c[k]) for c in cells for k in ("实施双联办区划代码", "村代码")}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    seen = set(visible_areas(reader).filter(code__in=codes).values_list("code", flat=True))
    kinds = {str(label): value for value, label in Project.Kind.choices}
    statuses = {str(label): value for value, label in Project.Status.choices}
    result = []
    for number, c in enumerate(cells, start=2):
        problems: list[str] = []
        unit_code, office_code, village_code = (_text(c[k]) for k in ("实施单位代码", "实施双联办区划代码", "村代码"))
        if unit_code and unit_code not in units:
            problems.append(gettext("单位代码%(code)s不存在或不在您的范围内。") % {"code": unit_code})
        for code in (office_code, village_code):
            if code and code not in seen:
                problems.append(gettext("区划代码%(code)s不存在或不在您的范围内。") % {"code": code})
        kind = kinds.get(_text(c["类别"]), _text(c["类别"]))
        result.append({
            "_row": number, "_problems": problems,
            "unit": units.get(unit_code), "office_area": areas.get(office_code) if office_code in seen else None,
            "village": areas.get(village_code) if village_code in seen else None,
            "kind": kind, "title": _text(c["项目名称"]), "year": _int(c["年度"], problems, "年度"),
            "money_planned": _text(c["计划资金（元）"]) or 0, "money_spent": _text(c["到位资金（元）"]) or 0,
            "spent_note": _text(c["超计划说明"]),
            "status": statuses.get(_text(c["状态"]), _text(c["状态"]) or Project.Status.PLANNED),
            "people_trained": _int(c["培训人数"], problems, "培训人数"),
            "people_helped": _int(c["受益人数"], problems, "受益人数"),
            "start": _date(c["开始日期"], problems, "开始日期"), "end": _date(c["完成日期"], problems, "完成日期"),
        })
    return result
