"""Writing through the API: visits with an idempotency key, demands and deeds, by the same
rules as the phone pages; every bad input is a 4xx with a message, never a 500."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from visits.models import Deed, Demand, Visit

from .conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()


def trip(counties, **overrides):
    body = {"idempotency_key": str(uuid.uuid4()), "households": [counties["mine"]["household"].number],
            "start": str(TODAY - timedelta(days=2)), "end": str(TODAY - timedelta(days=1)), "tasks": ["policy"]}
    body.update(overrides)
    return body


def test_a_cadre_logs_a_visit(as_cadre, counties):
    response = as_cadre.post("/api/v1/visits/", trip(counties), format="json")
    assert response.status_code == 201 and response.json()["households"] == [counties["mine"]["household"].number]


def test_a_repeated_key_returns_the_first_visit(as_cadre, counties):
    body = trip(counties)
    first = as_cadre.post("/api/v1/visits/", body, format="json")
    again = as_cadre.post("/api/v1/visits/", {**body, "notes": "再次提交"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and Visit.objects.count() == 1


def test_a_key_used_by_someone_else_is_refused(as_cadre, counties, office):
    body = trip(counties)
    as_cadre.post("/api/v1/visits/", body, format="json")
    other = counties["next"]
    response = signed_in(other["cadre"].user).post(
        "/api/v1/visits/", {**body, "households": [other["household"].number]}, format="json")
    assert response.status_code == 400 and "idempotency_key" in response.json()


@pytest.mark.parametrize("overrides, field", [
    ({"start": str(TODAY + timedelta(days=3)), "end": str(TODAY + timedelta(days=3))}, "start"),  # the future
    ({"end": str(TODAY - timedelta(days=5))}, "end"),  # ends before it starts
    ({"start": "2025-02-30"}, "start"),  # not a date
    ({"start": "1900-01-01"}, "start"),  # out of range
    ({"households": []}, "households"),
    ({"households": ["NOPE"]}, "households"),
    ({"tasks": ["dancing"]}, "tasks"),
    ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
    ({"stayed": "perhaps"}, "stayed"),
])
def test_a_bad_visit_gets_a_400_naming_the_field(as_cadre, counties, overrides, field):
    response = as_cadre.post("/api/v1/visits/", trip(counties, **overrides), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Visit.objects.exists()


def test_a_household_of_another_cadre_is_refused(as_cadre, counties):
    response = as_cadre.post("/api/v1/visits/", trip(counties, households=[counties["next"]["household"].number]),
                             format="json")
    assert response.status_code == 400 and not Visit.objects.exists()


def test_a_leader_cannot_log_visits(as_leader, counties):
    assert as_leader.post("/api/v1/visits/", trip(counties, cadre=counties["mine"]["cadre"].pk),
                          format="json").status_code == 403


def test_an_office_enters_an_old_trip_for_a_cadre_of_its_county(as_office, counties):
    old = TODAY - timedelta(days=200)
    response = as_office.post("/api/v1/visits/", trip(counties, cadre=counties["mine"]["cadre"].pk, start=str(old),
                                                      end=str(old)), format="json")
    assert response.status_code == 201


def test_an_office_cannot_enter_a_trip_for_a_cadre_elsewhere(as_office, counties):
    response = as_office.post("/api/v1/visits/", trip(counties, cadre=counties["next"]["cadre"].pk), format="json")
    assert response.status_code == 400 and "cadre" in response.json()


def test_a_cadres_own_late_entry_is_refused(as_cadre, counties):
    old = TODAY - timedelta(days=200)
    response = as_cadre.post("/api/v1/visits/", trip(counties, start=str(old), end=str(old)), format="json")
    assert response.status_code == 400 and "start" in response.json()


def test_malformed_json_is_a_400(as_cadre, counties):
    response = as_cadre.post("/api/v1/visits/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_cadre_records_a_demand_on_a_household(as_cadre, counties):
    response = as_cadre.post("/api/v1/demands/", {"household": counties["mine"]["household"].number,
                                                  "category": "housing", "text": "屋顶漏雨"}, format="json")
    assert response.status_code == 201 and Demand.objects.get().status == "open"


@pytest.mark.parametrize("body, field", [
    ({"category": "housing", "text": "x"}, "household"),  # neither household nor village
    ({"household": "NOPE", "category": "housing", "text": "x"}, "household"),
    ({"village": "620503100001", "category": "housing", "text": "x"}, "village"),  # another county's
    ({"village": "620502100001", "category": "weather", "text": "x"}, "category"),
    ({"village": "620502100001", "category": "housing", "text": ""}, "text"),
])
def test_a_bad_demand_gets_a_400(as_cadre, counties, body, field):
    response = as_cadre.post("/api/v1/demands/", body, format="json")
    assert response.status_code == 400 and field in response.json() and not Demand.objects.exists()


def test_a_cadre_records_a_deed_in_a_village(as_cadre, counties):
    response = as_cadre.post("/api/v1/deeds/", {"village": counties["mine"]["village"].code, "on": str(TODAY),
                                                "category": "funds", "description": "修路", "money": "1200.50",
                                                "people_helped": 30}, format="json")
    assert response.status_code == 201 and str(Deed.objects.get().money) == "1200.50"


@pytest.mark.parametrize("overrides, field", [
    ({"money": "-5"}, "money"), ({"money": "lots"}, "money"), ({"people_helped": -1}, "people_helped"),
    ({"on": str(TODAY + timedelta(days=1))}, "on"), ({"on": "yesterday"}, "on"),
])
def test_a_bad_deed_gets_a_400(as_cadre, counties, overrides, field):
    body = {"village": counties["mine"]["village"].code, "on": str(TODAY), "category": "funds", "description": "修路"}
    response = as_cadre.post("/api/v1/deeds/", {**body, **overrides}, format="json")
    assert response.status_code == 400 and field in response.json() and not Deed.objects.exists()


def test_an_office_does_not_record_demands_for_cadres(as_office, counties):
    response = as_office.post("/api/v1/demands/", {"village": counties["mine"]["village"].code, "category": "housing",
                                                   "text": "x"}, format="json")
    assert response.status_code == 403


def test_read_only_resources_refuse_writes(as_office, counties):
    assert as_office.post("/api/v1/households/", {"number": "X"}, format="json").status_code == 405
    assert as_office.delete(f"/api/v1/households/{counties['mine']['household'].number}/").status_code == 405
