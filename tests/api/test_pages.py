"""Pages of the API lists: numbered, with ``next`` found by reading one row more than the page,
and a ``count`` that is exact for short lists and the database's estimate past
``Pages.exact_count_limit`` (``count_estimated``), so no page counts a whole province."""
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from households.models import Household
from pairing.models import Role
from shuanglian.api_params import Pages
from tests import factories as f
from tests.web.conftest import area, staff

from .conftest import signed_in

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


@pytest.fixture
def five_households(counties):
    """The office's county holds five households: its own and four more in its village."""
    for _ in range(4):
        f.HouseholdFactory(village=counties["mine"]["village"])
    return counties


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_a_page_with_more_after_it_links_to_the_next(as_office, five_households):
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2").json()
    assert len(page["results"]) == 2 and query_of(page["next"]) == {"page": ["2"], "page_size": ["2"]}


def test_a_short_list_is_counted_exactly(as_office, five_households):
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2").json()
    assert (page["count"], page["count_estimated"]) == (5, False)


def test_the_last_page_has_no_next_and_links_back(as_office, five_households):
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2&page=3").json()
    assert (len(page["results"]), page["next"], page["count"]) == (1, None, 5)
    assert query_of(page["previous"]) == {"page": ["2"], "page_size": ["2"]}


def test_the_second_page_links_back_to_the_first_without_a_page_number(as_office, five_households):
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2&page=2").json()
    assert query_of(page["previous"]) == {"page_size": ["2"]}


def test_the_pages_together_hold_every_row_once(as_office, five_households):
    numbers = []
    url = f"{HOUSEHOLDS}?page_size=2"
    while url:
        page = as_office.get(url).json()
        numbers += [row["number"] for row in page["results"]]
        url = page["next"]
    assert sorted(numbers) == sorted(set(numbers)) and len(numbers) == 5


def test_page_last_is_the_last_page(as_office, five_households):
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2&page=last").json()
    assert (len(page["results"]), page["next"], page["count"], page["count_estimated"]) == (1, None, 5, False)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "²", "9999999999"])
def test_a_page_number_that_is_not_a_page_is_not_found(as_office, five_households, page):
    assert as_office.get(f"{HOUSEHOLDS}?page={page}").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an estimate is PostgreSQL's planner's")
def test_past_the_exact_count_limit_the_count_is_the_planners_estimate(as_office, five_households, monkeypatch):
    monkeypatch.setattr(Pages, "exact_count_limit", 2)
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2").json()
    # Never fewer than the rows known to exist: the page's two, the next one, and past the limit.
    assert page["count_estimated"] is True and page["count"] >= 3


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL estimates past the limit")
def test_past_the_exact_count_limit_other_databases_count_exactly(as_office, five_households, monkeypatch):
    monkeypatch.setattr(Pages, "exact_count_limit", 2)
    page = as_office.get(f"{HOUSEHOLDS}?page_size=2").json()
    assert (page["count"], page["count_estimated"]) == (5, False)


def test_the_schema_documents_the_estimated_count(as_office, counties):
    schema = as_office.get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedHouseholdList"]
    assert page["properties"]["count_estimated"]["type"] == "boolean" and "count_estimated" in page["required"]


@pytest.mark.parametrize(("ordering", "reverse"), [("", False), ("&ordering=number", False), ("&ordering=-number", True)])
def test_an_areas_households_are_listed_in_number_order(as_leader, counties, ordering, reverse):
    village = counties["mine"]["village"]
    for number in ("620502100001-0002", "620502100001-0010", "620502100001-0001"):
        f.HouseholdFactory(village=village, number=number)
    page = as_leader.get(f"{HOUSEHOLDS}?area={village.code}{ordering}").json()
    numbers = [row["number"] for row in page["results"]]
    assert len(numbers) == 4 and numbers == sorted(numbers, reverse=reverse)


@pytest.fixture
def province_leader(counties):
    return signed_in(staff("provinceleader", kind=Role.Kind.LEADER, area_id="620000000000"))


@pytest.fixture
def interleaved(counties):
    """Households of two villages of two townships and of the next county, numbered so that the
    areas' numbers interleave: an area's list in number order is not its villages one after the
    other."""
    area("620502200000", "秦州区二镇")
    second = area("620502200001", "秦州区二镇一村")
    first = counties["mine"]["village"]
    for number, village in (("H2", first), ("H5", second), ("H3", second), ("H7", first), ("H4", counties["next"]["village"])):
        f.HouseholdFactory(village=village, number=number)
    return counties


@pytest.mark.parametrize("code", ["620000000000", "620500000000", "620502000000", "620502200000", "620502200001"])
@pytest.mark.parametrize(("ordering", "reverse"), [("", False), ("&ordering=-number", True)])
def test_an_areas_households_at_every_level_are_its_own_in_number_order(province_leader, interleaved, code, ordering,
                                                                        reverse):
    page = province_leader.get(f"{HOUSEHOLDS}?area={code}{ordering}").json()
    expected = sorted(Household.objects.in_area(code).values_list("number", flat=True), reverse=reverse)
    assert [row["number"] for row in page["results"]] == expected and page["count"] == len(expected)
