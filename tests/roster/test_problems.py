"""A workbook with problems changes nothing, exits with status 1 and names every problem as
``SHEET!ROW: message`` (docs/roster-format.md)."""
from __future__ import annotations

import datetime as dt

import pytest

from households.models import Area, Household, IncomeRecord, Member
from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing

from .conftest import run_command
from .dbstate import canonical_dump
from .workbooks import (
    C_LI,
    C_TEACHER,
    C_WANG,
    C_ZHANG,
    COUNTY_UNIT,
    H1,
    H2,
    H3,
    H4,
    MEMBERS,
    POOR_VILLAGE,
    add_row,
    find_row,
    id_number,
    set_cell,
    valid_sheets,
    write_workbook,
    wrong_check_digit,
)

pytestmark = pytest.mark.django_db


def import_sheets(tmp_path, sheets):
    return run_command("import_roster", str(write_workbook(tmp_path / "bad.xlsx", sheets)))


def problems_at(run, prefix: str) -> list[str]:
    """The problem lines that start with ``SHEET!ROW: ``."""
    return [line for line in run.lines if line.startswith(prefix + ": ")]


def assert_rejected_at(run, prefix: str, *fragments: str) -> None:
    assert run.code == 1, run.out
    lines = problems_at(run, prefix)
    assert lines, f"no problem at {prefix}:\n{run.out}"
    for fragment in fragments:
        assert any(fragment in line for line in lines), f"{fragment!r} not in {lines}"


def assert_nothing_written() -> None:
    for model in (Area, Unit, Cadre, Household, Member, IncomeRecord, VillagePairing, HouseholdPairing):
        assert model.objects.count() == 0, model


def test_a_wrong_id_check_digit_is_a_problem_at_its_row(tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "干部", {"身份证号": wrong_check_digit(id_number("620502", "19880808", "011")), "姓名": "错号",
                                    "单位代码": COUNTY_UNIT, "职级": "一般干部", "人员类别": "公务员"})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"干部!{number}", "校验位")
    assert_nothing_written()


def test_an_unknown_village_code_is_a_problem_at_its_row(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "农户", 户编号=H4)
    set_cell(sheets, "农户", number, "村代码", "620502100009")
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"农户!{number}", "620502100009", "不存在")
    assert_nothing_written()


@pytest.mark.parametrize("bad_date", ["2025-13-01", "abc", "2025/01/01", "2024-02-30"])
def test_a_date_that_is_not_a_date_is_a_problem_at_its_row(tmp_path, bad_date):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "联村", 村代码=POOR_VILLAGE, 单位代码=COUNTY_UNIT)
    set_cell(sheets, "联村", number, "开始日期", bad_date)
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联村!{number}", "开始日期", bad_date)
    assert_nothing_written()


def test_negative_income_is_a_problem_at_its_row(tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "收入", {"户编号": H3, "年度": 2023, "总收入": 5000, "税费支出": -10})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"收入!{number}", "税费支出", "负数")
    assert_nothing_written()


def test_deductions_past_the_column_size_are_a_problem_not_a_crash(tmp_path):
    sheets = valid_sheets()
    huge = {h: 9999999999 for h in ("家庭经营费用支出", "税费支出", "生产性固定资产折旧", "调查补贴", "赠送农村外部亲友")}
    number = add_row(sheets, "收入", {"户编号": H3, "年度": 2023, "总收入": 0, **huge})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"收入!{number}", "纯收入", "超出范围")
    assert_nothing_written()


def test_non_numeric_income_is_a_problem_at_its_row(tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "收入", {"户编号": H4, "年度": 2024, "总收入": "一万二"})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"收入!{number}", "总收入", "一万二")
    assert_nothing_written()


def test_a_pairing_overlapping_another_pairing_of_the_household_is_a_problem(tmp_path):
    sheets = valid_sheets()
    # H3 is paired with Li from 2023-01-01 on, still in force.
    number = add_row(sheets, "联户", {"干部身份证号": C_WANG, "户编号": H3, "开始日期": dt.date(2024, 5, 1)})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联户!{number}", "重叠")
    assert_nothing_written()


