"""The API against its own OpenAPI schema (/api/schema/), fuzzed in process.

schemathesis reads the schema the WSGI app serves and, for every GET and POST operation,
generates valid and invalid path parameters, queries and bodies, signed in with the token of an
office and of a cadre. Bad input must always be a 4xx — a 5xx is a bug — and every answer the
schema documents must match it. Generated text almost never names a household or a unit that
exists, so a second set of properties draws each parameter from the keys of real rows as often
as from junk: the filters, the detail pages and the services behind the POSTs then run on real
data too, and a write either stores exactly one record or nothing.
"""
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from assessments.models import EvaluationRound
from households.models import IncomeRecord
from visits.models import Deed, Demand, Task, Visit

# Bounded: ~25 generated requests per operation and phase keeps the run within a couple of minutes.
EXAMPLES = 25
CHECKS = {
    "not_a_server_error": {"enabled": True},
    # Every operation documents its success answer and the errors 400/401/403/404.
    "status_code_conformance": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
    "content_type_conformance": {"enabled": True},
    # These replay requests with other credentials or chase created resources: not this test's job.
    "ignored_auth": {"enabled": False},
    "use_after_free": {"enabled": False},
    "ensure_resource_availability": {"enabled": False},
    "positive_data_acceptance": {"enabled": False},
    "negative_data_rejection": {"enabled": False},
    "missing_required_header": {"enabled": False},
    "unsupported_method": {"enabled": False},
}
# Loading the schema only renders it: no database is needed at collection time.
SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", WSGIHandler(),
    config=schemathesis.Config.from_dict({"checks": CHECKS, "generation": {"max-examples": EXAMPLES,
                                                                           "database": "none"}}),
).include(method=["GET", "POST"])
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def clock():
    """A fixed Monday in June: what the API accepts does not hang on the day the suite runs."""
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def in_process_requests():
    """Requests through the bare WSGI handler would close the test's database connection when
    they finish; Django's test client unhooks that handler in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(counties, in_process_requests):
    """Something in every list, so the answers' bodies are checked against the schema too."""
    mine = counties["mine"]
    cadre, household, village = mine["cadre"], mine["household"], mine["village"]
    today = timezone.localdate()
    visit = Visit.objects.create(cadre=cadre, start=today - timedelta(days=3), end=today - timedelta(days=2),
                                 tasks=["policy"], notes="入户")
    visit.households.set([household])
    Demand.objects.create(cadre=cadre, household=household, village=village, category="housing", text="房屋漏雨",
                          visit=visit)
    Deed.objects.create(cadre=cadre, household=household, village=village, on=today - timedelta(days=2),
                        category="funds", description="协调产业资金", money=Decimal("1200.50"))
    IncomeRecord.objects.create(household=household, year=today.year - 1, resident_population=3,
                                total_income=Decimal("9000"))
    EvaluationRound.objects.create(year=today.year, area_id="620502000000", opens=date(today.year, 12, 1),
                                   closes=date(today.year, 12, 31))
    return counties


def token(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


# --- schemathesis over every GET and POST operation ----------------------------------------------------

@SCHEMA.parametrize()
@FUZZ
def test_an_office_never_gets_a_server_error(case, records, office):
    case.call_and_validate(headers=token(office))


@SCHEMA.parametrize()
@FUZZ
def test_a_cadre_never_gets_a_server_error(case, records):
    case.call_and_validate(headers=token(records["mine"]["cadre"].user))


# --- real keys mixed with junk -------------------------------------------------------------------------

# What Python's str.isdigit() or int() and the databases' integers disagree about, and other edges.
EDGES = ["", "0", "-1", "true", "null", "²", "٣", "1e400", "1.5", "9" * 30, "-" + "9" * 20, "9" * 5000, "2025-02-30",
         "0001-01-01", "9999-12-31", "%", "\x00"]
junk = st.one_of(
    st.sampled_from(EDGES),
    st.text(max_size=30),
    st.integers(min_value=-(10 ** 25), max_value=10 ** 25).map(str),
    st.dates().map(str),
)


RESENT_KEYS = [str(uuid.UUID(int=n)) for n in range(3)]  # sent again and again: the first visit comes back


def real_keys(counties) -> dict[str, list]:
    mine, other = counties["mine"], counties["next"]
    today = timezone.localdate()
    return {
        "area": ["620000000000", "620500000000", "620502000000", "620502100000", mine["village"].code,
                 other["village"].code],
        "unit": [mine["unit"].code, other["unit"].code],
        "household": [mine["household"].number, other["household"].number],
        "cadre": [mine["cadre"].pk, mine["colleague"].pk, other["cadre"].pk],
        "date": [today - timedelta(days=n) for n in (0, 1, 2, 5, 40, 400)] + [today + timedelta(days=1)],
        "year": [today.year - 1, today.year, today.year + 1],
        "word": ["cadre", "unit", "registered", "exited", "rural", "village", "county", "housing", "funds", "open",
                 "true", "false", "start", "-start", "name", "code", "1", "2", "50", "500"],
    }


def query_value(keys):
    real = st.sampled_from([str(v) for values in keys.values() for v in values])
    return st.one_of(st.sampled_from(EDGES), real, junk)


def parameters_of(operation, location: str) -> list[str]:
    return [p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == location]


def path_segment(value: str) -> str:
    """A path parameter as a client sends it: percent-encoded, so that a "#" or "?" in a key is
    part of the key, not the start of a fragment or a query (RFC 3986, 3.3). schemathesis sends
    the path parameters of a case built by hand as they are."""
    return quote(value, safe="")


def user_of(counties, office, who: str):
    return office if who == "office" else counties["mine"]["cadre"].user


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), label=st.sampled_from(sorted(k for k in OPERATIONS if k.startswith("GET"))),
       who=st.sampled_from(["office", "cadre"]))
