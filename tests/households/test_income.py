"""Per-capita net income (docs/domain.md §5; seed 002): net = total − five deductions; per capita = net ÷ residents."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from households.models import IncomeRecord
from households.services import record_income
from shuanglian.errors import DomainError
from tests import factories as f

D = Decimal


def unsaved(total, residents=3, **deductions) -> IncomeRecord:
    record = IncomeRecord(year=2024, total_income=D(total), resident_population=residents,
                          **{k: D(v) for k, v in deductions.items()})
    record.compute()
    return record


def test_net_income_is_total_income_less_the_five_deductions():
    record = unsaved("10000.00", operating_costs="1000.00", taxes_and_fees="200.00", depreciation="300.00",
                     survey_subsidy="100.00", gifts_outside="400.00")
    assert record.net_income == D("8000.00")


def test_per_capita_income_divides_net_income_by_the_residents():
    assert unsaved("9000.00", residents=4, operating_costs="1000.00").per_capita_income == D("2000.00")


def test_per_capita_income_is_rounded_down_to_the_fen_below_a_half():
    assert unsaved("100.00", residents=3).per_capita_income == D("33.33")


def test_per_capita_income_is_rounded_up_to_the_fen_above_a_half():
    assert unsaved("200.00", residents=3).per_capita_income == D("66.67")


def test_per_capita_income_rounds_an_exact_half_fen_up():
    # 0.10 ÷ 4 = 0.025: 四舍五入 gives 0.03 where banker's rounding would give 0.02.
    assert unsaved("0.10", residents=4).per_capita_income == D("0.03")


def test_a_negative_net_income_is_allowed_and_shared_out_per_head():
    record = unsaved("1000.00", residents=3, operating_costs="1500.00")
    assert (record.net_income, record.per_capita_income) == (D("-500.00"), D("-166.67"))


@pytest.mark.django_db
def test_saving_a_record_stores_the_computed_figures():
    record = f.IncomeRecordFactory(total_income=D("7000.00"), operating_costs=D("1000.00"), resident_population=2)
    record.refresh_from_db()
    assert (record.net_income, record.per_capita_income) == (D("6000.00"), D("3000.00"))


@pytest.mark.django_db
def test_per_capita_income_uses_the_residents_of_that_year_not_of_today():
    household = f.HouseholdFactory(resident_population=5)
    record = record_income(household=household, year=2023, total_income=D("6000.00"), resident_population=2)
    assert record.per_capita_income == D("3000.00")


@pytest.mark.django_db
def test_record_income_takes_the_households_residents_when_none_are_given():
    household = f.HouseholdFactory(resident_population=4)
    assert record_income(household=household, year=2024, total_income=D("8000.00")).per_capita_income == D("2000.00")


@pytest.mark.django_db
def test_recording_a_years_income_again_updates_the_stored_net_and_per_capita_income():
    household = f.HouseholdFactory(resident_population=2)
    record_income(household=household, year=2024, total_income=D("4000.00"))
    record_income(household=household, year=2024, total_income=D("6000.00"), operating_costs=D("1000.00"))
    stored = IncomeRecord.objects.get(household=household, year=2024)
    assert (stored.net_income, stored.per_capita_income) == (D("5000.00"), D("2500.00"))


@pytest.mark.django_db
def test_record_income_refuses_a_negative_amount_with_a_clear_message():
    household = f.HouseholdFactory()
    with pytest.raises(DomainError, match="税费支出不能为负数"):
        record_income(household=household, year=2024, total_income=D("100.00"), taxes_and_fees=D("-1.00"))
    assert not IncomeRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["total_income", *IncomeRecord.DEDUCTIONS])
def test_the_database_refuses_a_negative_income_amount(field):
    record = f.IncomeRecordFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeRecord.objects.filter(pk=record.pk).update(**{field: D("-0.01")})


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_household_and_year():
    record = f.IncomeRecordFactory(year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.IncomeRecordFactory(household=record.household, year=2024)
