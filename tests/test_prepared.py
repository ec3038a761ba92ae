"""Statements of our own SQL prepared once per connection on PostgreSQL (shuanglian/prepared.py),
run as they are elsewhere: the same answers either way."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shuanglian import prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT %s + 1, %s"


def run(sql=SQL, params=(41, date(2028, 2, 29))):
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        return cursor.fetchall()


def names_prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PREPARE: PostgreSQL")


def test_a_statement_gives_the_answer_of_its_text():
    (total, day), = run("SELECT CAST(%s AS integer) + 1, CAST(%s AS text)")
    assert (total, day) == (42, "2028-02-29")


def test_named_placeholders_take_their_values_by_name_however_often_named():
    rows = run("SELECT CAST(%(a)s AS integer) * 10 + CAST(%(b)s AS integer), CAST(%(a)s AS integer)", {"b": 2, "a": 3})
    assert [tuple(r) for r in rows] == [(32, 3)]


def test_a_percent_sign_of_the_text_stays_one():
    assert run("SELECT CAST(%s AS text) || '%%'", ["50"]) == [("50%",)]


def test_the_text_is_numbered_for_postgresql():
    name, text, order = prepared._numbered("SELECT %(b)s, %(a)s, %(b)s, '%%'")
    assert (text, order) == ("SELECT $1, $2, $1, '%'", ("b", "a")) and name.startswith("shuanglian_")
    assert prepared._numbered("SELECT %s, %s")[1:] == ("SELECT $1, $2", 2)


def test_named_and_positional_placeholders_do_not_mix():
    with pytest.raises(ValueError):
        prepared._numbered("SELECT %s, %(a)s")


def test_a_statement_is_prepared_once_and_then_only_executed():
    on_postgresql()
    name = prepared._numbered(SQL)[0]
    run()
    assert name in names_prepared()
    with CaptureQueriesContext(connection) as asked:
        assert run(params=(1, date(2024, 1, 1))) == [(2, "2024-01-01")]  # the second parameter is text
    assert [q["sql"].split("(")[0] for q in asked.captured_queries] == [f"EXECUTE {name}"]


def test_the_prepare_is_not_one_of_the_statements_counted():
    on_postgresql()
    sql = "SELECT %s * 3"
    with CaptureQueriesContext(connection) as asked:
        assert run(sql, [5]) == [(15,)]
    assert len(asked.captured_queries) == 1


def test_a_statement_prepared_in_a_transaction_rolled_back_still_runs():
    on_postgresql()
    sql = "SELECT %s - 1"

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        run(sql, [10])
        raise Undone
    assert run(sql, [10]) == [(9,)]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    on_postgresql()
    sql = "SELECT %s * 2"
    assert run(sql, [4]) == [(8,)]
    connection.close()
    assert prepared._numbered(sql)[0] not in names_prepared()
    assert run(sql, [4]) == [(8,)]
    assert prepared._numbered(sql)[0] in names_prepared()


def test_connections_use_generic_plans_for_what_they_prepare():
    on_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
