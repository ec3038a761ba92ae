"""The cell parsers of the roster (shuanglian/roster/cells.py)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from households import cells as registry_cells
from households.models import Household
from shuanglian.errors import DomainError
from shuanglian.roster import cells

from .workbooks import C_LI, H1, HEADS, wrong_check_digit


def message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- ID numbers ---

def test_an_id_number_typed_as_text_is_accepted():
    assert registry_cells.id_number(C_LI) == C_LI
    assert registry_cells.id_number(f"  {C_LI} ") == C_LI


def test_a_lower_case_x_check_digit_is_normalised():
    x_number = next(n for n in HEADS.values() if n.endswith("X")) if any(n.endswith("X") for n in HEADS.values()) else None
    if x_number is None:
        pytest.skip("no ID number ending in X in the sample")
    assert registry_cells.id_number(x_number.lower()) == x_number


@pytest.mark.parametrize("value", [int(HEADS[H1][:15]), 6.20502196501011e17, 620502196501010139])
def test_an_id_number_typed_as_an_excel_number_is_refused_with_a_clear_message(value):
    with pytest.raises(DomainError) as exc_info:
        registry_cells.id_number(value)
    assert "文本" in message(exc_info)


def test_an_id_number_with_a_wrong_check_digit_is_refused():
    with pytest.raises(DomainError) as exc_info:
        registry_cells.id_number(wrong_check_digit(C_LI))
    assert "校验位" in message(exc_info)
    assert f"应为“{C_LI[-1]}”" in message(exc_info)


@pytest.mark.parametrize("value", ["62050219850607022", "6205021985060702288", "62050219851307022X", "abc"])
def test_a_malformed_id_number_is_refused(value):
    with pytest.raises(DomainError):
        registry_cells.id_number(value)


# --- dates ---

def test_an_excel_date_is_accepted():
    assert cells.date(dt.datetime(2024, 7, 1, 0, 0)) == dt.date(2024, 7, 1)
    assert cells.date(dt.date(2024, 7, 1)) == dt.date(2024, 7, 1)


@pytest.mark.parametrize("text, expected", [("2024-07-01", dt.date(2024, 7, 1)), (" 2024-7-1 ", dt.date(2024, 7, 1))])
def test_yyyy_mm_dd_text_is_accepted(text, expected):
    assert cells.date(text) == expected


@pytest.mark.parametrize("value", ["2025-13-01", "abc", "2024-02-30", "01/07/2024", 45474, 1.5, ""])
def test_something_that_is_not_a_date_is_refused(value):
    with pytest.raises(DomainError) as exc_info:
        cells.date(value)
    assert "日期" in message(exc_info)


@pytest.mark.dates
def test_an_implausible_date_is_refused():
    with pytest.raises(DomainError, match="合理范围"):
        cells.date("1900-01-01")
    with pytest.raises(DomainError, match="合理范围"):
        cells.date(dt.date.today() + dt.timedelta(days=3 * 365))  # not .replace(year=…): no 29 February then


# --- yes / no ---

@pytest.mark.parametrize("value, expected", [("是", True), ("否", False), (" 是 ", True), (1, True), (0, False)])
def test_yes_and_no_are_read(value, expected):
    assert cells.yes_no(value) is expected


@pytest.mark.parametrize("value", ["对", "x", "有"])
def test_other_answers_than_yes_or_no_are_refused(value):
    with pytest.raises(DomainError, match="“是”或“否”"):
        cells.yes_no(value)


# --- money ---

@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_blank_amount_is_zero(value):
    assert cells.money(value) == Decimal("0")


@pytest.mark.parametrize(
    "value, expected",
    [(1234, Decimal("1234.00")), (1234.5, Decimal("1234.50")), ("1,234.56", Decimal("1234.56")), ("  800 ", Decimal("800.00")),
     (0.1 + 0.2, Decimal("0.30"))],
)
def test_amounts_are_read_to_the_fen(value, expected):
    assert cells.money(value) == expected


@pytest.mark.parametrize("value", [-1, "-0.01", "-5"])
def test_a_negative_amount_is_refused(value):
    with pytest.raises(DomainError, match="负数"):
        cells.money(value)


@pytest.mark.parametrize("value", ["一万", "abc", "12元", "NaN", "Infinity", True, dt.date(2024, 1, 1)])
def test_a_non_numeric_amount_is_refused(value):
    with pytest.raises(DomainError, match="金额"):
        cells.money(value)


# --- codes and numbers ---

@pytest.mark.parametrize("value, expected", [(620502100001, "620502100001"), (620502100001.0, "620502100001"),
                                             ("620502100001", "620502100001"), (" U-01.a_b ", "U-01.a_b")])
def test_codes_typed_as_numbers_or_text_are_accepted(value, expected):
    assert cells.code(value) == expected


def test_an_area_code_typed_as_a_number_is_accepted():
    assert registry_cells.area_code(620502100001) == "620502100001"


@pytest.mark.parametrize("value", [6205.5, "62 05", "代码"])
def test_a_code_with_other_characters_is_refused(value):
    with pytest.raises(DomainError):
        cells.code(value)


def test_an_area_code_of_other_than_12_digits_is_refused():
    with pytest.raises(DomainError, match="12位"):
        registry_cells.area_code("6205021")


@pytest.mark.parametrize("value, expected", [(3, 3), (3.0, 3), ("3", 3), (" 12 ", 12)])
def test_whole_numbers_are_read(value, expected):
    assert cells.whole_number(value) == expected


@pytest.mark.parametrize("value", [2.5, "2.5", "三", True])
def test_something_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(DomainError):
        cells.whole_number(value)


def test_a_year_outside_the_plausible_range_is_refused():
    assert cells.year(2024) == 2024
    with pytest.raises(DomainError, match="合理范围"):
        cells.year(1024)


def test_a_mobile_number_typed_as_an_excel_number_is_accepted():
    assert registry_cells.mobile(13893800001) == "13893800001"
    assert registry_cells.mobile(13893800001.0) == "13893800001"


def test_a_wrong_mobile_number_is_refused():
    with pytest.raises(DomainError, match="手机号"):
        registry_cells.mobile("1389380")


def test_choices_are_read_by_their_chinese_label():
    parse = cells.choice(Household.Kind)
    assert parse("城市困难居民") == "urban"
    with pytest.raises(DomainError, match="农村特困户、城市困难居民"):
        parse("urban")


def test_text_is_stripped_and_limited_in_length():
    assert cells.text("  张三 ") == "张三"
    assert cells.text(12.0) == "12"
    with pytest.raises(DomainError, match="50"):
        cells.text("长" * 51, max_length=50)


def test_a_date_where_text_is_expected_is_refused():
    with pytest.raises(DomainError, match="日期"):
        cells.text(dt.datetime(2024, 1, 1))


@pytest.mark.parametrize("value, expected", [("甲、乙,丙，丁", ["甲", "乙", "丙", "丁"]), ("", []), ("甲、 、乙", ["甲", "乙"])])
def test_lists_are_split_on_the_chinese_and_latin_commas(value, expected):
    assert cells.split_list(value) == expected