def test_a_pairing_overlapping_one_in_the_database_is_a_problem(imported, tmp_path):
    before = canonical_dump()
    sheets = {"联户": [valid_sheets()["联户"][0], [C_WANG, H3, dt.date(2024, 5, 1), None, None, None]]}
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, "联户!2", "重叠")
    assert canonical_dump() == before


def test_a_successor_who_is_a_teacher_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "联户", 户编号=H2)
    set_cell(sheets, "联户", number, "结束日期", dt.date(2025, 6, 30))
    set_cell(sheets, "联户", number, "结束原因", "调离")
    set_cell(sheets, "联户", number, "接替干部身份证号", C_TEACHER)
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联户!{number}", "教师")
    assert_nothing_written()


def test_a_listed_pairing_of_a_teacher_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "联户", {"干部身份证号": C_TEACHER, "户编号": H4, "开始日期": dt.date(2022, 1, 1),
                                    "结束日期": dt.date(2023, 2, 28), "接替干部身份证号": C_WANG})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联户!{number}", "教师")


def test_a_member_registered_in_another_household_in_the_database_is_a_problem(imported, tmp_path):
    before = canonical_dump()
    _, idn, name, _, _, _ = MEMBERS[0]  # a member of H1
    sheets = {"家庭成员": [valid_sheets()["家庭成员"][0], [H2, idn, name, "女儿", None, None]]}
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, "家庭成员!2", H1, "一人只能属于一户")
    assert canonical_dump() == before


def test_a_head_registered_as_member_of_another_household_in_the_database_is_a_problem(imported, tmp_path):
    before = canonical_dump()
    sheets = valid_sheets()
    new_number = add_row(sheets, "农户", {"户编号": "NEW-1", "村代码": POOR_VILLAGE, "户主姓名": MEMBERS[0][2],
                                        "户主身份证号": MEMBERS[0][1], "户类型": "农村特困户", "常住人口": 1})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"农户!{new_number}", H1)
    assert canonical_dump() == before


def test_a_person_listed_in_two_households_of_the_file_is_a_problem(tmp_path):
    sheets = valid_sheets()
    _, idn, name, _, _, _ = MEMBERS[0]
    number = add_row(sheets, "家庭成员", {"户编号": H2, "身份证号": idn, "姓名": name, "与户主关系": "女儿"})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"家庭成员!{number}", "重复")
    assert_nothing_written()


def test_a_head_listed_as_member_of_another_household_is_a_problem(tmp_path):
    sheets = valid_sheets()
    _, head_row = find_row(sheets, "农户", 户编号=H4)
    number = add_row(sheets, "家庭成员", {"户编号": H2, "身份证号": head_row[3], "姓名": head_row[2], "与户主关系": "子"})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"家庭成员!{number}", H4, "户主")
    assert_nothing_written()


def test_a_head_listed_again_under_another_name_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "家庭成员", 户编号=H1, 与户主关系="户主")
    set_cell(sheets, "家庭成员", number, "姓名", "张大海")
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"家庭成员!{number}", "张大海", "不一致")


@pytest.mark.parametrize(
    "sheet, key_columns",
    [("农户", ["户编号"]), ("收入", ["户编号", "年度"]), ("联户", ["干部身份证号", "户编号", "开始日期"]), ("区划", ["区划代码"])],
)
def test_duplicate_key_rows_are_a_problem_naming_the_first(tmp_path, sheet, key_columns):
    sheets = valid_sheets()
    first = sheets[sheet][1]
    sheets[sheet].append(list(first))
    number = len(sheets[sheet])
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"{sheet}!{number}", "与第2行重复")
    assert_nothing_written()


def test_a_missing_required_column_is_reported_at_row_1(tmp_path):
    sheets = valid_sheets()
    column = sheets["收入"][0].index("总收入")
    sheets["收入"] = [row[:column] + row[column + 1 :] for row in sheets["收入"]]
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, "收入!1", "总收入")
    assert_nothing_written()


def test_a_blank_required_cell_is_a_problem_at_its_row(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "干部", 身份证号=C_LI)
    set_cell(sheets, "干部", number, "姓名", "  ")
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"干部!{number}", "姓名", "不能为空")


