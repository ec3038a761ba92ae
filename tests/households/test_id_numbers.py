"""Resident ID numbers (GB 11643) and mobile numbers, as every importer and form checks them."""
from datetime import date, timedelta

import pytest
import time_machine
from stdnum.cn import ric

from households.services import birth_date_and_sex, validate_id_number, validate_mobile
from shuanglian.errors import DomainError
from tests.factories import id_number


def test_a_number_with_the_right_check_digit_is_accepted():
    number = id_number(birth=date(1990, 1, 1), order=11)
    assert validate_id_number(number) == number


def test_a_lowercase_x_check_digit_is_accepted_and_stored_uppercase():
    assert validate_id_number(" 62050219900101011x ") == "62050219900101011X"


def test_a_wrong_check_digit_is_refused_and_the_message_names_the_right_one():
    good = id_number(birth=date(1990, 1, 1), order=13)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError) as refused:
        validate_id_number(wrong)
    assert f"校验位错误，应为“{good[17]}”" in refused.value.messages[0]


def test_a_birth_date_that_does_not_exist_is_refused():
    body = "620502" + "19900230" + "011"  # 30 February
    with pytest.raises(DomainError, match="出生日期无效"):
        validate_id_number(body + ric.calc_check_digit(body + "0"))


@pytest.mark.dates
def test_a_birth_date_in_the_future_is_refused():
    born = date.today() + timedelta(days=1)
    with pytest.raises(DomainError, match="出生日期晚于今天"):
        validate_id_number(id_number(birth=born))


@pytest.mark.parametrize("moment, born, accepted", [
    ("2028-02-29T23:59:00+08:00", date(2028, 2, 29), True),  # born today, Beijing time
    ("2028-02-29T23:59:00+08:00", date(2028, 3, 1), False),
    ("2028-03-01T00:01:00+08:00", date(2028, 3, 1), True),  # still 29 February in UTC
    ("2028-03-01T00:01:00+08:00", date(2028, 3, 2), False),
])
def test_the_birth_date_is_judged_by_the_day_in_china(moment, born, accepted):
    with time_machine.travel(moment, tick=False):
        if accepted:
            assert validate_id_number(id_number(birth=born)) == id_number(birth=born)
        else:
            with pytest.raises(DomainError, match="出生日期晚于今天"):
                validate_id_number(id_number(birth=born))


def test_seventeen_digits_are_refused():
    with pytest.raises(DomainError, match="应为18位"):
        validate_id_number(id_number()[:17])


def test_a_letter_inside_the_number_is_refused():
    number = id_number()
    with pytest.raises(DomainError, match="应为18位"):
        validate_id_number(number[:10] + "A" + number[11:])


def test_an_empty_number_is_refused():
    with pytest.raises(DomainError, match="不能为空"):
        validate_id_number("  ")


def test_an_elderly_villager_born_before_the_county_code_existed_is_accepted():
    # 620502 (秦州区, formerly 秦城区) was assigned in 1985; people born earlier keep it on
    # their ID card. Most heads of poor households were born before 1985.
    number = id_number(region="620502", birth=date(1948, 3, 9), order=21)
    assert validate_id_number(number) == number


def test_the_label_names_the_field_in_the_message():
    with pytest.raises(DomainError) as refused:
        validate_id_number("123", label="户主身份证号")
    assert refused.value.messages[0].startswith("户主身份证号“123”")


def test_birth_date_and_sex_of_a_man():
    assert birth_date_and_sex(id_number(birth=date(1962, 7, 15), order=13)) == (date(1962, 7, 15), "M")


def test_birth_date_and_sex_of_a_woman():
    assert birth_date_and_sex(id_number(birth=date(2008, 2, 29), order=24)) == (date(2008, 2, 29), "F")


def test_a_mobile_number_is_accepted_without_surrounding_spaces():
    assert validate_mobile(" 13912345678 ") == "13912345678"


def test_a_blank_mobile_number_is_allowed():
    assert validate_mobile("") == ""


@pytest.mark.parametrize("phone", ["1391234567", "139123456789", "12912345678", "0938-8211234", "1391234567a"])
def test_a_number_that_is_not_a_mobile_is_refused(phone):
    with pytest.raises(DomainError, match="应为11位手机号码"):
        validate_mobile(phone)


@pytest.mark.django_db
def test_the_factories_make_id_numbers_the_validator_accepts():
    from tests import factories as f

    numbers = [f.CadreFactory().id_number, f.HouseholdFactory().head_id_number, f.MemberFactory().id_number]
    assert [validate_id_number(n) for n in numbers] == numbers
