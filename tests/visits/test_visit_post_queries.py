"""Logging a visit asks the database a fixed number of times, whatever the households named:
the phone's form and the API each pinned to an exact count, the same for one household as for
two (docs/domain.md §6; BENCHMARKS.md, visit logging). A new query on this path shows here."""
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household, Member
from pairing.models import HouseholdPairing
from tests.api.conftest import signed_in
from tests.web.conftest import counties  # noqa: F401
from visits.models import AnomalyFlag, Visit
from visits.selectors import trip_facts

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2025, 6, 12)

# session, user, role and cadre with its unit (one statement), then one statement for the
# policy, the pairing spans, the key, the month lock and the households named (by id, as the
# form sends them), then inside a savepoint (the test's transaction) the visit, its audit
# record and its households — one statement on PostgreSQL, three on SQLite —, and the look
# for trips of the same cadre sharing a day: on PostgreSQL made by the write's own statement.
WRITES = 1 if connection.vendor == "postgresql" else 3
LOOKS = 0 if connection.vendor == "postgresql" else 1
PHONE_QUERIES = 6 + WRITES + LOOKS
# token with its user, role and cadre, the households by number, the same facts and writes,
# and the households of the visit for the answer.
API_QUERIES = 7 + WRITES + LOOKS


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mine(counties):
    mine = counties["mine"]
    second = Household.objects.create(number="H620502B", village=mine["village"], head_name="秦州区二户",
                                      head_id_number="620502197001020011", kind="rural", resident_population=2)
    Member.objects.create(household=second, id_number=second.head_id_number, name=second.head_name, relation="户主")
    HouseholdPairing.objects.create(cadre=mine["cadre"], household=second, start=date(2024, 1, 1))
    return {**mine, "households": [mine["household"], second]}


def phone_body(households, day=DAY) -> dict:
    return {"households": [h.pk for h in households], "start": day.isoformat(), "end": day.isoformat(),
            "tasks": ["policy"], "help_given": "", "notes": "了解家庭收入", "key": str(uuid.uuid4())}


def api_body(households, day=DAY) -> dict:
    return {"idempotency_key": str(uuid.uuid4()), "households": [h.number for h in households],
            "start": day.isoformat(), "end": day.isoformat(), "tasks": ["policy"], "notes": "了解家庭收入"}


@pytest.mark.parametrize("named", [1, 2])
def test_the_phone_form_logs_a_visit_in_a_fixed_number_of_queries(client, mine, django_assert_num_queries, named):
    client.force_login(mine["cadre"].user)
    with django_assert_num_queries(PHONE_QUERIES):
        response = client.post(reverse("visits-log"), phone_body(mine["households"][:named]))
    assert response.status_code == 302
    assert Visit.objects.get().households.count() == named


@pytest.mark.parametrize("named", [1, 2])
def test_the_api_logs_a_visit_in_a_fixed_number_of_queries(mine, django_assert_num_queries, named):
    api = signed_in(mine["cadre"].user)
    with django_assert_num_queries(API_QUERIES):
        response = api.post(reverse("visit-list"), api_body(mine["households"][:named]), format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["households"]) == sorted(h.number for h in mine["households"][:named])


def server_text(sql: str) -> str:
    """A statement's text; for one prepared once per connection (shuanglian/prepared.py, sent as
    ``EXECUTE name(…)``), the text PostgreSQL prepared, its placeholders numbered."""
    if not sql.startswith("EXECUTE "):
        return sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s",
                       [sql.removeprefix("EXECUTE ").split("(")[0]])
        return cursor.fetchone()[0].split(" AS ", 1)[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_visit_is_written_in_one_statement_without_a_savepoint(client, mine):
    if connection.vendor != "postgresql":
        pytest.skip("one statement of data-modifying CTEs: PostgreSQL")
    client.force_login(mine["cadre"].user)
    with CaptureQueriesContext(connection) as asked:
        response = client.post(reverse("visits-log"), phone_body(mine["households"]))
    assert response.status_code == 302
    statements = [server_text(q["sql"]) for q in asked.captured_queries]
    assert len(statements) == PHONE_QUERIES - 2  # no SAVEPOINT, no RELEASE
    assert [s for s in statements if "INSERT" in s] == [s for s in statements if s.startswith("WITH new AS (INSERT")]
    assert len([s for s in statements if "INSERT" in s]) == 1
    visit = Visit.objects.get()
    assert (visit.history.count(), visit.households.count()) == (1, 2)


def test_a_household_never_paired_with_the_cadre_is_refused_with_a_message(client, mine, counties):
    client.force_login(mine["cadre"].user)
    page = client.post(reverse("visits-log"), phone_body([counties["next"]["household"]]))
    assert page.status_code == 200 and "所选农户不是您的联系户" in page.text
    assert not Visit.objects.exists()


def test_no_household_by_id_is_reported_with_the_trips_other_errors(mine):
    from shuanglian.errors import DomainError
    from visits.services.trips import log_visit

    with pytest.raises(DomainError) as refused:
        log_visit(cadre=mine["cadre"], household_ids=[], start=DAY, end=DAY - timedelta(days=1), key=uuid.uuid4())
    errors = refused.value.message_dict
    assert errors["households"] == ["请至少选择一户联系户。"] and "end" in errors
    assert not Visit.objects.exists()


def test_a_trip_sharing_a_day_with_another_is_still_flagged(client, mine):
    client.force_login(mine["cadre"].user)
    for households in (mine["households"][:1], mine["households"][1:]):
        assert client.post(reverse("visits-log"), phone_body(households)).status_code == 302
    first, second = Visit.objects.order_by("pk")
    assert AnomalyFlag.objects.filter(kind=AnomalyFlag.Kind.OVERLAP, visit=first, other=second, day=DAY).exists()


def test_a_resent_form_stores_nothing_twice(client, mine):
    client.force_login(mine["cadre"].user)
    body = phone_body(mine["households"])
    for _ in range(2):
        assert client.post(reverse("visits-log"), body).status_code == 302
    assert Visit.objects.count() == 1


def test_the_audit_trail_records_who_logged_the_visit(client, mine):
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), phone_body(mine["households"]))
    record = Visit.history.get()
    assert (record.history_type, record.history_user_id) == ("+", mine["cadre"].user.pk)


