"""Reads side by side (``shuanglian.parallel.together``): on PostgreSQL outside a transaction, each
call runs on a connection of its own and every connection reads the caller's snapshot; anywhere
else the calls run in order on the caller's connection."""
import threading

import psycopg2
import pytest
from django.db import connection, transaction
from django.test import override_settings

from households.models import Area
from shuanglian.parallel import side_by_side, together

pytestmark = pytest.mark.postgres


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")


def one_value(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def backend_pid() -> int:
    return one_value("SELECT pg_backend_pid()")


def read_at_once(sql: str) -> dict:
    """``sql``'s one value as calls "a" and "b" read it, each waiting for the other: they run at once."""
    gate = threading.Barrier(2, timeout=30)

    def meet():
        gate.wait()
        return one_value(sql)

    return together({"a": meet, "b": meet})


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_outside_a_transaction_each_call_runs_on_a_connection_of_its_own(on_postgres):
    found = read_at_once("SELECT pg_backend_pid()")
    assert list(found) == ["a", "b"]
    assert len({found["a"], found["b"], backend_pid()}) == 3


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_every_call_reads_the_snapshot_taken_when_they_began(on_postgres):
    """A row committed by someone else while the calls run is seen by none of them."""
    settings = connection.settings_dict
    written = threading.Event()

    def write_elsewhere():
        other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                                 port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None)
        try:
            with other, other.cursor() as cursor:
                cursor.execute("INSERT INTO households_area (code, name, level) VALUES ('629900000000', '后来的市', 'city')")
        finally:
            other.close()
        written.set()
        return Area.objects.filter(code="629900000000").exists()

    def read_after():
        assert written.wait(timeout=30)
        return Area.objects.filter(code="629900000000").exists()

    found = together({"write": write_elsewhere, "read": read_after})
    assert found == {"write": False, "read": False}
    assert Area.objects.filter(code="629900000000").exists()  # committed all the same


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_a_failing_call_fails_the_caller(on_postgres):
    def fail():
        raise ValueError("no such figure")

    with pytest.raises(ValueError, match="no such figure"):
        together({"fine": lambda: 1, "failing": fail})
    assert not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_inside_a_transaction_the_calls_see_what_it_has_not_committed(on_postgres):
    with transaction.atomic():
        Area.objects.create(code="629800000000", name="未提交的市", level="city")
        assert not side_by_side()
        found = together({"pid": backend_pid, "seen": lambda: Area.objects.filter(code="629800000000").exists()})
        assert found == {"pid": backend_pid(), "seen": True}


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=1)
def test_one_connection_runs_the_calls_in_order_on_the_callers(on_postgres):
    order = []
    found = together({"a": lambda: order.append("a") or backend_pid(), "b": lambda: order.append("b") or backend_pid()})
    assert order == ["a", "b"] and found["a"] == found["b"] == backend_pid()


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_every_connection_runs_without_jit_compilation(on_postgres):
    # Compiling the engine's statements took longer than it saved (shuanglian/settings.py).
    assert read_at_once("SHOW jit") == {"a": "off", "b": "off"}
    assert one_value("SHOW jit") == "off"


@pytest.mark.django_db(transaction=True)
@override_settings(FIGURES_CONNECTIONS=2)
def test_side_by_side_a_call_starts_no_parallel_workers_of_its_own(on_postgres):
    assert read_at_once("SHOW max_parallel_workers_per_gather") == {"a": "0", "b": "0"}
