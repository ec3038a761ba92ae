"""The importer's sheet reader (python-calamine behind the checks of ``open_workbook``) gives
the values openpyxl's own reader gives, faster."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from households.models import Household
from shuanglian.errors import DomainError
from shuanglian.roster import reader
from shuanglian.roster.reader import open_workbook, sheet_values

from .conftest import run_command
from .workbooks import valid_sheets, with_shared_strings, write_workbook


def both_readings(path):
    with open(path, "rb") as f:
        workbook = open_workbook(f)
        ours = [tuple(row) for row in sheet_values(workbook[workbook.sheetnames[0]])]
        workbook.close()
    with open(path, "rb") as f:
        workbook = load_workbook(f, read_only=True, data_only=True)
        ws = workbook.worksheets[0]
        ws.reset_dimensions()
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


def cells_of(path) -> list[tuple]:
    with open(path, "rb") as f:
        workbook = open_workbook(f)
        rows = list(sheet_values(workbook[workbook.sheetnames[0]]))
        workbook.close()
    return rows


def rewritten(path, sheet_xml) -> Path:
    """A copy of the workbook whose first sheet's XML is ``sheet_xml(old XML)``."""
    import zipfile

    target = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item.filename, sheet_xml(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return target


def test_a_sheet_whose_cells_start_below_and_right_of_a1_keeps_rows_and_columns_in_place(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws["C3"], ws["D4"] = "标题", 7
    workbook.save(tmp_path / "offset.xlsx")
    assert cells_of(tmp_path / "offset.xlsx") == [(), (), (None, None, "标题"), (None, None, None, 7)]


def test_whole_numbers_read_as_int_and_dates_as_datetime_as_openpyxl_gives_them(varied_workbook):
    rows = cells_of(varied_workbook)
    assert type(rows[1][1]) is int and type(rows[2][1]) is int
    assert type(rows[1][3]) is dt.datetime
    assert type(rows[6][2]) is float  # an ID number typed as a number stays a float, as Excel stored it


def test_an_error_cell_reads_as_its_text_as_openpyxl_gives_it(tmp_path):
    workbook = Workbook()
    workbook.active.append(["甲", 1, None, "丙"])
    workbook.save(tmp_path / "errors.xlsx")
    path = rewritten(tmp_path / "errors.xlsx",
                     lambda xml: xml.replace(b'<c r="B1" t="n"><v>1</v></c>', b'<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'))
    assert cells_of(path) == [("甲", "#DIV/0!", None, "丙")]


def test_a_formula_reads_as_its_cached_value(tmp_path):
    workbook = Workbook()
    workbook.active.append([1])
    workbook.save(tmp_path / "formula.xlsx")
    path = rewritten(tmp_path / "formula.xlsx",
                     lambda xml: xml.replace(b'<c r="A1" t="n"><v>1</v></c>',
                                             b'<c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"x"</f><v>x</v></c>'))
    assert cells_of(path) == [(2, "x")]


def test_a_stray_cell_far_from_the_data_is_refused_before_the_sheet_is_read(tmp_path):
    # Read as one rectangle, A1 to XFD1048576 would be 17 billion cells.
    workbook = Workbook()
    workbook.active.title = "农户"
    workbook.active.append(["户编号"])
    workbook.save(tmp_path / "far.xlsx")
    path = rewritten(tmp_path / "far.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'))
    with pytest.raises(DomainError) as refused, open(path, "rb") as f:
        open_workbook(f)
    message = " ".join(refused.value.messages)
    assert "工作表“农户”" in message and "第1,048,576行" in message and "多余的单元格" in message


def test_cells_without_references_are_placed_after_the_cell_before(tmp_path):
    workbook = Workbook()
    workbook.active.append(["甲", "乙"])
    workbook.active.append(["丙", None, "丁"])
    workbook.save(tmp_path / "plain.xlsx")
    path = rewritten(tmp_path / "plain.xlsx", lambda xml: xml.replace(b' r="A1"', b"").replace(b' r="B1"', b""))
    assert cells_of(path) == [("甲", "乙"), ("丙", None, "丁")]


def test_a_far_cell_is_found_whatever_the_order_of_its_attributes(tmp_path):
    workbook = Workbook()
    workbook.active.title = "农户"
    workbook.active.append(["户编号"])
    workbook.save(tmp_path / "far.xlsx")
    path = rewritten(tmp_path / "far.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'<row><c t="n" s="0" r="XFD1000"><v>1</v></c></row></sheetData>'))
    with pytest.raises(DomainError) as refused, open(path, "rb") as f:
        open_workbook(f)
    assert "第1行到第1,000行、第1列到第16,384列" in " ".join(refused.value.messages)


def test_a_far_cell_whose_tag_straddles_a_read_chunk_is_still_found(tmp_path):
    # The sheet is scanned a mebibyte at a time: a cell tag with long attributes before its
    # reference, cut by the chunk's end, must still be placed whole.
    workbook = Workbook()
    workbook.active.title = "农户"
    workbook.active.append(["户编号"])
    workbook.save(tmp_path / "far.xlsx")

    def straddle(xml: bytes) -> bytes:
        before = xml.index(b"</sheetData>")
        padding = b" " * (reader.MIB - 500 - before - len(b"<row>"))
        cell = b'<row><c s="0" zz="' + b"y" * 1000 + b'" r="XFD1000"><v>1</v></c></row>'
        return xml[:before] + padding + cell + xml[before:]

    path = rewritten(tmp_path / "far.xlsx", straddle)
    with pytest.raises(DomainError) as refused, open(path, "rb") as f:
        open_workbook(f)
    assert "第1行到第1,000行、第1列到第16,384列" in " ".join(refused.value.messages)
