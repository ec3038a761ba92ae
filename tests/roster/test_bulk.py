"""The import writes in bulk: its number of queries does not grow with the number of rows."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, IncomeRecord, Member
from shuanglian.roster.engine import import_workbook
from shuanglian.scoping import EVERYTHING

from .dbstate import empty_database
from .workbooks import many_households_sheets, write_workbook

pytestmark = pytest.mark.django_db


def test_importing_two_thousand_households_and_members_takes_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries):
    path = write_workbook(tmp_path / "big.xlsx", many_households_sheets(1000, members_each=1))
    # Rows and their audit-trail records are written in batches: ~110 statements for 3,000 rows.
    with django_assert_max_num_queries(130):
        result = import_workbook(path, scope=EVERYTHING)
    assert result.ok
    assert Household.objects.count() == 1000
    assert Member.objects.count() == 2000  # heads and one member each


def test_ten_times_the_rows_take_the_same_lookups_and_only_more_bulk_insert_statements(tmp_path):
    def queries(households: int, prefix: str, first_person: int) -> tuple[int, int]:
        sheets = many_households_sheets(households, members_each=1, income_years=(2024,), prefix=prefix, first_person=first_person)
        path = write_workbook(tmp_path / f"{prefix}.xlsx", sheets)
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(path, scope=EVERYTHING).ok
        inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in captured.captured_queries)
        return len(captured) - inserts, inserts

    small_other, small_inserts = queries(100, "S", 0)
    empty_database()
    large_other, large_inserts = queries(1000, "L", 10_000)
    assert IncomeRecord.objects.filter(household__number__startswith="L").count() == 1000
    assert large_other == small_other
    # 4,000 rows (1,000 households, 2,000 members, 1,000 incomes) and their 4,000 audit-trail
    # records in multi-row INSERTs: SQLite takes ~55–75 rows a statement, PostgreSQL 2,000.
    assert large_inserts <= 8000 // 55, large_inserts


def test_a_second_import_of_many_rows_checks_them_in_bulk_too(tmp_path, django_assert_max_num_queries):
    path = write_workbook(tmp_path / "big.xlsx", many_households_sheets(1000, members_each=1, income_years=(2023,)))
    assert import_workbook(path, scope=EVERYTHING).ok
    with django_assert_max_num_queries(40):
        result = import_workbook(path, scope=EVERYTHING)
    assert result.counts["家庭成员"].unchanged == 2000
    assert result.counts["收入"].unchanged == 1000
