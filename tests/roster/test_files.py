"""Files that are not roster workbooks: a clear Chinese problem, status 1, no traceback."""
from __future__ import annotations

import os
import re
import zipfile

import pytest
from openpyxl import Workbook

from households.models import Household

from .conftest import run_command
from .workbooks import valid_sheets, write_workbook

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_clear_refusal(run, *fragments: str) -> None:
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    assert run.lines, run.err
    for line in run.lines:
        assert CHINESE.search(line), line
    for fragment in fragments:
        assert fragment in run.out, run.out
    assert Household.objects.count() == 0


def test_random_bytes_are_not_a_workbook(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(os.urandom(4096))
    assert_clear_refusal(run_command("import_roster", str(path)), "工作簿: ", "不是有效的Excel工作簿")


def test_a_csv_renamed_xlsx_is_not_a_workbook(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("户编号,村代码,户主姓名\n6205021000010001,620502100001,张大山\n", encoding="utf-8")
    assert_clear_refusal(run_command("import_roster", str(path)), "不是有效的Excel工作簿")


def test_an_empty_file_is_not_a_workbook(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"")
    assert_clear_refusal(run_command("import_roster", str(path)), "不是有效的Excel工作簿")


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert_clear_refusal(run_command("import_roster", str(path)), "不是有效的Excel工作簿")


def test_a_damaged_workbook_is_refused(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", valid_sheets())
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet4.xml":  # 农户
                data = data[: len(data) // 2]
            target.writestr(item, data)
    run = run_command("import_roster", str(path))
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    assert all(CHINESE.search(line) for line in run.lines)
    assert "农户: 工作表已损坏" in run.out, run.out
    assert Household.objects.count() == 0


def test_a_missing_file_is_a_clear_problem(tmp_path):
    assert_clear_refusal(run_command("import_roster", str(tmp_path / "nowhere.xlsx")), "文件不存在")


def test_an_empty_workbook_is_refused(tmp_path):
    path = tmp_path / "roster.xlsx"
    Workbook().save(path)
    assert_clear_refusal(run_command("import_roster", str(path)), "没有花名册工作表")


def test_a_workbook_with_wrong_headers_is_refused_at_row_1(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {
        "农户": [["编号", "村", "姓名", "身份证"], ["6205021000010001", "620502100001", "张大山", "x"]],
    })
    assert_clear_refusal(run_command("import_roster", str(path)), "农户!1: ", "户编号", "村代码", "户主身份证号")


def test_a_sheet_whose_header_row_is_blank_is_refused_at_row_1(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {"农户": [[None, None], *valid_sheets()["农户"]]})
    assert_clear_refusal(run_command("import_roster", str(path)), "农户!1: ")


def test_a_sheet_with_headers_only_imports_nothing_of_that_kind(tmp_path):
    sheets = {name: rows[:1] for name, rows in valid_sheets().items()}
    run = run_command("import_roster", str(write_workbook(tmp_path / "roster.xlsx", sheets)))
    assert run.code == 0, run.out
    assert "农户：新增 0，更新 0，未变 0" in run.out


def test_a_workbook_is_recognised_by_its_content_not_its_file_name(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", valid_sheets())
    renamed = path.rename(tmp_path / "花名册（2025）.bin")
    run = run_command("import_roster", str(renamed))
    assert run.code == 0, run.out
    assert Household.objects.count() == 6


def test_a_very_long_header_does_not_break_the_import(tmp_path):
    sheets = valid_sheets()
    sheets["农户"][0].append("备注" * 300)
    for row in sheets["农户"][1:]:
        row.append(None)
    run = run_command("import_roster", str(write_workbook(tmp_path / "roster.xlsx", sheets)))
    assert run.code == 0, run.out
