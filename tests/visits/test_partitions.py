"""Trips partitioned by year on PostgreSQL (migration 0011, visits/partitions.py): rows land in
their year, the idempotency key stays unique across years, the conversion of a populated table
keeps every row, and a year added later takes the trips waiting in the DEFAULT partition.
On SQLite nothing is partitioned: the tests that need PostgreSQL say so."""
import importlib
import re
import uuid
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from visits.models import AnomalyFlag, Demand, Visit
from visits.partitions import add_year, partitioned, years

pytestmark = pytest.mark.django_db

conversion = importlib.import_module("visits.migrations.0011_partition_trips_by_year")


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")


def home_of(visit: Visit) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM visits_visit WHERE id = %s", [visit.pk])
        return cursor.fetchone()[0]


def test_a_visit_is_stored_in_the_partition_of_its_start_year(postgresql):
    visit = f.VisitFactory(start=date(2025, 12, 30), end=date(2026, 1, 2))
    assert home_of(visit) == "visits_visit_y2025"


def test_a_visit_outside_the_partitioned_years_is_kept_in_the_default_partition(postgresql):
    visit = f.VisitFactory(start=date(2061, 5, 1))
    assert home_of(visit) == "visits_visit_default"


def test_a_key_stored_with_a_visit_of_one_year_is_refused_for_a_visit_of_another_year(postgresql):
    key = uuid.uuid4()
    f.VisitFactory(start=date(2025, 3, 3), idempotency_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.VisitFactory(start=date(2024, 3, 3), idempotency_key=key)


def test_a_deleted_visit_frees_its_key(postgresql):
    key = uuid.uuid4()
    f.VisitFactory(idempotency_key=key).delete()
    assert f.VisitFactory(idempotency_key=key).idempotency_key == key


def test_a_visit_moved_to_another_year_keeps_its_key_taken(postgresql):
    key = uuid.uuid4()
    visit = f.VisitFactory(start=date(2025, 3, 3), idempotency_key=key)
    Visit.objects.filter(pk=visit.pk).update(start=date(2024, 3, 3), end=date(2024, 3, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.VisitFactory(start=date(2025, 6, 1), idempotency_key=key)


def test_deleting_a_visit_deletes_its_flags_and_household_links_without_database_keys():
    visit, other = f.VisitFactory(households=[f.HouseholdFactory()]), f.VisitFactory()
    AnomalyFlag.objects.create(kind=AnomalyFlag.Kind.OVERLAP, visit=other, other=visit, day=other.start)
    pk = visit.pk
    visit.delete()
    assert not AnomalyFlag.objects.exists() and not Visit.households.through.objects.filter(visit_id=pk).exists()


def test_deleting_a_visit_keeps_its_demands_without_it():
    visit = f.VisitFactory()
    demand = f.DemandFactory(visit=visit, cadre=visit.cadre)
    visit.delete()
    demand.refresh_from_db()
    assert demand.visit_id is None


def test_converting_a_populated_table_keeps_its_rows_ids_and_keys(postgresql):
    keys = [uuid.uuid4(), None]
    stored = [f.VisitFactory(start=date(2024 + i, 5, 1), idempotency_key=k) for i, k in enumerate(keys)]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the table is altered: no foreign key check may wait
        conversion.unpartition(cursor, "visits_visit", ["idempotency_key"])
        assert not partitioned()
        conversion.partition(cursor, "visits_visit", ["idempotency_key"])
    assert partitioned() and sorted(Visit.objects.values_list("pk", "idempotency_key")) == [(v.pk, v.idempotency_key) for v in stored]
    assert f.VisitFactory().pk > stored[-1].pk  # the sequence goes on past the copied ids
    with pytest.raises(IntegrityError), transaction.atomic():
        f.VisitFactory(idempotency_key=keys[0])


def test_a_table_pointed_at_by_a_foreign_key_is_not_converted(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conversion.unpartition(cursor, "visits_visit", ["idempotency_key"])
        cursor.execute("ALTER TABLE visits_demand ADD CONSTRAINT demand_visit_fk FOREIGN KEY (visit_id) "
                       "REFERENCES visits_visit (id)")
        with pytest.raises(RuntimeError, match="foreign keys point at it"):
            conversion.partition(cursor, "visits_visit", ["idempotency_key"])


def test_a_year_added_later_takes_its_trips_from_the_default_partition(postgresql):
    visit = f.VisitFactory(start=date(2061, 5, 1), idempotency_key=uuid.uuid4())
    assert add_year("visits_visit", 2061) == 1
    assert home_of(visit) == "visits_visit_y2061" and 2061 in years("visits_visit")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.VisitFactory(start=date(2025, 1, 1), idempotency_key=visit.idempotency_key)


def keys_held() -> set:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM visits_visit_idempotency_keys")
        return set(cursor.fetchall())


def test_moving_a_years_trips_keeps_every_key_with_its_trip_and_every_other_trip_where_it_was(postgresql):
    moved = [f.VisitFactory(start=date(2062, month, 1), idempotency_key=uuid.uuid4()) for month in (3, 7)]
    stays = f.VisitFactory(start=date(2063, 1, 5), idempotency_key=uuid.uuid4())
    held = keys_held()
    assert add_year("visits_visit", 2062) == 2
    assert keys_held() == held
    assert [home_of(v) for v in moved] == ["visits_visit_y2062"] * 2 and home_of(stays) == "visits_visit_default"
    assert list(Visit.objects.filter(pk__in=[v.pk for v in moved]).order_by("pk").values_list("idempotency_key", flat=True)) \
        == [v.idempotency_key for v in moved]


def test_several_moves_in_one_transaction_each_take_their_own_trips(postgresql):
    visits = [f.VisitFactory(start=date(year, 4, 1), idempotency_key=uuid.uuid4()) for year in (2065, 2066)]
    stay = f.StayFactory(start=date(2065, 4, 1), end=date(2065, 4, 2))
    with transaction.atomic():
        moved = [add_year("visits_visit", 2065), add_year("visits_visit", 2066), add_year("visits_stay", 2065)]
    assert moved == [1, 1, 1] and [home_of(v) for v in visits] == ["visits_visit_y2065", "visits_visit_y2066"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM visits_stay WHERE id = %s", [stay.pk])
        assert cursor.fetchone()[0] == "visits_stay_y2065"


def test_the_move_needs_no_superuser_setting(postgresql):
    """Triggers are not switched off for the move (``session_replication_role`` is a superuser's)."""
    f.VisitFactory(start=date(2064, 2, 1), idempotency_key=uuid.uuid4())
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        before = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as statements:
        add_year("visits_visit", 2064)
    assert before == "origin" and not any("session_replication_role" in q["sql"] for q in statements)


def test_the_command_adds_the_missing_years_up_to_the_one_asked(postgresql):
    call_command("partition_years", "--until", "2043", stdout=None)
    assert {2041, 2042, 2043} <= set(years("visits_visit")) and 2043 in years("visits_stay")


def test_the_check_for_trips_sharing_a_day_reads_only_the_years_a_trip_of_at_most_a_year_can_reach(postgresql):
    from visits.services.anomalies import flag_anomalies

    visit = f.VisitFactory(start=date(2025, 3, 3))
    with CaptureQueriesContext(connection) as run:
        flag_anomalies(visits=[visit], villages={visit.pk: set()}, new=True)
    # The statement is prepared once per connection (shuanglian/prepared.py) with a generic plan:
    # the partitions it reads are chosen as it starts, and EXPLAIN of its EXECUTE shows those.
    [check] = [q["sql"] for q in run.captured_queries]
    assert check.startswith("EXECUTE ")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {check}")
        plan = " ".join(row[0] for row in cursor.fetchall())
    read = {int(year) for year in re.findall(r"visits_visit_y(\d{4})", plan)}
    assert read == {2024, 2025} and "visits_visit_default" not in plan


def test_on_sqlite_nothing_is_partitioned():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's case")
    assert not partitioned() and Demand._meta.get_field("visit").db_constraint is False


@pytest.mark.parametrize("table, column", [("visits_visit", "cadre_id"), ("visits_stay", "cadre_id"),
                                           ("visits_unitvisit", "unit_id"), ("visits_visit_households", "visit_id")])
def test_a_trip_tables_key_column_is_indexed_only_first_in_a_composite_index(table, column):
    """visit_by_cadre, stay_by_cadre, unit_visit_key and the links' unique pair (visit,
    household) serve every look-up by the column; a lone index of it would only cost each row
    stored one more entry (migrations 0015, 0016 and 0017)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = [c["columns"] for c in constraints.values() if (c["index"] or c["unique"]) and not c["primary_key"]]
    assert [column] not in indexed
    assert any(len(columns) > 1 and columns[0] == column for columns in indexed)
