"""The Excel file of a periodic report, written from the report's stored figures (the print
page renders the same figures, so the two copies agree)."""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .excel import Formats, Sheet, open_workbook
from .figures import AREA_COLUMNS, BEHIND_COLUMNS, FIGURES, GROUPS, MONEY, MONEY_COLUMNS, PERCENT, UNIT_COLUMNS


def figure_value(key: str, value):
    """A stored figure as a number for Excel: money and percentages are stored as text."""
    kind = FIGURES[key].kind if key in FIGURES else None
    if value in (None, ""):
        return None
    if kind == MONEY or key in MONEY_COLUMNS:
        return Decimal(value)
    if kind == PERCENT:
        return float(Decimal(value) / 100)
    return value


def subtitle(figures: dict) -> str:
    return _("统计期间：%(start)s 至 %(end)s　数据截至：%(as_of)s　生成时间：%(at)s") % {
        "start": figures.get("start", ""), "end": figures.get("end", ""), "as_of": figures.get("as_of", ""),
        "at": figures.get("generated_at", "")}


def write_report_workbook(out, *, report, figures: dict) -> None:
    workbook = open_workbook(out)
    formats = Formats.of(workbook)
    title = figures.get("title") or report.title
    try:
        _summary(workbook, formats, title, figures)
        if "units" in figures:
            _table(workbook, formats, _("各单位情况"), title, figures, UNIT_COLUMNS, figures["units"], total=True)
        if "areas" in figures:
            _table(workbook, formats, _("下级区划情况"), title, figures, AREA_COLUMNS, figures["areas"], total=True)
        if "behind" in figures:
            _table(workbook, formats, _("进度滞后干部"), title, figures, BEHIND_COLUMNS, figures["behind"], total=False)
    finally:
        workbook.close()


def _summary(workbook, formats: Formats, title: str, figures: dict) -> None:
    sheet = Sheet(workbook, formats, _("汇总"), title=title, subtitle=subtitle(figures),
                  columns=[(_("类别"), 16), (_("指标"), 34), (_("数值"), 18)])
    f = formats
    summary = figures.get("summary", {})
    for group, items in GROUPS:
        for index, figure in enumerate(items):
            value = figure_value(figure.key, summary.get(figure.key))
            fmt = f.money if figure.kind == MONEY else f.percent if figure.kind == PERCENT else f.integer
            sheet.write([str(group) if index == 0 else "", str(figure.label), value], [f.group, f.text, fmt])


def _table(workbook, formats: Formats, name: str, title: str, figures: dict, columns, rows: list[dict], *, total: bool) -> None:
    sheet = Sheet(workbook, formats, name, title=f"{title}·{name}", subtitle=subtitle(figures),
                  columns=[(str(label), 24 if key == "name" else 14) for key, label in columns])
    f = formats
    numeric = [key for key, _label in columns if key not in ("code", "name")]
    row_formats = [f.money if key in MONEY_COLUMNS else f.text if key in ("code", "name") else f.integer for key, _l in columns]
    for row in rows:
        sheet.write([figure_value(key, row.get(key)) if key in MONEY_COLUMNS else row.get(key) for key, _l in columns], row_formats)
    if total and rows:
        sums = {key: sum(Decimal(r.get(key) or 0) if key in MONEY_COLUMNS else (r.get(key) or 0) for r in rows) for key in numeric}
        sheet.write([_("合计") if key == "code" else sums.get(key, "") for key, _l in columns],
                    [f.total_money if key in MONEY_COLUMNS else f.total_text if key in ("code", "name") else f.total_integer
                     for key, _l in columns])
