"""Postings, stays and leave in the API (docs/domain.md §11): lists in the reader's scope with
ID numbers masked, filters by area, cadre and year, and a resident's own stay by POST with an
idempotency key, through the same service as the phone."""
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pairing.models import Leave, Posting
from visits.models import Stay

from .conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def posted(counties):
    for key in ("mine", "next"):
        c = counties[key]
        c["posting"] = Posting.objects.create(cadre=c["cadre"], village=c["village"], role="first_secretary",
                                              start=date(2025, 1, 1))
        Leave.objects.create(cadre=c["cadre"], start=date(2024, 3, 1), end=date(2024, 3, 5))
    return counties


def test_an_office_lists_the_postings_of_its_area_with_id_numbers_masked(posted, as_office):
    rows = as_office.get("/api/v1/postings/").json()["results"]
    assert [r["village"] for r in rows] == ["620502100001"]
    assert rows[0]["id_number"] != posted["mine"]["cadre"].id_number and "*" in rows[0]["id_number"]


def test_leave_is_filtered_by_year(posted, as_office):
    assert len(as_office.get("/api/v1/leaves/?year=2024").json()["results"]) == 1
    assert as_office.get("/api/v1/leaves/?year=2025").json()["results"] == []


def test_an_unknown_area_is_a_400(posted, as_office):
    assert as_office.get("/api/v1/postings/?area=620503000000").status_code == 400


def test_a_resident_posts_a_stay_once_per_key(posted):
    client, key = signed_in(posted["mine"]["cadre"].user), str(uuid.uuid4())
    body = {"idempotency_key": key, "start": "2025-06-10", "end": "2025-06-12", "note": "住村"}
    first, again = client.post("/api/v1/stays/", body, format="json"), client.post("/api/v1/stays/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Stay.objects.get().posting == posted["mine"]["posting"]


def test_a_stay_outside_any_posting_is_a_400_naming_the_rule(posted):
    Posting.objects.all().delete()
    response = signed_in(posted["mine"]["cadre"].user).post(
        "/api/v1/stays/", {"idempotency_key": str(uuid.uuid4()), "start": "2025-06-10", "end": "2025-06-12"}, format="json")
    assert response.status_code == 400 and "没有驻村任务" in response.content.decode()


def test_an_office_does_not_post_stays_by_api(posted, as_office):
    response = as_office.post("/api/v1/stays/", {"idempotency_key": str(uuid.uuid4()), "start": "2025-06-10",
                                                  "end": "2025-06-12"}, format="json")
    assert response.status_code == 403 and not Stay.objects.exists()


def test_the_area_filter_of_leave_includes_cadres_posted_to_the_area_from_elsewhere(posted, as_office):
    """The office of 秦州区 sees the leave of a 麦积区 cadre posted to one of its villages; asking
    for its own area by code must list it too, as the office's own view does."""
    Posting.objects.create(cadre=posted["next"]["cadre"], village=posted["mine"]["village"], role="member",
                           start=date(2024, 1, 1))
    listed = as_office.get("/api/v1/leaves/?area=620502000000&year=2024").json()["results"]
    unfiltered = as_office.get("/api/v1/leaves/?year=2024").json()["results"]
    assert sorted(r["cadre"] for r in listed) == sorted(r["cadre"] for r in unfiltered)
    assert posted["next"]["cadre"].pk in [r["cadre"] for r in listed]
