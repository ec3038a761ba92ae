"""A filter naming a record cannot tell whether it exists in another county: a value outside the
reader's scope and a value that exists nowhere get the same answer, status and body alike."""
import json
from datetime import date

import pytest

from households.api import AreaFilter
from shuanglian.api import CodeFilter, IdFilter
from shuanglian.api_urls import router

from .conftest import signed_in

pytestmark = pytest.mark.django_db

# Every list of the API that filters by an area code, a natural key or an id, with the filter.
FILTERED = sorted(
    (prefix, name, filter_)
    for prefix, viewset, _basename in router.registry
    if getattr(viewset, "filterset_class", None) is not None
    for name, filter_ in viewset.filterset_class.base_filters.items()
    if isinstance(filter_, (AreaFilter, CodeFilter, IdFilter)) or name == "parent"
)
# Computed lists take ``area`` by a query of their own.
COMPUTED = [("compliance", "area"), ("evaluation-results", "area")]


def values_for(filter_, name, counties) -> tuple[str, str]:
    """(a value that exists in the other county, a value that exists nowhere) for the filter."""
    other = counties["next"]
    if isinstance(filter_, AreaFilter) or name == "area":
        return other["village"].code, "620599100001"
    if name == "parent":
        return "620503100000", "620599100000"
    if isinstance(filter_, CodeFilter):
        return {"visible_units": (other["unit"].code, "U620599"),
                "visible_households": (other["household"].number, "H620599")}[filter_.visible.__name__]
    if isinstance(filter_, IdFilter) and filter_.field_name == "cadre_id":
        return str(other["cadre"].pk), str(other["cadre"].pk + 10_000)
    if isinstance(filter_, IdFilter) and filter_.field_name == "posting_id":
        from pairing.models import Posting

        posting = Posting.objects.create(cadre=other["colleague"], village=other["village"], role="member",
                                         start=date(2025, 1, 1))
        return str(posting.pk), str(posting.pk + 10_000)
    raise AssertionError(f"no values for the filter {name}: add them here")


def answer(client, path: str, value: str) -> tuple[int, str]:
    response = client.get(path)
    body = json.dumps(response.json(), ensure_ascii=False, sort_keys=True).replace(value, "<value>")
    return response.status_code, body


@pytest.fixture(params=["office", "unit_admin", "cadre"])
def reader(request, counties):
    user = counties["mine"]["cadre"].user if request.param == "cadre" else request.getfixturevalue(request.param)
    return signed_in(user)


@pytest.mark.parametrize("resource, name, filter_", FILTERED, ids=[f"{r}?{n}" for r, n, _ in FILTERED])
def test_a_filter_answers_another_countys_value_as_one_that_does_not_exist(reader, counties, resource, name, filter_):
    outside, missing = values_for(filter_, name, counties)
    assert answer(reader, f"/api/v1/{resource}/?{name}={outside}", outside) == \
        answer(reader, f"/api/v1/{resource}/?{name}={missing}", missing)


@pytest.mark.parametrize("resource, name", COMPUTED)
def test_a_computed_list_answers_another_countys_area_as_one_that_does_not_exist(reader, counties, resource, name):
    outside, missing = values_for(None, name, counties)
    year = date.today().year
    assert answer(reader, f"/api/v1/{resource}/?year={year}&{name}={outside}", outside) == \
        answer(reader, f"/api/v1/{resource}/?year={year}&{name}={missing}", missing)


def test_an_area_above_the_readers_own_still_filters(as_office, counties):
    response = as_office.get("/api/v1/households/?area=620000000000")
    assert response.status_code == 200 and [h["number"] for h in response.json()["results"]] == [
        counties["mine"]["household"].number]


def test_a_unit_of_the_readers_own_county_still_filters(as_office, counties):
    unit = counties["mine"]["unit"].code
    response = as_office.get(f"/api/v1/cadres/?unit={unit}")
    assert response.status_code == 200 and len(response.json()["results"]) == 2
