"""Properties of the roster's cell parsers (shuanglian/roster/cells.py): whatever a cell holds,
a parser returns a clean value or refuses it with a DomainError — never another exception — and
what it accepts follows the rules of docs/roster-format.md, checked against plain reference rules."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from households import cells as registry_cells
from households.models import Household, PovertyCause
from pairing.models import Category, Rank, Unit
from shuanglian.errors import DomainError
from shuanglian.roster import cells
from visits.models import Task

from .strategies import any_group_codes, area_codes, id_numbers, is_valid_id_number, junk, level_of_code, money_amounts

FEW = settings(max_examples=150, deadline=None)

PARSERS = {
    "text": cells.text,
    "code": cells.code,
    "area_code": registry_cells.area_code,
    "id_number": registry_cells.id_number,
    "mobile": registry_cells.mobile,
    "date": cells.date,
    "year": cells.year,
    "whole_number": cells.whole_number,
    "bounded_whole_number": lambda v: cells.whole_number(v, minimum=1, maximum=99),
    "money": cells.money,
    "yes_no": cells.yes_no,
    "household_kind": cells.choice(Household.Kind),
    "split_list": cells.split_list,
}
CHOICES = [Household.Kind, Household.Status, PovertyCause, Rank, Category, Unit.Kind, Unit.Level, Task]


def refuses(parse, value) -> bool:
    try:
        parse(value)
    except DomainError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
        return True
    return False


@pytest.mark.parametrize("name", PARSERS)
@FEW
@given(value=junk)
def test_a_parser_returns_a_value_or_refuses_with_a_message_whatever_the_cell_holds(name, value):
    refuses(PARSERS[name], value)  # anything but a DomainError propagates and fails the test


# --- text and codes ---

@FEW
@given(value=st.text(max_size=60), limit=st.integers(1, 50))
def test_text_comes_back_stripped_and_never_longer_than_its_limit(value, limit):
    if refuses(lambda v: cells.text(v, max_length=limit), value):
        assert len(value.strip()) > limit
    else:
        assert cells.text(value, max_length=limit) == value.strip()


@FEW
@given(value=junk)
def test_an_accepted_code_holds_only_letters_digits_and_dashes(value):
    if not refuses(cells.code, value) and not cells.is_blank(value):  # blank cells never reach a parser
        assert re.fullmatch(r"[0-9A-Za-z\-_.]{1,32}", cells.code(value))


@FEW
@given(items=st.lists(st.text(alphabet=st.characters(blacklist_characters="、,，", blacklist_categories=["Cs"]),
                              min_size=1, max_size=8).filter(str.strip), max_size=6),
       separator=st.sampled_from(["、", ",", "，", " 、 "]))
def test_a_list_cell_splits_back_into_its_items(items, separator):
    assert cells.split_list(separator.join(items)) == [item.strip() for item in items]


# --- resident ID numbers (GB 11643) ---

@FEW
@given(number=id_numbers(), padding=st.sampled_from(["", " ", "  \t"]))
def test_an_id_number_with_its_check_digit_is_accepted_and_normalised(number, padding):
    assert registry_cells.id_number(padding + number.lower() + padding) == number


@FEW
@given(number=id_numbers(), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_digit_is_refused(number, wrong):
    assume(wrong != number[-1])
    with pytest.raises(DomainError, match="校验位"):
        registry_cells.id_number(number[:17] + wrong)


@FEW
@given(number=id_numbers(), position=st.integers(0, 16), digit=st.sampled_from("0123456789"))
def test_a_single_mistyped_digit_is_always_caught(number, position, digit):
    assume(number[position] != digit)
    with pytest.raises(DomainError):
        registry_cells.id_number(number[:position] + digit + number[position + 1:])


@FEW
@given(number=id_numbers(), position=st.integers(0, 15))
def test_two_swapped_neighbouring_digits_are_always_caught(number, position):
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    with pytest.raises(DomainError):
        registry_cells.id_number(swapped)


@pytest.mark.dates
@FEW
@given(number=id_numbers(births=st.dates(min_value=dt.date.today() + dt.timedelta(days=2),
                                         max_value=dt.date(9999, 12, 31))))
def test_an_id_number_of_someone_born_after_today_is_refused(number):
    with pytest.raises(DomainError, match="出生日期"):
        registry_cells.id_number(number)


@FEW
@given(value=st.one_of(st.text(max_size=20), id_numbers(), st.text(alphabet="0123456789Xx", min_size=18, max_size=18)))
def test_an_id_number_is_accepted_exactly_when_the_reference_rule_accepts_it(value):
    assert (not refuses(registry_cells.id_number, value)) == is_valid_id_number(value)


@FEW
@given(value=st.one_of(st.integers(), st.floats()))
def test_an_id_number_typed_as_an_excel_number_is_refused(value):
    with pytest.raises(DomainError, match="文本"):
        registry_cells.id_number(value)


# --- mobile numbers ---

@FEW
@given(value=st.one_of(st.text(max_size=14), st.text(alphabet="0123456789", min_size=10, max_size=12)))
def test_a_mobile_number_is_accepted_exactly_when_it_is_11_digits_starting_13_to_19(value):
    accepted = not refuses(registry_cells.mobile, value)
    assert accepted == bool(re.fullmatch(r"1[3-9][0-9]{9}", value.strip()) or not value.strip())


@FEW
@given(second=st.integers(3, 9), rest=st.integers(0, 10 ** 9 - 1))
def test_a_mobile_number_typed_as_an_excel_number_keeps_its_digits(second, rest):
    phone = f"1{second}{rest:09d}"
    assert registry_cells.mobile(float(phone)) == registry_cells.mobile(int(phone)) == phone


# --- area codes ---

@FEW
@given(code=area_codes())
def test_a_well_formed_area_code_is_accepted_as_text_or_number(code):
    assert registry_cells.area_code(code) == registry_cells.area_code(int(code)) == code


@FEW
@given(code=st.one_of(any_group_codes(), st.text(alphabet="0123456789", min_size=12, max_size=12)))
def test_an_accepted_area_code_has_a_parent_one_level_up(code):
    from households.models import Area

    if refuses(registry_cells.area_code, code):
        return
    level = Area.level_of(code)
    assert level == level_of_code(code)
    parent = Area.parent_code_of(code)
    if level == "province":
        assert parent is None
    else:
        assert parent is not None and code.startswith(Area.prefix_of(parent))
        order = ["province", "city", "county", "township", "village"]
        assert order.index(Area.level_of(parent)) == order.index(level) - 1, (code, parent)


@FEW
@given(value=st.text(max_size=14))
def test_an_area_code_of_other_than_twelve_digits_is_refused(value):
    assume(not re.fullmatch(r"[0-9]{12}", value.strip()))
    with pytest.raises(DomainError):
        registry_cells.area_code(value)


# --- dates, years and numbers ---

@pytest.mark.dates
@FEW
@given(day=st.dates(min_value=cells.EARLIEST, max_value=dt.date.today() + dt.timedelta(days=365)))
def test_a_date_in_range_reads_the_same_as_a_date_a_datetime_or_text(day):
    as_datetime = dt.datetime.combine(day, dt.time(0, 0))
    unpadded = f"{day.year}-{day.month}-{day.day}"
    assert cells.date(day) == cells.date(as_datetime) == cells.date(day.isoformat()) == cells.date(unpadded) == day


@pytest.mark.dates
@FEW
@given(day=st.one_of(st.dates(max_value=cells.EARLIEST - dt.timedelta(days=1)),
                     st.dates(min_value=dt.date.today() + dt.timedelta(days=368))))
def test_a_date_out_of_the_plausible_range_is_refused(day):
    with pytest.raises(DomainError, match="合理范围"):
        cells.date(day.isoformat() if day.year >= 1000 else day)


@pytest.mark.dates
@FEW
@given(year=st.integers(-10 ** 6, 10 ** 6))
def test_a_year_is_accepted_exactly_within_1980_to_five_years_ahead(year):
    accepted = not refuses(cells.year, year)
    assert accepted == (1980 <= year <= dt.date.today().year + 5)
    if accepted:
        assert cells.year(str(year)) == cells.year(float(year)) == year


@FEW
@given(number=st.integers(-(10 ** 40), 10 ** 40), minimum=st.integers(-100, 100), span=st.integers(0, 200))
def test_a_whole_number_is_read_from_any_form_and_held_to_its_bounds(number, minimum, span):
    maximum = minimum + span
    parse = lambda v: cells.whole_number(v, minimum=minimum, maximum=maximum)  # noqa: E731
    within = minimum <= number <= maximum
    for form in (number, str(number), f" {number} "):
        assert (not refuses(parse, form)) == within
    if within:
        assert parse(str(number)) == parse(float(number)) == number


@FEW
@given(value=st.one_of(st.sampled_from([float("nan"), float("inf"), float("-inf")]),
                       st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())))
def test_a_fraction_or_a_non_finite_number_is_not_a_whole_number(value):
    with pytest.raises(DomainError):
        cells.whole_number(value)


@FEW
@given(digits=st.integers(5000, 6000))
def test_a_whole_number_with_thousands_of_digits_is_refused_as_a_problem_of_the_cell(digits):
    with pytest.raises(DomainError):
        cells.whole_number("9" * digits)


# --- money ---

@FEW
@given(amount=money_amounts)
def test_an_amount_to_the_fen_reads_back_exactly_from_text_with_or_without_separators(amount):
    assert cells.money(str(amount)) == cells.money(f"{amount:,}") == cells.money(f" {amount} ") == amount
    assert cells.money(str(amount)).as_tuple().exponent == -2


@FEW
@given(value=junk)
def test_an_accepted_amount_is_never_negative_and_fits_the_ledger(value):
    if not refuses(cells.money, value):
        amount = cells.money(value)
        assert Decimal(0) <= amount < Decimal("1e10")
        assert amount.as_tuple().exponent == -2 or (cells.is_blank(value) and amount == 0)


@FEW
@given(amount=st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2))
def test_a_negative_amount_is_refused(amount):
    with pytest.raises(DomainError, match="负数"):
        cells.money(str(amount))


# --- yes / no and choices ---

@FEW
@given(value=junk)
def test_yes_no_accepts_only_its_words(value):
    words = {"是": True, "Y": True, "y": True, "yes": True, "1": True, "True": True, "TRUE": True,
             "否": False, "N": False, "n": False, "no": False, "0": False, "False": False, "FALSE": False}
    if refuses(cells.yes_no, value):
        return
    raw = cells.text(value)
    assert raw in words and cells.yes_no(value) is words[raw]


@pytest.mark.parametrize("choices", CHOICES, ids=lambda c: c.__qualname__)
@FEW
@given(data=st.data())
def test_a_choice_takes_its_chinese_label_and_nothing_else(choices, data):
    from django.utils import translation

    with translation.override(None):
        labels = {str(label): value for value, label in choices.choices}
    parse = cells.choice(choices)
    label = data.draw(st.sampled_from(sorted(labels)))
    assert parse(f" {label} ") == labels[label]
    other = data.draw(st.text(max_size=10))
    assert refuses(parse, other) == (other.strip() not in labels)
