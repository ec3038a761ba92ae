"""import_workbook with the scope of a county office: rows about other counties are refused."""
from __future__ import annotations

import pytest
from django.utils import timezone

from households.models import Area, Household, PoorAreaYear
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import Scope

from .dbstate import canonical_dump
from .workbooks import (
    C_WANG,
    CITY,
    H2,
    PROVINCE,
    add_row,
    find_row,
    id_number,
    set_cell,
    valid_sheets,
    write_workbook,
)

pytestmark = pytest.mark.django_db
COUNTY_OFFICE = Scope(area_prefix="620502", can_change=True)
OTHER_COUNTY = "620503000000"


@pytest.fixture
def other_county(imported):
    """A neighbouring county, township and village, already in the database."""
    Area.objects.create(code=OTHER_COUNTY, name="麦积区", level="county", parent_id=CITY)
    Area.objects.create(code="620503100000", name="甘泉镇", level="township", parent_id=OTHER_COUNTY)
    Area.objects.create(code="620503100001", name="甘泉村", level="village", parent_id="620503100000")


def rejected(path, scope) -> list[str]:
    with pytest.raises(RosterRejected) as exc_info:
        import_workbook(path, scope=scope)
    return [str(p) for p in exc_info.value.result.problems]


def at(problems, prefix):
    return [p for p in problems if p.startswith(prefix + ": ")]


def test_a_county_office_may_import_its_own_county(imported, tmp_path):
    sheets = valid_sheets()
    set_cell(sheets, "农户", find_row(sheets, "农户", 户编号=H2)[0], "户主姓名", "王二虎")
    result = import_workbook(write_workbook(tmp_path / "r.xlsx", sheets), scope=COUNTY_OFFICE)
    assert result.ok
    assert Household.objects.get(number=H2).head_name == "王二虎"


def test_a_county_office_may_list_unchanged_ancestors_and_units_from_above(imported, tmp_path):
    # The sample lists the province and city, and a city unit: unchanged, they are fine.
    result = import_workbook(write_workbook(tmp_path / "r.xlsx", valid_sheets()), scope=COUNTY_OFFICE)
    assert result.ok
    assert result.counts["区划"].unchanged == 6


def test_a_household_in_another_county_is_refused(other_county, tmp_path):
    before = canonical_dump()
    sheets = valid_sheets()
    number = add_row(sheets, "农户", {"户编号": "MJ-1", "村代码": "620503100001", "户主姓名": "马一", "户类型": "农村特困户",
                                    "户主身份证号": id_number("620503", "19700101", "011"), "常住人口": 1})
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert at(problems, f"农户!{number}") == [f"农户!{number}: 村“620503100001”不在您的管辖范围内。"]
    assert canonical_dump() == before


def test_a_new_area_in_another_county_is_refused(imported, tmp_path):
    sheets = valid_sheets()
    number = add_row(sheets, "区划", {"区划代码": OTHER_COUNTY, "名称": "麦积区", "级别": "县"})
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert [p.split(": ")[0] for p in problems] == [f"区划!{number}"]
    assert not Area.objects.filter(code=OTHER_COUNTY).exists()


def test_renaming_an_ancestor_is_refused(imported, tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "区划", 区划代码=PROVINCE)
    set_cell(sheets, "区划", number, "名称", "陇原省")
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert at(problems, f"区划!{number}")
    assert Area.objects.get(code=PROVINCE).name == "甘肃省"


@pytest.mark.dates
def test_changing_the_poverty_flag_of_another_county_is_refused(other_county, tmp_path):
    PoorAreaYear.objects.create(area_id=OTHER_COUNTY, year=timezone.localdate().year, kind=PoorAreaYear.Kind.CONTIGUOUS_COUNTY)
    sheets = valid_sheets()
    number = add_row(sheets, "区划", {"区划代码": OTHER_COUNTY, "名称": "麦积区", "级别": "县", "是否贫困": "否"})
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert at(problems, f"区划!{number}")
    assert PoorAreaYear.objects.filter(area_id=OTHER_COUNTY).exists()


def test_members_income_and_pairings_of_another_countys_household_are_refused(other_county, tmp_path):
    Household.objects.create(number="MJ-1", village_id="620503100001", head_name="马一", resident_population=1,
                             head_id_number=id_number("620503", "19700101", "011"))
    sheets = {
        "家庭成员": [valid_sheets()["家庭成员"][0], ["MJ-1", id_number("620503", "19720101", "022"), "马妻", "配偶", None, None]],
        "收入": [valid_sheets()["收入"][0], ["MJ-1", 2024, 5000, None, None, None, None, None]],
        "联户": [valid_sheets()["联户"][0], [C_WANG, "MJ-1", "2024-01-01", None, None, None]],
    }
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert sorted(p.split(": ")[0] for p in problems) == ["家庭成员!2", "收入!2", "联户!2"]
    assert all("不在您的管辖范围内" in p for p in problems)


def test_moving_a_unit_out_of_the_county_is_refused(other_county, tmp_path):
    sheets = valid_sheets()
    number, _ = find_row(sheets, "单位", 单位代码="U62050201")
    set_cell(sheets, "单位", number, "所在区划代码", OTHER_COUNTY)
    problems = rejected(write_workbook(tmp_path / "r.xlsx", sheets), COUNTY_OFFICE)
    assert at(problems, f"单位!{number}")


def test_a_read_only_scope_may_not_import(imported, tmp_path):
    before = canonical_dump()
    leader = Scope(area_prefix="620502", can_change=False)
    problems = rejected(write_workbook(tmp_path / "r.xlsx", valid_sheets()), leader)
    assert problems and "不能导入" in problems[0]
    assert canonical_dump() == before

