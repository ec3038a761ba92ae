"""visits.locks owns the month-lock rule and asks registered sources which months are locked."""
from datetime import date
from types import SimpleNamespace

import pytest

from shuanglian.errors import DomainError
from visits import locks


@pytest.fixture
def only(monkeypatch):
    """Replace the registered sources (the reports app's) with the test's own."""
    monkeypatch.setattr(locks, "_sources", [])
    monkeypatch.setattr(locks, "_sql_of", {})
    monkeypatch.setattr(locks, "_joined_sql", "")

    def only(*sources, sql=None):
        for source in sources:
            locks.register_lock_source(source, sql=(sql or {}).get(source))
    return only


UNIT = SimpleNamespace(pk=7, name="农业局")


def test_with_no_source_registered_no_month_is_locked(only):
    only()
    assert locks.locked_months(unit_ids=[7]) == set()
    locks.check_month_open(unit=UNIT, start=date(2025, 3, 1), end=date(2025, 3, 31))


def test_a_trip_touching_a_locked_month_is_refused_naming_the_month(only):
    only(lambda ids: {(7, date(2025, 4, 1))}, lambda ids: {(8, date(2025, 3, 1))})
    with pytest.raises(DomainError, match="农业局2025年4月的月报已审核通过并锁定"):
        locks.check_month_open(unit=UNIT, start=date(2025, 3, 30), end=date(2025, 4, 2))
    locks.check_month_open(unit=UNIT, start=date(2025, 3, 1), end=date(2025, 3, 5))


def test_every_source_is_asked_and_their_answers_joined(only):
    only(lambda ids: {(i, date(2025, 1, 1)) for i in ids}, lambda ids: {(7, date(2025, 2, 1))})
    assert locks.locked_months(unit_ids=[7, 7]) == {(7, date(2025, 1, 1)), (7, date(2025, 2, 1))}


def test_the_months_a_trip_touches():
    assert locks.months_of(date(2024, 12, 30), date(2025, 2, 1)) == [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_no_source_locks_nothing_in_sql_either(only):
    only()
    assert locks.lock_sql() == ""


def test_the_sources_months_are_one_select_when_every_source_gives_sql(only):
    first, second = (lambda ids: set()), (lambda ids: set())
    only(first, second, sql={first: "SELECT 1 AS unit_id, DATE '2025-01-01' AS month",
                             second: "SELECT 2 AS unit_id, DATE '2025-02-01' AS month"})
    assert locks.lock_sql() == ("SELECT unit_id, month FROM (SELECT 1 AS unit_id, DATE '2025-01-01' AS month) s0"
                                " UNION ALL SELECT unit_id, month FROM (SELECT 2 AS unit_id, DATE '2025-02-01' AS month) s1")


def test_a_source_without_sql_leaves_the_lock_to_be_asked_apart(only):
    with_sql, without = (lambda ids: set()), (lambda ids: set())
    only(with_sql, without, sql={with_sql: "SELECT 1 AS unit_id, DATE '2025-01-01' AS month"})
    assert locks.lock_sql() is None
