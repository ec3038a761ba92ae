"""Every list of the API asks the database the same number of times however many rows it
returns (the guard against a query per row): the same growing world as the pages'
(tests/web/test_query_counts.py), read through a token as another system would."""
import pytest
from django.urls import reverse

from tests.web.conftest import empty_cache  # noqa: F401
from tests.web.test_query_counts import TODAY, World, assert_flat, clock  # noqa: F401

from .conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# (router basename, query) — every list the router serves; the computed ones need a year.
LISTS = [
    ("area", ""),
    ("village", ""),
    ("unit", ""),
    ("cadre", ""),
    ("household", ""),
    ("household-pairing", ""),
    ("village-pairing", ""),
    ("visit", ""),
    ("demand", ""),
    ("deed", ""),
    ("compliance", f"?year={TODAY.year}"),
    ("compliance", f"?year={TODAY.year}&subject=unit"),
    ("compliance", f"?year={TODAY.year}&area=620502100000"),
    ("evaluation-result", f"?year={TODAY.year}"),
    ("report", ""),
    ("poverty-line", ""),
    ("poverty-quota", ""),
    ("identification-step", ""),
    ("identification-step", f"?year={TODAY.year}&procedure=identification"),
    ("identification-objection", ""),
    ("exit-checklist", ""),
    ("typical-case", ""),
    ("lead-unit", ""),
    ("published-result", ""),
    ("household-plan", ""),
]
ROLES = ["office", "leader", "unit_admin", "cadre"]
# (basename, role) known to query once per row: the mark goes when the view is fixed.
GROWS: dict[tuple[str, str], str] = {}


@pytest.fixture
def world(counties, unit_admin):
    return World(counties, unit_admin)


def _token_of(role, world, request):
    if role == "cadre":
        return signed_in(world.mine["cadre"].user)
    if role == "unit_admin":
        return signed_in(world.unit_admin)
    return signed_in(request.getfixturevalue(role))


@pytest.mark.parametrize(("basename", "query", "role"), [
    pytest.param(basename, query, role, id=f"{basename}{query}[{role}]",
                 marks=[pytest.mark.xfail(strict=True, reason=GROWS[basename, role])] if (basename, role) in GROWS else [])
    for basename, query in LISTS for role in ROLES
])
def test_a_list_takes_as_many_queries_however_many_rows(world, request, basename, query, role):
    api = _token_of(role, world, request)
    assert_flat(api, world, reverse(f"{basename}-list") + query)


def test_the_root_takes_as_many_queries_however_many_rows(world, as_office):
    assert_flat(as_office, world, reverse("api-root"))


# Discipline (docs/domain.md §13): the world's rows bring complaints, inspections and accountability records.
DISCIPLINE_LISTS = ["complaint", "inspection", "accountability-record"]


@pytest.mark.parametrize(("basename", "role"), [pytest.param(b, r, id=f"{b}[{r}]") for b in DISCIPLINE_LISTS for r in ROLES])
def test_a_discipline_list_takes_as_many_queries_however_many_rows(world, request, basename, role):
    assert_flat(_token_of(role, world, request), world, reverse(f"{basename}-list"))


@pytest.mark.parametrize("role", ROLES)
def test_the_project_list_takes_as_many_queries_however_many_rows(counties, unit_admin, request, role):
    from tests.web.test_query_counts import PapersWorld

    world = PapersWorld(counties, unit_admin)
    assert_flat(_token_of(role, world, request), world, reverse("project-list"))


# A full page of the big lists (``page_size=1``: there is always a next page) reads one row more
# than the page and counts no further than Pages.exact_count_limit, then asks the planner (PostgreSQL):
# as many queries however many rows, below the limit and past it. The office and the leader see the
# world's every new row, so their first page is full at both sizes.
FULL_PAGES = ["household", "visit"]
AREA_ROLES = ["office", "leader"]


@pytest.mark.parametrize("past_the_limit", [False, True], ids=["exact", "estimated"])
@pytest.mark.parametrize(("basename", "role"), [pytest.param(b, r, id=f"{b}[{r}]") for b in FULL_PAGES for r in AREA_ROLES])
def test_a_full_page_takes_as_many_queries_however_many_rows(world, request, monkeypatch, basename, role,
                                                              past_the_limit):
    from shuanglian.api_params import Pages

    if past_the_limit:
        monkeypatch.setattr(Pages, "exact_count_limit", 1)
    assert_flat(_token_of(role, world, request), world, reverse(f"{basename}-list") + "?page_size=1")