def test_a_still_poor_households_pairing_ending_without_successor_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "联户", 户编号=H3)
    set_cell(sheets, "联户", number, "结束日期", dt.date(2025, 1, 31))
    set_cell(sheets, "联户", number, "结束原因", "调离")
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联户!{number}", "不脱贫不脱钩")
    assert_nothing_written()


def test_a_successor_not_in_the_cadre_roster_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "联户", 户编号=H2)
    set_cell(sheets, "联户", number, "结束日期", dt.date(2025, 6, 30))
    set_cell(sheets, "联户", number, "接替干部身份证号", id_number("620502", "19990101", "011"))
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"联户!{number}", "不在干部名册中")


def test_an_area_code_that_contradicts_its_level_is_a_problem(tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "区划", {"区划代码": "620502100003", "名称": "错级", "级别": "乡"})
    run = import_sheets(tmp_path, sheets)
    assert_rejected_at(run, f"区划!{number}", "级别")


def test_a_workbook_with_many_bad_rows_imports_nothing_and_reports_every_row(tmp_path):
    sheets = valid_sheets()
    expected = set()
    expected.add("干部!" + str(add_row(sheets, "干部", {
        "身份证号": wrong_check_digit(C_LI[:-1] + "0"), "姓名": "错号", "单位代码": COUNTY_UNIT, "职级": "一般干部",
        "人员类别": "公务员"})))
    expected.add("农户!" + str(add_row(sheets, "农户", {
        "户编号": "X-1", "村代码": "620502100099", "户主姓名": "无村", "户主身份证号": id_number("620502", "19700101", "997"),
        "户类型": "农村特困户", "常住人口": 1})))
    expected.add("收入!" + str(add_row(sheets, "收入", {"户编号": H4, "年度": 2024, "总收入": -1})))
    expected.add("收入!" + str(add_row(sheets, "收入", {"户编号": H4, "年度": 2023, "总收入": "abc"})))
    expected.add("联村!" + str(add_row(sheets, "联村", {"单位代码": COUNTY_UNIT, "村代码": "620502100002", "开始日期": "2025-13-01"})))
    expected.add("联户!" + str(add_row(sheets, "联户", {"干部身份证号": C_WANG, "户编号": H3, "开始日期": "2024-05-01"})))
    sheets["收入"].append(list(sheets["收入"][1]))
    expected.add(f"收入!{len(sheets['收入'])}")
    run = import_sheets(tmp_path, sheets)
    assert run.code == 1
    assert {line.split(": ", 1)[0] for line in run.lines} == expected
    assert "未导入任何数据" in run.err
    assert_nothing_written()


def test_every_problem_line_has_the_sheet_row_prefix(tmp_path):
    sheets = valid_sheets()
    add_row(sheets, "收入", {"户编号": H4, "年度": 2024, "总收入": -1})
    add_row(sheets, "联户", {"干部身份证号": C_WANG, "户编号": H1, "开始日期": "abc"})
    run = import_sheets(tmp_path, sheets)
    assert run.code == 1
    assert run.lines and all(__import__("re").match(r"^\S+!\d+: \S", line) for line in run.lines), run.out


def test_a_cadre_who_later_became_a_teacher_keeps_the_hand_over_already_recorded(imported, tmp_path):
    # Zhang handed household 1 over in 2024 and now moves to a school, handing household 2
    # over too: the stored 2024 hand-over is history, not a new assignment of a teacher.
    sheets = valid_sheets()
    number, _ = find_row(sheets, "干部", 身份证号=C_ZHANG)
    set_cell(sheets, "干部", number, "人员类别", "教师")
    number, _ = find_row(sheets, "联户", 户编号=H2)
    set_cell(sheets, "联户", number, "结束日期", dt.date(2026, 8, 31))
    set_cell(sheets, "联户", number, "结束原因", "调入学校")
    set_cell(sheets, "联户", number, "接替干部身份证号", C_LI)
    run = import_sheets(tmp_path, sheets)
    assert run.code == 0, run.out
    assert HouseholdPairing.objects.get(household__number=H2, end__isnull=True).cadre.id_number == C_LI
