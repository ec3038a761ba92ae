"""The API reads the publicity records scoped like the pages; published results carry only names,
satisfaction and grades."""
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from publicity.services import publish_round, submit_case

from .conftest import make_round

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_case_list_is_the_readers_counties_only(office, other_office, unit_admin):
    submit_case(by=unit_admin, category="industry", title="秦州典型", text="事迹")
    mine = api_as(office).get(reverse("typical-case-list")).json()["results"]
    theirs = api_as(other_office).get(reverse("typical-case-list")).json()["results"]
    assert [c["title"] for c in mine] == ["秦州典型"] and theirs == []


def test_published_results_carry_no_id_number_nor_ballot_counts(office, world):
    publish_round(rnd=make_round(world["mine"]), by=office)
    rows = api_as(office).get(reverse("published-result-list") + "?year=2024").json()["results"]
    cadre = next(r for r in rows if r["cadre"])
    assert cadre == {"year": 2024, "area": "620502000000", "unit": None, "cadre": world["mine"]["cadre"].name,
                     "cadre_unit": world["mine"]["unit"].name, "satisfaction": "100.0", "grade": cadre["grade"]}


def test_a_year_out_of_range_is_a_bad_request(office):
    assert api_as(office).get(reverse("lead-unit-list") + "?year=99999999999999999999").status_code == 400
