"""A new object, its historical record and its many-to-many links in one statement on
PostgreSQL (``audit.create_with_history``, the path of a trip logged from the phone), one
INSERT each elsewhere: the same rows either way, and on a refused write none of them."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from shuanglian import audit
from tests import factories as f
from visits.models import Visit

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def new_trip(pairing, key=None) -> Visit:
    return Visit(cadre=pairing.cadre, start=date(2025, 6, 12), end=date(2025, 6, 13), tasks=["policy", "opinion"],
                 notes="走访'农户'\t\\", idempotency_key=key or uuid.uuid4())


@pytest.fixture
def two_households():
    first = f.HouseholdPairingFactory(start=date(2024, 1, 1))
    second = f.HouseholdPairingFactory(cadre=first.cadre, start=date(2024, 1, 1))
    return first, [first.household_id, second.household_id]


def test_the_object_its_record_and_its_links_are_stored_with_the_values_given(two_households):
    pairing, households = two_households
    trip = new_trip(pairing)
    with time_machine.travel(NOW, tick=False):
        audit.create_with_history(trip, related={"households": households})
    stored, record = Visit.objects.get(), Visit.history.get()
    assert trip.pk == stored.pk and not trip._state.adding
    assert (stored.notes, stored.tasks, stored.created_at) == ("走访'农户'\t\\", ["policy", "opinion"], NOW)
    assert sorted(stored.households.values_list("pk", flat=True)) == sorted(households)
    tracked = [field.attname for field in Visit._meta.concrete_fields]
    assert {name: getattr(record, name) for name in tracked} == {name: getattr(stored, name) for name in tracked}
    assert (record.history_type, record.history_date, record.history_change_reason, record.history_user_id) == (
        "+", NOW, "", None)


def test_on_postgresql_it_is_one_statement(two_households):
    if connection.vendor != "postgresql":
        pytest.skip("data-modifying CTEs: PostgreSQL")
    pairing, households = two_households
    with CaptureQueriesContext(connection) as asked:
        audit.create_with_history(new_trip(pairing), related={"households": households})
    assert len(asked.captured_queries) == 1


def test_a_refused_object_leaves_no_record_and_no_link(two_households):
    pairing, households = two_households
    key = uuid.uuid4()
    audit.create_with_history(new_trip(pairing, key), related={"households": households[:1]})
    with pytest.raises(IntegrityError), transaction.atomic():
        audit.create_with_history(new_trip(pairing, key), related={"households": households})
    assert (Visit.objects.count(), Visit.history.count(), Visit.households.through.objects.count()) == (1, 1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_statement_alone_is_atomic(two_households):
    if connection.vendor != "postgresql":
        pytest.skip("one statement on its own: PostgreSQL")
    pairing, households = two_households
    key = uuid.uuid4()
    audit.create_with_history(new_trip(pairing, key), related={"households": households[:1]})
    assert not connection.in_atomic_block
    with pytest.raises(IntegrityError):
        audit.create_with_history(new_trip(pairing, key), related={"households": households})
    assert (Visit.objects.count(), Visit.history.count(), Visit.households.through.objects.count()) == (1, 1, 1)


def test_a_user_named_on_the_object_is_the_records_user(two_households):
    pairing, households = two_households
    trip, clerk = new_trip(pairing), f.UserFactory()
    trip._history_user = clerk
    audit.create_with_history(trip, related={"households": households})
    assert Visit.history.get().history_user_id == clerk.pk
