"""The 村情 sheet (a village's basic data by year) and the 单位 sheet's 班子成员数: imported,
validated row by row, matched on their keys and exported in the same format (docs/roster-format.md)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from households.models import Area, VillageYear
from pairing.models import Unit
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import Scope

from .conftest import run_command
from .dbstate import canonical_dump, empty_database
from .workbooks import (
    CITY,
    CITY_UNIT,
    COUNTY,
    COUNTY_UNIT,
    OTHER_VILLAGE,
    POOR_VILLAGE,
    TOWNSHIP,
    valid_sheets,
    write_workbook,
)

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "年度", "总户数", "总人口", "贫困人口", "农民人均纯收入", "集体经济收入", "村两委成员数"]
ROWS = [
    [POOR_VILLAGE, 2025, 312, 1248, 420, "3650.50", None, 7],  # blank collective income is 0
    [POOR_VILLAGE, 2024, 310, 1240, 480, 3400, 0, 7],
    [OTHER_VILLAGE, 2025, 205, 830, 90, 5120, 36000, None],  # 村两委成员数 not recorded
]


def with_village_years(rows=ROWS, base=True) -> dict:
    sheets = valid_sheets() if base else {}
    sheets["村情"] = [HEADER, *map(list, rows)]
    return sheets


def import_sheets(tmp_path, sheets, name="roster.xlsx"):
    return run_command("import_roster", str(write_workbook(tmp_path / name, sheets)))


def test_village_years_import_with_every_column(tmp_path):
    run = import_sheets(tmp_path, with_village_years())
    assert run.code == 0, run.out + run.err
    record = VillageYear.objects.get(village_id=POOR_VILLAGE, year=2025)
    assert (record.households, record.population, record.poor_population, record.per_capita_income,
            record.collective_income, record.committee_size) == (312, 1248, 420, Decimal("3650.50"), Decimal(0), 7)
    assert VillageYear.objects.get(village_id=OTHER_VILLAGE).committee_size is None


def test_importing_the_same_village_years_again_leaves_them_unchanged(tmp_path):
    import_sheets(tmp_path, with_village_years())
    run = import_sheets(tmp_path, with_village_years(), "again.xlsx")
    assert "村情：新增 0，更新 0，未变 3" in run.out and VillageYear.objects.count() == 3


def test_a_corrected_row_updates_its_village_year(tmp_path):
    import_sheets(tmp_path, with_village_years())
    run = import_sheets(tmp_path, with_village_years([[POOR_VILLAGE, 2025, 312, 1248, 400, "3650.50", None, 9]], base=False),
                        "fix.xlsx")
    assert "村情：新增 0，更新 1，未变 0" in run.out, run.out + run.err
    record = VillageYear.objects.get(village_id=POOR_VILLAGE, year=2025)
    assert (record.poor_population, record.committee_size) == (400, 9)


def test_a_sheet_without_the_committee_column_keeps_the_recorded_size(tmp_path):
    import_sheets(tmp_path, with_village_years())
    sheets = {"村情": [HEADER[:-1], [POOR_VILLAGE, 2025, 312, 1248, 420, "3650.50", None]]}
    run = import_sheets(tmp_path, sheets, "short.xlsx")
    assert run.code == 0 and "村情：新增 0，更新 0，未变 1" in run.out
    assert VillageYear.objects.get(village_id=POOR_VILLAGE, year=2025).committee_size == 7


@pytest.mark.parametrize("row, message", [
    (["620502100009", 2025, 100, 400, 50, 3000, None, 5], "区划代码“620502100009”不存在。"),
    ([TOWNSHIP, 2025, 100, 400, 50, 3000, None, 5], "是乡级区划，不是村（社区）。"),
    ([POOR_VILLAGE, 2025, 100, 400, 401, 3000, None, 5], "贫困人口401不能多于总人口400。"),
    ([POOR_VILLAGE, 2025, -1, 400, 50, 3000, None, 5], "总户数：应不小于0。"),
    ([POOR_VILLAGE, 2025, 100, "四百", 50, 3000, None, 5], "总人口：“四百”不是整数。"),
    ([POOR_VILLAGE, 2025, 100, 400, 50, "三千元", None, 5], "农民人均纯收入：“三千元”不是金额"),
    ([POOR_VILLAGE, 2025, 100, 400, 50, 3000, -5, 5], "集体经济收入：金额-5不能为负数。"),
    ([POOR_VILLAGE, 1900, 100, 400, 50, 3000, None, 5], "年度：年度1900超出合理范围"),
    ([POOR_VILLAGE, 2025, 100, 400, 50, 3000, None, 0], "村两委成员数：应不小于1。"),
    ([POOR_VILLAGE, 2025, 100, 400, 50, None, None, 5], "“农民人均纯收入”不能为空。"),
])
def test_a_bad_village_year_row_is_named_with_its_problem_and_nothing_is_written(tmp_path, row, message):
    run = import_sheets(tmp_path, with_village_years([row]))
    output = run.out + run.err
    assert run.code == 1 and "村情!2:" in output and message in output, output
    assert not VillageYear.objects.exists() and not Area.objects.exists()


def test_a_second_row_for_the_same_village_and_year_is_a_problem(tmp_path):
    run = import_sheets(tmp_path, with_village_years([ROWS[0], ROWS[0]]))
    assert run.code == 1 and "村情!3: 与第2行重复。" in run.out + run.err


def test_a_sheet_missing_a_required_column_is_a_problem(tmp_path):
    sheets = with_village_years()
    sheets["村情"] = [[h for h in HEADER if h != "贫困人口"], *[r[:4] + r[5:] for r in ROWS]]
    run = import_sheets(tmp_path, sheets)
    assert run.code == 1 and "村情!1: 缺少必填列：贫困人口" in run.out + run.err


def test_a_county_office_cannot_record_a_village_of_another_county(imported, tmp_path):
    Area.objects.create(code="620503000000", name="麦积区", level="county", parent_id=CITY)
    Area.objects.create(code="620503100000", name="甘泉镇", level="township", parent_id="620503000000")
    Area.objects.create(code="620503100001", name="甘泉村", level="village", parent_id="620503100000")
    path = write_workbook(tmp_path / "r.xlsx", with_village_years([["620503100001", 2025, 100, 400, 50, 3000, None, 5]],
                                                                  base=False))
    with pytest.raises(RosterRejected) as exc_info:
        import_workbook(path, scope=Scope(area_prefix="620502", can_change=True))
    assert [str(p) for p in exc_info.value.result.problems] == ["村情!2: 村“620503100001”不在您的管辖范围内。"]
    assert not VillageYear.objects.exists()


def test_village_years_and_leadership_sizes_round_trip_through_an_export(tmp_path):
    sheets = with_village_years()
    sheets["单位"][0].append("班子成员数")
    sheets["单位"][1].append(6)
    sheets["单位"][2].append(None)
    assert import_sheets(tmp_path, sheets).code == 0
    before = canonical_dump()
    assert before["village_years"] and Unit.objects.get(code=COUNTY_UNIT).leadership_size == 6
    out = tmp_path / "export.xlsx"
    assert run_command("export_roster", "-o", str(out)).code == 0
    empty_database()
    run = run_command("import_roster", str(out))
    assert run.code == 0, run.out + run.err
    assert canonical_dump() == before


def test_the_exported_sheets_carry_the_contracts_headers(tmp_path):
    import_sheets(tmp_path, with_village_years())
    out = tmp_path / "export.xlsx"
    run_command("export_roster", "--area", COUNTY, "-o", str(out))
    workbook = load_workbook(out)
    assert [c.value for c in workbook["村情"][1]] == HEADER
    assert [c.value for c in workbook["单位"][1]][-1] == "班子成员数"
    assert [c.value for c in workbook["村情"][2]][:3] == [POOR_VILLAGE, 2024, 310]


# --- 单位: 班子成员数 ---

def test_a_units_leadership_size_imports_and_a_sheet_without_the_column_keeps_it(tmp_path):
    sheets = valid_sheets()
    sheets["单位"][0].append("班子成员数")
    sheets["单位"][1].append(7)
    sheets["单位"][2].append(None)
    assert import_sheets(tmp_path, sheets).code == 0
    assert dict(Unit.objects.values_list("code", "leadership_size")) == {COUNTY_UNIT: 7, CITY_UNIT: None}
    run = import_sheets(tmp_path, valid_sheets(), "old-format.xlsx")
    assert run.code == 0 and "单位：新增 0，更新 0，未变 2" in run.out
    assert Unit.objects.get(code=COUNTY_UNIT).leadership_size == 7


@pytest.mark.parametrize("size, message", [(0, "班子成员数：应不小于1。"), ("五", "班子成员数：“五”不是整数。")])
def test_a_bad_leadership_size_is_a_problem(tmp_path, size, message):
    sheets = valid_sheets()
    sheets["单位"][0].append("班子成员数")
    sheets["单位"][1].append(size)
    run = import_sheets(tmp_path, sheets)
    assert run.code == 1 and f"单位!2: {message}" in run.out + run.err
