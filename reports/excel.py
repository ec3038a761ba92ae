"""Excel output with XlsxWriter: streaming (constant-memory) workbooks, one set of formats,
the print setup of a paper ledger, and cell values that a spreadsheet never runs.

In constant-memory mode each sheet goes to disk row by row, so a sheet must be written top to
bottom; charts only point at ranges and are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from shuanglian.helpers import neutralise

# The bench may compare with the in-memory mode; everything else writes in constant memory.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"}

A4 = 9


def open_workbook(out) -> xlsxwriter.Workbook:
    """``out`` is a path or a binary file object."""
    workbook = xlsxwriter.Workbook(out, {**WORKBOOK_OPTIONS, "in_memory": False})
    workbook.set_properties({"title": _("双联工作台账"), "company": _("双联工作管理系统")})
    return workbook


@dataclass
class Formats:
    title: object
    subtitle: object
    header: object
    text: object
    wrap: object
    integer: object
    money: object
    percent: object
    subtotal_text: object
    subtotal_integer: object
    subtotal_money: object
    total_text: object
    total_integer: object
    total_money: object
    warn: object
    group: object

    @classmethod
    def of(cls, workbook) -> Formats:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        add = lambda **extra: workbook.add_format({**base, **extra})  # noqa: E731
        return cls(
            title=workbook.add_format({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}),
            subtitle=workbook.add_format({"font_name": "宋体", "font_size": 10, "align": "left", "valign": "vcenter"}),
            header=add(bold=True, align="center", text_wrap=True, bg_color="#DDEBF7"),
            text=add(),
            wrap=add(text_wrap=True),
            integer=add(num_format="0"),
            money=add(num_format="#,##0.00"),
            percent=add(num_format="0.0%"),
            subtotal_text=add(bold=True, bg_color="#F2F2F2"),
            subtotal_integer=add(bold=True, bg_color="#F2F2F2", num_format="0"),
            subtotal_money=add(bold=True, bg_color="#F2F2F2", num_format="#,##0.00"),
            total_text=add(bold=True, bg_color="#FCE4D6"),
            total_integer=add(bold=True, bg_color="#FCE4D6", num_format="0"),
            total_money=add(bold=True, bg_color="#FCE4D6", num_format="#,##0.00"),
            warn=add(font_color="#C00000"),
            group=add(bold=True, bg_color="#FFF2CC"),
        )


class Sheet:
    """A worksheet written top to bottom: a title row, a subtitle row, one header row, then
    data. The header is frozen and the first three rows repeat on every printed page."""

    HEADER_ROWS = 3

    def __init__(self, workbook, formats: Formats, name: str, *, title: str, subtitle: str,
                 columns: list[tuple[str, float]], landscape: bool = True):
        self.ws = workbook.add_worksheet(name)
        self.formats = formats
        self.columns = columns
        for index, (_label, width) in enumerate(columns):
            self.ws.set_column(index, index, width)
        last = len(columns) - 1
        self.ws.set_row(0, 28)
        self.ws.merge_range(0, 0, 0, last, neutralise(title), formats.title)
        self.ws.merge_range(1, 0, 1, last, neutralise(subtitle), formats.subtitle)
        self.ws.set_row(2, 30)
        for index, (label, _width) in enumerate(columns):
            self.ws.write_string(2, index, str(label), formats.header)
        self.ws.freeze_panes(self.HEADER_ROWS, 0)
        print_setup(self.ws, landscape=landscape)
        self.row = self.HEADER_ROWS

    def write(self, values: list, formats: list | None = None) -> int:
        """Write one row; strings are neutralised, numbers stay numbers. Returns the row index."""
        row = self.row
        for col, value in enumerate(values):
            fmt = formats[col] if formats else self.formats.text
            cell(self.ws, row, col, value, fmt)
        self.row += 1
        return row

    def column(self, index: int) -> str:
        return xl_col_to_name(index)


def cell(ws, row: int, col: int, value, fmt) -> None:
    """One cell with an explicit type: text is never interpreted as a formula or a number."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, _("是") if value else _("否"), fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, neutralise(str(value)), fmt)


def print_setup(ws, *, landscape: bool = True, repeat_to: int = 2) -> None:
    """A4 (landscape by default), one page wide, the title and header rows on every page,
    page numbers in the footer."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(0, repeat_to)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_footer("&C" + _("第 &P 页，共 &N 页"))
