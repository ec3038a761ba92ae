"""The illustrated poverty ledger: export_ledger's tables, subtotals, native charts and print setup."""
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

SHEETS = ["村收入对比", "收入对比图", "户增收计划", "户增收措施", "扶贫台帐", "致贫原因"]


@pytest.fixture
def ledger_file(county, tmp_path):
    path = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--area", county.county.code, "--year", "2025", "-o", str(path), stdout=io.StringIO())
    return path


@pytest.fixture
def book(ledger_file):
    return openpyxl.load_workbook(ledger_file, data_only=True)


def rows(sheet, first=4):
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True)]


def chart_xml(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        # Sheet names in references may be quoted or not: compare without quotes.
        return [z.read(n).decode().replace("'", "") for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]


def test_the_ledger_has_the_four_tables_the_cause_table_and_a_chart_sheet_in_order(book):
    assert book.sheetnames == SHEETS


def test_village_income_compares_per_capita_net_income_this_year_with_last(book):
    table = rows(book["村收入对比"])
    assert [r[1:10] for r in table[:3]] == [
        ["一乡", "620502100001", "甲村", 2, 3000, 2, 4000, 1000, pytest.approx(1 / 3)],
        ["一乡", "620502100002", "乙村", 1, 2500, 1, 2500, 0, 0],
        ["二乡", "620502200001", "丙村", 1, 2000, 1, 2200, 200, pytest.approx(0.1)],
    ]


def test_the_income_total_divides_all_net_income_by_all_residents(book):
    total = rows(book["村收入对比"])[3]
    assert (total[1], total[5], total[7], total[8]) == ("合计", 2571.43, 3142.86, 571.43)


def test_villages_outside_the_area_are_left_out(book):
    assert "麦积一村" not in [r[3] for r in rows(book["村收入对比"])]


def test_the_income_chart_is_a_native_bar_chart_of_both_years_over_the_village_rows(ledger_file):
    bar = next(x for x in chart_xml(ledger_file) if "<c:barChart>" in x)
    assert "村收入对比!$F$4:$F$6" in bar and "村收入对比!$H$4:$H$6" in bar and "村收入对比!$D$4:$D$6" in bar


def test_the_poverty_cause_chart_is_a_native_pie_chart_of_the_cause_table(ledger_file):
    pie = next(x for x in chart_xml(ledger_file) if "<c:pieChart>" in x)
    assert "致贫原因!$B$4:$B$7" in pie and "致贫原因!$A$4:$A$7" in pie


def test_the_cause_table_counts_households_by_main_cause_most_first(book):
    table = rows(book["致贫原因"])
    assert [r[:4] for r in table] == [["因病", 2, 2, 5], ["缺资金", 1, 1, 5], ["因残", 1, 1, 1], ["因学", 1, 0, 4],
                                      ["合计", 5, 4, 15]]


def test_the_plan_table_sets_the_target_against_last_and_this_years_income(book):
    first = rows(book["户增收计划"])[0]
    assert first[3:14] == ["H1", "户主H1", 3, "因病", 3000, 4500, 1500, 4000, pytest.approx(4000 / 4500), 2026, "张一"]


def test_the_measures_table_names_measures_and_responsible_cadre_and_unit(book):
    first = rows(book["户增收措施"])[0]
    assert first[3:11] == ["H1", "户主H1", "因病", "缺技术", "种植花椒3亩", 2026, "张一", "农业局"]


def test_a_measure_that_looks_like_a_formula_is_written_as_plain_text(ledger_file):
    sheet = openpyxl.load_workbook(ledger_file)["户增收措施"]
    cell = sheet["H5"]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(\"http://x\")", "s")


def test_the_ledger_groups_households_by_township_and_village_with_subtotals(book):
    table = rows(book["扶贫台帐"])
    assert [(r[1], r[3], r[6]) for r in table] == [
        ("一乡", "H1", 3), ("一乡", "H2", 4), ("甲村 小计", 2, 7), ("一乡", "H3", 2), ("乙村 小计", 1, 2),
        ("一乡 合计", 3, 9), ("二乡", "H4", 5), ("二乡", "H5", 1), ("丙村 小计", 2, 6), ("二乡 合计", 2, 6),
        ("总计", 5, 15),
    ]


def test_subtotals_are_subtotal_formulas_so_nested_subtotals_are_not_counted_twice(ledger_file):
    sheet = openpyxl.load_workbook(ledger_file)["扶贫台帐"]
    assert (sheet["D6"].value, sheet["G9"].value, sheet["G14"].value) == (
        "=SUBTOTAL(3,D4:D5)", "=SUBTOTAL(9,G4:G8)", "=SUBTOTAL(9,G4:G13)")


def test_every_household_shows_cause_helper_measures_and_exit_deadline(book):
    h1 = rows(book["扶贫台帐"])[0]
    assert (h1[8], h1[9], h1[10], h1[11], h1[12], h1[13], h1[14], h1[15]) == (
        "因病", "缺技术", "在册", "张一", "农业局", "种植花椒3亩", 2026, 4000)


def test_a_poor_household_without_a_cadre_is_marked_and_counted_in_its_subtotal(book):
    table = rows(book["扶贫台帐"])
    assert table[7][11] == "（无）" and table[8][11] == "无干部 1 户"


def test_an_exited_household_shows_its_exit_year(book):
    assert rows(book["扶贫台帐"])[1][10] == "已脱贫（2025）"


def test_the_command_writes_full_id_numbers(book, county):
    assert rows(book["扶贫台帐"])[0][5] == county.households[0].head_id_number


def test_header_rows_are_frozen_and_repeated_on_every_a4_landscape_page(ledger_file):
    book = openpyxl.load_workbook(ledger_file)
    for name in ("村收入对比", "户增收计划", "户增收措施", "扶贫台帐", "致贫原因"):
        sheet = book[name]
        assert (sheet.freeze_panes, sheet.print_title_rows, sheet.page_setup.orientation, sheet.page_setup.paperSize) == (
            "A4", "$1:$3", "landscape", 9), name


def test_headers_are_chinese(book):
    assert [c.value for c in book["扶贫台帐"][3]][:6] == ["序号", "乡镇", "村", "户编号", "户主", "户主身份证号"]


def test_the_workbook_is_streamed_with_inline_strings(ledger_file):
    # Constant-memory mode writes strings inline instead of building a shared-strings table in memory.
    with zipfile.ZipFile(ledger_file) as z:
        assert "xl/sharedStrings.xml" not in z.namelist()
        assert re.search(r't="inlineStr"', z.read("xl/worksheets/sheet4.xml").decode())


def test_the_command_prints_rows_per_sheet(county, tmp_path):
    out = io.StringIO()
    call_command("export_ledger", "--area", county.county.code, "--year", "2025", "-o", str(tmp_path / "l.xlsx"), stdout=out)
    assert out.getvalue().splitlines()[:5] == ["村收入对比：3 行", "户增收计划：2 行", "户增收措施：2 行", "扶贫台帐：5 行", "致贫原因：4 行"]


def test_an_unknown_area_is_refused(county, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_ledger", "--area", "629999000000", "--year", "2025", "-o", str(tmp_path / "l.xlsx"))


def test_an_area_without_households_gives_empty_tables_and_no_charts(county, tmp_path):
    path = tmp_path / "empty.xlsx"
    call_command("export_ledger", "--area", "620000000000", "--year", "2030", "-o", str(path), stdout=io.StringIO())
    book = openpyxl.load_workbook(path)
    assert "扶贫台帐" in book.sheetnames and "收入对比图" in book.sheetnames


def test_every_household_shows_its_stage_in_the_procedures(book):
    table = rows(book["扶贫台帐"])
    assert (table[0][17], table[1][17]) == (None, "2025年脱贫退出·公告")