def test_real_keys_and_junk_in_any_query_or_path_never_get_a_server_error(records, office, data, label, who):
    operation = OPERATIONS[label]
    values = query_value(real_keys(records))
    query = data.draw(st.fixed_dictionaries({}, optional={name: values for name in parameters_of(operation, "query")}))
    # A path segment is never empty, "." or "..", nor holds a "/": clients cannot send those as one.
    segment = values.filter(lambda v: v.strip(" .") and "/" not in v)
    path = {name: path_segment(data.draw(segment)) for name in parameters_of(operation, "path")}
    operation.Case(path_parameters=path, query=query).call_and_validate(headers=token(user_of(records, office, who)))


@pytest.mark.parametrize("key", ["#", "H#1", "?", "a?b=1", "%23", "%"])
@pytest.mark.parametrize("label", ["GET /api/v1/households/{number}/", "GET /api/v1/units/{code}/"])
def test_a_key_holding_a_hash_or_a_question_mark_asks_for_that_record_not_the_list(records, office, label, key):
    operation = OPERATIONS[label]
    (name,) = parameters_of(operation, "path")
    response = operation.Case(path_parameters={name: path_segment(key)}).call_and_validate(headers=token(office))
    assert response.status_code == 404 and response.json()["detail"]


@st.composite
def spoiled(draw, valid: dict, fields: dict):
    """A valid body with up to two fields replaced by junk (or a real key of the wrong kind) or
    left out: many bodies stay valid, so the services' own rules run and writes succeed too."""
    body = draw(st.fixed_dictionaries(valid))
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        if draw(st.booleans()) and name in body:
            del body[name]
        else:
            body[name] = draw(fields[name])
    return body


def bodies(keys):
    today = timezone.localdate()
    recent = st.integers(0, 20).map(lambda n: today - timedelta(days=n))
    text = st.text(min_size=1, max_size=40).filter(str.strip)
    other = st.one_of(junk, st.sampled_from([str(v) for values in keys.values() for v in values]))
    mine = keys["household"][0]

    @st.composite
    def trip(draw) -> dict:  # a trip of the last three weeks, a few days long, never in the future
        start = draw(recent)
        end = min(today, start + timedelta(days=draw(st.integers(0, 2))))
        return {"start": st.just(str(start)), "end": st.just(str(end))}

    return {
        "POST /api/v1/visits/": trip().flatmap(lambda dates: spoiled(
            {"idempotency_key": st.one_of(st.uuids().map(str), st.sampled_from(RESENT_KEYS)),
             "households": st.just([mine]), "cadre": st.just(keys["cadre"][0]), "stayed": st.booleans(),
             "tasks": st.lists(st.sampled_from(Task.values), max_size=3), "notes": st.text(max_size=40), **dates},
            {"idempotency_key": other, "households": st.one_of(other, st.lists(other, max_size=3)), "cadre": other,
             "start": other, "end": other, "stayed": other, "tasks": st.lists(other, max_size=2), "notes": other})),
        "POST /api/v1/demands/": spoiled(
            {"household": st.just(mine), "category": st.sampled_from(Demand.Category.values), "text": text},
            {"household": other, "village": other, "category": other, "text": other}),
        "POST /api/v1/deeds/": spoiled(
            {"household": st.just(mine), "on": recent.map(str), "category": st.sampled_from(Deed.Category.values),
             "description": text, "money": st.decimals(min_value=0, max_value=10 ** 6, places=2).map(str),
             "people_helped": st.integers(0, 100)},
            {"household": other, "village": other, "on": other, "category": other, "description": other,
             "money": other, "people_helped": st.one_of(other, st.integers())}),
    }


STORED = {"POST /api/v1/visits/": Visit, "POST /api/v1/demands/": Demand, "POST /api/v1/deeds/": Deed}


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), label=st.sampled_from(sorted(STORED)), who=st.sampled_from(["office", "cadre"]))
def test_a_write_of_real_keys_and_junk_stores_one_record_or_none_and_never_fails(records, office, data, label, who):
    body = data.draw(bodies(real_keys(records))[label])
    model = STORED[label]
    before = model.objects.count()
    response = OPERATIONS[label].Case(body=body, media_type="application/json").call_and_validate(
        headers=token(user_of(records, office, who)))
    assert model.objects.count() - before == (1 if response.status_code == 201 else 0), response.text
