"""The importer's sheet reader gives the values openpyxl's own reader gives, faster."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from households.models import Household
from shuanglian.roster.reader import sheet_values

from .conftest import run_command
from .workbooks import valid_sheets, with_shared_strings, write_workbook


def both_readings(path):
    with open(path, "rb") as f:
        workbook = load_workbook(f, read_only=True, data_only=True)
        ws = workbook.worksheets[0]
        ours = [tuple(row) for row in sheet_values(ws)]
        theirs = [row for row in ws.iter_rows(values_only=True)]
        workbook.close()

    def trim(row):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        return tuple(row)

    return [trim(r) for r in ours], [trim(r) for r in theirs]


@pytest.fixture
def varied_workbook(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "农户"
    ws.append(["文本", "整数", "小数", "日期", "日期时间", "是非", "公式", "空", "远列"])
    ws.append(["张三", 42, 3.25, dt.date(2024, 7, 1), dt.datetime(2024, 7, 1, 8, 30), True, "=1+1", None, None])
    ws["I2"] = "第九列"
    ws.append([" 前后空格 ", -7, 1e20, None, None, False])
    ws["A6"] = "隔了两行"  # rows 4 and 5 missing
    ws["C7"] = 6.20502196501011e17  # an ID number typed as a number
    ws["A8"] = CellRichText(["富", TextBlock(InlineFont(b=True), "文本")])
    ws["B8"] = "=A8"
    ws["A9"] = "0123"
    path = tmp_path / "varied.xlsx"
    workbook.save(path)
    return path


def test_the_reader_matches_openpyxl_for_inline_strings_numbers_dates_and_gaps(varied_workbook):
    ours, theirs = both_readings(varied_workbook)
    assert ours == theirs
    assert ours[1][:6] == ("张三", 42, 3.25, dt.datetime(2024, 7, 1), dt.datetime(2024, 7, 1, 8, 30), True)
    assert ours[3] == ours[4] == ()
    assert ours[7][0] == "富文本"


def test_the_reader_matches_openpyxl_for_shared_strings(varied_workbook):
    shared = with_shared_strings(varied_workbook)
    ours, theirs = both_readings(shared)
    assert ours == theirs
    assert ours[0][0] == "文本" and ours[5][0] == "隔了两行"


@pytest.mark.django_db
def test_a_workbook_with_shared_strings_as_excel_writes_it_imports(tmp_path):
    shared = with_shared_strings(write_workbook(tmp_path / "roster.xlsx", valid_sheets()))
    run = run_command("import_roster", str(shared))
    assert run.code == 0, run.out
    assert Household.objects.count() == 6
