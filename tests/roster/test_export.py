"""export_roster: the same format, and importing the result into an empty database
reproduces the data (docs/roster-format.md)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from households.models import Area, Household, Member
from pairing.models import Cadre, HouseholdPairing, QuotaPolicy, Unit

from .conftest import run_command
from .dbstate import canonical_dump, empty_database
from .workbooks import C_WANG, COUNTY, H1, H2, H4, HEADS, id_number, valid_sheets, write_workbook

pytestmark = pytest.mark.django_db


def export(path, *args) -> None:
    run = run_command("export_roster", "-o", str(path), *args)
    assert run.code == 0, run.out + run.err


def reimport_into_empty_database(path) -> None:
    empty_database()
    assert Household.objects.count() == Area.objects.count() == 0
    run = run_command("import_roster", str(path))
    assert run.code == 0, run.out + run.err


def test_export_then_import_into_an_empty_database_reproduces_the_data(imported, tmp_path):
    before = canonical_dump()
    export(tmp_path / "out.xlsx")
    reimport_into_empty_database(tmp_path / "out.xlsx")
    assert canonical_dump() == before


def test_emptying_the_database_between_keeps_the_quota_defaults(imported, tmp_path):
    quotas = QuotaPolicy.objects.count()
    assert quotas == 5
    export(tmp_path / "out.xlsx")
    reimport_into_empty_database(tmp_path / "out.xlsx")
    assert QuotaPolicy.objects.count() == quotas


def test_export_prints_rows_per_sheet(imported, tmp_path):
    run = run_command("export_roster", "-o", str(tmp_path / "out.xlsx"))
    assert "农户：6 行" in run.out
    assert "家庭成员：14 行" in run.out
    assert "联户：7 行" in run.out


def test_the_exported_file_has_the_format_headers_on_row_one(imported, tmp_path):
    export(tmp_path / "out.xlsx")
    workbook = load_workbook(tmp_path / "out.xlsx")
    assert workbook.sheetnames[:8] == ["区划", "单位", "干部", "农户", "家庭成员", "收入", "联村", "联户"]
    assert [c.value for c in workbook["联户"][1]] == ["干部身份证号", "户编号", "开始日期", "结束日期", "结束原因", "接替干部身份证号"]
    assert [c.value for c in workbook["农户"][1]][:4] == ["户编号", "村代码", "户主姓名", "户主身份证号"]


def test_id_numbers_and_codes_are_exported_as_text_and_dates_as_dates(imported, tmp_path):
    export(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")["农户"]
    number, village, _, head = (c for c in ws[2][:4])
    assert (number.value, number.data_type) == (H1, "s")
    assert (head.value, head.data_type) == (HEADS[H1], "s")
    assert village.data_type == "s"
    start = load_workbook(tmp_path / "out.xlsx")["联户"]["C2"]
    assert start.is_date and start.value == dt.datetime(2023, 1, 1)


def test_a_county_exported_with_area_brings_its_ancestors_and_reimports(imported, tmp_path):
    before = canonical_dump()
    export(tmp_path / "county.xlsx", "--area", COUNTY)
    reimport_into_empty_database(tmp_path / "county.xlsx")
    assert canonical_dump() == before


def test_an_area_export_leaves_out_other_counties(imported, tmp_path):
    Area.objects.create(code="620503000000", name="麦积区", level="county", parent_id="620500000000")
    Area.objects.create(code="620503100000", name="甘泉镇", level="township", parent_id="620503000000")
    Area.objects.create(code="620503100001", name="甘泉村", level="village", parent_id="620503100000")
    Household.objects.create(number="H-MAIJI", village_id="620503100001", head_name="马一", resident_population=1,
                             head_id_number=id_number("620503", "19700101", "011"))
    export(tmp_path / "county.xlsx", "--area", COUNTY)
    workbook = load_workbook(tmp_path / "county.xlsx")
    codes = [row[0] for row in workbook["区划"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["620000000000", "620500000000", COUNTY, "620502100000", "620502100001", "620502100002"]
    numbers = [row[0] for row in workbook["农户"].iter_rows(min_row=2, values_only=True)]
    assert "H-MAIJI" not in numbers and len(numbers) == 6


def test_an_area_export_reimports_when_a_unit_of_another_county_works_there(imported, tmp_path):
    # A unit seated in a neighbouring county pairs one of this county's households.
    Area.objects.create(code="620503000000", name="麦积区", level="county", parent_id="620500000000")
    unit = Unit.objects.create(code="U62050301", name="麦积区水务局", level="county", kind="organ", area_id="620503000000")
    cadre = Cadre.objects.create(id_number=id_number("620503", "19800101", "031"), name="马六", unit=unit,
                                 rank="section", category="civil")
    pairing = HouseholdPairing.objects.get(household__number=H4, cadre__id_number=C_WANG)
    pairing.end, pairing.end_reason = dt.date(2025, 3, 31), "轮换"
    pairing.save()
    pairing.successor = HouseholdPairing.objects.create(cadre=cadre, household=pairing.household, start=dt.date(2025, 4, 1))
    pairing.save()
    export(tmp_path / "county.xlsx", "--area", COUNTY)
    empty_database()
    run = run_command("import_roster", str(tmp_path / "county.xlsx"))
    assert run.code == 0, run.out
    assert HouseholdPairing.objects.get(household__number=H4, cadre__unit__code="U62050301").start == dt.date(2025, 4, 1)


def test_export_of_an_unknown_area_is_refused(tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_roster", "--area", "620599000000", "-o", str(tmp_path / "x.xlsx"))


def test_export_to_a_folder_that_does_not_exist_is_a_clear_error(imported, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_roster", "-o", str(tmp_path / "no" / "such" / "x.xlsx"))


def test_a_name_beginning_with_a_formula_sign_exports_as_a_text_cell(tmp_path):
    sheets = valid_sheets()
    sheets["农户"][2][2] = '=HYPERLINK("http://evil.example","点我")'
    sheets["家庭成员"][3][2] = "+1+2"
    write_workbook(tmp_path / "in.xlsx", sheets)
    assert run_command("import_roster", str(tmp_path / "in.xlsx")).code == 0
    assert Household.objects.get(number=H2).head_name.startswith("=HYPERLINK")
    export(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")["农户"]
    cell = ws["C3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","点我")'


def test_a_formula_like_name_survives_the_round_trip_unchanged(tmp_path):
    sheets = valid_sheets()
    sheets["农户"][1][2] = "=1+1"
    sheets["家庭成员"][1][2] = "=1+1"  # H1's head, listed again
    write_workbook(tmp_path / "in.xlsx", sheets)
    assert run_command("import_roster", str(tmp_path / "in.xlsx")).code == 0, "import"
    before = canonical_dump()
    export(tmp_path / "out.xlsx")
    reimport_into_empty_database(tmp_path / "out.xlsx")
    assert canonical_dump() == before
    assert Member.objects.get(id_number=HEADS[H1]).name == "=1+1"


def test_the_roster_keeps_its_chinese_words_when_the_interface_is_in_english(imported, tmp_path):
    from django.utils import translation

    from shuanglian.roster.engine import export_workbook, import_workbook
    from shuanglian.scoping import EVERYTHING

    path = tmp_path / "english.xlsx"
    with translation.override("en"):
        export_workbook(str(path), scope=EVERYTHING)
        result = import_workbook(str(path), scope=EVERYTHING)
    levels = {row[2] for row in load_workbook(path)["区划"].iter_rows(min_row=2, values_only=True)}
    assert levels <= {"省", "市", "县", "乡", "村"}
    assert all(c.created == 0 and c.updated == 0 for c in result.counts.values())
