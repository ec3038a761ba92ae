"""The poor-village test "一高一低一无" and the household lines (docs/domain.md §10), computed by the
database for an area and year: the selectors and the `poverty_check` command of docs/roster-format.md."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from households.selectors import (
    household_line_tests,
    poverty_summary,
    thresholds_for,
    village_poverty_tests,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

OTHER_COUNTY_VILLAGE = "620503100001"


def check(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("poverty_check", *args, stdout=out)
    return [line.split(",") for line in out.getvalue().splitlines()]


def meets(**values) -> bool:
    record = f.VillageYearFactory(**values)
    return village_poverty_tests(None, record.year).get(pk=record.pk).meets


def household_with(per_capita: str, year: int = 2025, **kwargs):
    household = f.HouseholdFactory(resident_population=1, **kwargs)
    f.IncomeRecordFactory(household=household, year=year, resident_population=1, total_income=Decimal(per_capita))
    return household


# --- thresholds by year ----------------------------------------------------------------------------------

def test_without_any_standard_the_thresholds_are_the_defaults():
    t = thresholds_for(2025)
    assert (t.year, t.province_line, t.national_line, t.village_income_line, t.incidence_rate, t.notice_days) == (
        None, 2875, 2736, 3902, 30, 7)


def test_the_thresholds_of_a_year_come_from_its_standard():
    f.PovertyLineFactory(year=2025, province_line=3000, national_line=2800, village_income_line=4000,
                         incidence_rate=Decimal("25.5"), notice_days=10)
    t = thresholds_for(2025)
    assert (t.year, t.province_line, t.national_line, t.village_income_line, t.incidence_rate, t.notice_days) == (
        2025, 3000, 2800, 4000, Decimal("25.5"), 10)


def test_a_year_without_a_standard_takes_the_latest_earlier_years():
    f.PovertyLineFactory(year=2023, province_line=2900)
    f.PovertyLineFactory(year=2024, province_line=3000)
    f.PovertyLineFactory(year=2026, province_line=3300)
    assert (thresholds_for(2025).year, thresholds_for(2025).province_line) == (2024, 3000)


# --- the poor-village test ---------------------------------------------------------------------------------

def test_a_village_high_low_and_without_collective_income_meets_the_test():
    assert meets()


def test_an_incidence_equal_to_the_rate_is_not_above_it():
    assert not meets(population=1000, poor_population=300)


def test_an_incidence_a_hair_above_the_rate_is_above_it_though_it_prints_as_the_rate():
    # 30.04 % prints as 30.0 but passes (docs/domain.md §10's worked example).
    assert meets(population=10000, poor_population=3004)
    assert check("--year", "2025")[1][2] == "30.0"


def test_an_income_equal_to_the_village_line_is_not_below_it():
    assert not meets(per_capita_income=Decimal("3902.00"))


def test_an_income_a_fen_below_the_village_line_is_below_it():
    assert meets(per_capita_income=Decimal("3901.99"))


def test_any_collective_income_fails_the_test():
    assert not meets(collective_income=Decimal("0.01"))


def test_a_village_of_no_people_has_an_incidence_of_zero():
    record = f.VillageYearFactory(population=0, poor_population=0)
    row = village_poverty_tests(None, 2025).get(pk=record.pk)
    assert (row.incidence, row.high_incidence, row.meets) == (0, False, False)


def test_the_village_test_reads_the_rate_and_line_of_the_year():
    f.PovertyLineFactory(year=2024, incidence_rate=40, village_income_line=3000)
    assert not meets()  # 35 % is not above 40 %, and 3,100 is not below 3,000


def test_the_village_test_takes_the_latest_earlier_years_thresholds():
    f.PovertyLineFactory(year=2024, incidence_rate=Decimal("36"))
    assert not meets()  # 35 % is not above 2024's 36 %


# --- the household lines ----------------------------------------------------------------------------------

def test_an_income_equal_to_the_provincial_line_is_not_below_it():
    household_with("2875.00")
    row = household_line_tests(None, 2025).get()
    assert (row.below_province, row.below_national) == (False, False)


def test_an_income_between_the_lines_is_below_the_provincial_line_only():
    household_with("2800.00")
    row = household_line_tests(None, 2025).get()
    assert (row.below_province, row.below_national) == (True, False)


def test_an_income_equal_to_the_national_line_is_below_the_provincial_line_only():
    household_with("2736.00")
    row = household_line_tests(None, 2025).get()
    assert (row.below_province, row.below_national) == (True, False)


def test_an_income_below_both_lines_is_below_both():
    household_with("2735.99")
    row = household_line_tests(None, 2025).get()
    assert (row.below_province, row.below_national) == (True, True)


def test_households_are_tested_against_the_latest_earlier_years_lines():
    f.PovertyLineFactory(year=2024, province_line=3000, national_line=2900)
    household_with("2950.00")
    row = household_line_tests(None, 2025).get()
    assert (row.below_province, row.below_national) == (True, False)


def test_only_households_with_an_income_of_the_year_are_tested():
    household_with("1000.00", year=2024)
    assert not household_line_tests(None, 2025).exists()


# --- the area filter and the summary ----------------------------------------------------------------------

def test_the_area_filter_keeps_the_areas_villages_and_households():
    f.VillageYearFactory()
    f.VillageYearFactory(village=f.village(OTHER_COUNTY_VILLAGE))
    household_with("100")
    household_with("100", village=f.village(OTHER_COUNTY_VILLAGE))
    assert [v.village_id for v in village_poverty_tests(f.COUNTY, 2025)] == [f.VILLAGE]
    assert [r.household.village_id for r in household_line_tests(f.COUNTY, 2025)] == [f.VILLAGE]
    assert [row[0] for row in check("--year", "2025", "--area", "620503000000")[1:]] == [OTHER_COUNTY_VILLAGE]


def test_the_summary_counts_villages_meeting_the_test_designated_or_not_and_households_below_each_line():
    f.VillageYearFactory()
    f.VillageYearFactory(village=f.village("620502100002"))
    f.VillageYearFactory(village=f.village("620502100003"), collective_income=5000)
    f.PoorAreaYearFactory(area=f.village(), year=2025)
    household_with("2000")
    household_with("2800")
    household_with("2875")
    s = poverty_summary(f.COUNTY, 2025)
    assert (s.villages, s.villages_meeting, s.meeting_designated) == (3, 2, 1)
    assert (s.households, s.below_province, s.below_national) == (3, 2, 1)


# --- the command --------------------------------------------------------------------------------------------

def test_the_village_csv_follows_the_contract():
    f.VillageYearFactory(village=f.village("620502100002", "二村"), collective_income=Decimal("5000"))
    f.VillageYearFactory(village=f.village(f.VILLAGE, "一村"))
    f.VillageYearFactory(village=f.village("620502100003"), year=2024)
    assert check("--year", "2025") == [
        ["区划代码", "名称", "贫困发生率", "农民人均纯收入", "集体经济收入", "符合贫困村标准"],
        [f.VILLAGE, "一村", "35.0", "3100.00", "0.00", "是"],
        ["620502100002", "二村", "35.0", "3100.00", "5000.00", "否"],
    ]


def test_the_household_csv_follows_the_contract():
    b = household_with("2800", number="H2", head_name="乙")
    a = household_with("2875", number="H1", head_name="甲")
    assert check("--year", "2025", "--subject", "household") == [
        ["户编号", "户主姓名", "人均纯收入", "省定标准", "低于省定标准", "低于国家标准"],
        [a.number, "甲", "2875.00", "2875.00", "否", "否"],
        [b.number, "乙", "2800.00", "2875.00", "是", "否"],
    ]


def test_an_unknown_area_is_refused():
    with pytest.raises(CommandError, match="不存在"):
        check("--year", "2025", "--area", "620599000000")


def test_the_tests_take_a_constant_number_of_queries(django_assert_max_num_queries):
    for n in range(1, 6):
        f.VillageYearFactory(village=f.village(f"620502100{n:03d}"))
        household_with("100")
    with django_assert_max_num_queries(4):  # the thresholds, then the rows, for each subject
        list(village_poverty_tests(None, 2025))
        list(household_line_tests(None, 2025))
    with django_assert_max_num_queries(3):
        poverty_summary(None, 2025)