def test_the_audit_record_holds_every_value_the_visit_was_stored_with(client, mine):
    client.force_login(mine["cadre"].user)
    body = {**phone_body(mine["households"]), "stayed": "on", "tasks": ["policy", "opinion"], "help_given": "修水渠",
            "latitude": "34.5809", "longitude": "105.7249", "accuracy": "12"}
    assert client.post(reverse("visits-log"), body).status_code == 302
    visit, record = Visit.objects.get(), Visit.history.get()
    tracked = [f.attname for f in Visit._meta.concrete_fields]
    assert {name: getattr(record, name) for name in tracked} == {name: getattr(visit, name) for name in tracked}
    assert (record.history_date, record.history_change_reason) == (NOW, "")
    assert sorted(visit.households.values_list("pk", flat=True)) == sorted(h.pk for h in mine["households"])
    assert (visit.created_at, visit.created_by, str(visit.idempotency_key)) == (NOW, mine["cadre"].user, body["key"])



def test_a_used_key_is_found_in_the_keys_table_not_in_every_year_of_trips(client, mine):
    client.force_login(mine["cadre"].user)
    body = phone_body(mine["households"][:1])
    assert client.post(reverse("visits-log"), body).status_code == 302
    visit, cadre = Visit.objects.get(), mine["cadre"]
    with CaptureQueriesContext(connection) as read:
        facts = trip_facts(cadre_id=cadre.pk, area_code=cadre.unit.area_id, year=DAY.year,
                           household_ids=[mine["household"].pk], key=uuid.UUID(body["key"]))
    assert facts.keyed == visit.pk
    assert trip_facts(cadre_id=cadre.pk, area_code=cadre.unit.area_id, year=DAY.year,
                      household_ids=[mine["household"].pk], key=uuid.uuid4()).keyed is None
    statement = read.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":  # the keys table of migration 0011, filled by its trigger
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM visits_visit_idempotency_keys WHERE idempotency_key = %s", [body["key"]])
            assert cursor.fetchone() == (visit.pk,)
        statement = server_text(statement)
        assert 'JOIN "visits_visit_idempotency_keys" k' in statement
    else:
        assert 'JOIN "visits_visit" k' in statement


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_trips_of_a_cadre_written_at_once_the_second_sees_the_first(mine):
    """The write finds the trips sharing a day in its own statement: a trip written while
    another of the same cadre is not yet committed waits for it, and flags the overlap."""
    if connection.vendor != "postgresql":
        pytest.skip("the write's own look for trips sharing a day: PostgreSQL")
    import threading

    from django.db import connections, transaction

    from visits.services.trips import log_visit_once

    cadre, (first, second) = mine["cadre"], mine["households"]
    written, finished = threading.Event(), {}

    def log(household):
        return log_visit_once(cadre=cadre, households=[household], start=DAY, end=DAY, key=uuid.uuid4(),
                              by=cadre.user)[0]

    def second_trip():
        written.wait(10)
        try:
            finished["second"] = log(second)
        finally:
            connections.close_all()

    racing = threading.Thread(target=second_trip)
    racing.start()
    with transaction.atomic():
        finished["first"] = log(first)
        written.set()
        racing.join(0.5)  # the second trip waits for this one to commit
        assert racing.is_alive()
    racing.join(10)
    flagged = AnomalyFlag.objects.filter(kind=AnomalyFlag.Kind.OVERLAP)
    assert list(flagged.values_list("visit_id", "other_id", "day")) == [
        (finished["first"].pk, finished["second"].pk, DAY)]


@pytest.mark.postgres
def test_one_prepared_statement_reads_the_facts_of_trips_naming_any_number_of_households(mine):
    if connection.vendor != "postgresql":
        pytest.skip("statements prepared once per connection: PostgreSQL")
    cadre, households = mine["cadre"], mine["households"]
    with CaptureQueriesContext(connection) as read:
        for named in ([], households[:1], households, [*households, households[0]]):
            facts = trip_facts(cadre_id=cadre.pk, area_code=cadre.unit.area_id, year=DAY.year,
                               household_ids=[h.pk for h in named])
            assert set(facts.spans) == {h.pk for h in named}
    statements = {q["sql"].split("(")[0] for q in read.captured_queries}
    assert len(read.captured_queries) == 4 and len(statements) == 1
    assert next(iter(statements)).startswith("EXECUTE ")
