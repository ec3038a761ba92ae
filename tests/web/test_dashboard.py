"""The leaders' dashboard: an area's figures, its children worst first, households at village
level, scoped to the user and computed once per area, year and day."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from visits.models import Visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def trip(county, days_ago=3):
    visit = Visit.objects.create(cadre=county["cadre"], start=TODAY - timedelta(days=days_ago),
                                 end=TODAY - timedelta(days=days_ago))
    visit.households.set([county["household"]])


def test_a_leader_opens_the_dashboard_of_their_county(client, leader, counties):
    trip(counties["mine"])
    client.force_login(leader)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and "秦州区" in page.text
    figures = page.context["figures"]
    assert figures["area"]["code"] == "620502000000" and figures["summary"]["visits"] == 1
    assert figures["children"][0]["name"] == "秦州区一镇"


def test_the_dashboard_says_when_its_figures_were_computed(client, leader, counties):
    client.force_login(leader)
    assert 'id="computed"' in client.get(reverse("dashboard")).text


def test_a_village_lists_its_households_with_their_last_visit(client, leader, counties):
    trip(counties["mine"], days_ago=5)
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"area": counties["mine"]["village"].code})
    [row] = page.context["figures"]["households"]
    assert row["number"] == counties["mine"]["household"].number and row["last_visit"] == str(TODAY - timedelta(days=5))
    assert reverse("household-detail", args=[row["number"]]) in page.text


def test_the_dashboard_of_another_county_is_not_found(client, leader, counties):
    client.force_login(leader)
    assert client.get(reverse("dashboard"), {"area": "620503000000"}).status_code == 404


@pytest.mark.parametrize("area", ["nonsense", "620599000000", "' OR 1=1"])
def test_an_unknown_area_is_not_found(client, leader, counties, area):
    client.force_login(leader)
    assert client.get(reverse("dashboard"), {"area": area}).status_code == 404


@pytest.mark.parametrize("year", ["abc", "1999", "3000", "-1"])
def test_a_bad_year_falls_back_to_this_year(client, leader, counties, year):
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"year": year})
    assert page.status_code == 200 and page.context["year"] == TODAY.year


def test_cadres_and_unit_administrators_have_no_area_dashboard(client, unit_admin, counties):
    client.force_login(unit_admin)
    assert client.get(reverse("dashboard")).status_code == 403
    client.force_login(counties["mine"]["cadre"].user)
    assert client.get(reverse("dashboard")).status_code == 403


def test_figures_are_computed_once_and_then_read_from_the_cache(client, leader, counties, django_assert_max_num_queries):
    client.force_login(leader)
    client.get(reverse("dashboard"))
    trip(counties["mine"])  # a new visit shows after the cache expires, not at once
    with django_assert_max_num_queries(8):
        page = client.get(reverse("dashboard"))
    assert page.context["figures"]["summary"]["visits"] == 0


def test_the_ranked_children_put_the_worst_first(client, leader, counties):
    from tests import factories as f

    # A second township whose only cadre is on pace: the first township (behind) stays on top.
    township = f.area("620502200000", "秦州二镇")
    village = f.area("620502200001", "二镇一村")
    pairing = f.HouseholdPairingFactory(household=f.HouseholdFactory(village=village),
                                        start=TODAY.replace(month=1, day=1))
    for month in range(1, TODAY.month + 1):
        visit = Visit.objects.create(cadre=pairing.cadre, start=TODAY.replace(month=month, day=1),
                                     end=TODAY.replace(month=month, day=5))
        visit.households.set([pairing.household])
    client.force_login(leader)
    names = [c["name"] for c in client.get(reverse("dashboard")).context["figures"]["children"]]
    assert names.index("秦州区一镇") < names.index(township.name)


def test_a_villages_households_show_their_status_in_the_readers_words(client, leader, counties):
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"area": counties["mine"]["village"].code})
    assert "<td>在册</td>" in page.text and "<td>registered</td>" not in page.text


def test_the_nightly_warm_up_computes_the_dashboards_ahead(client, leader, counties, django_assert_max_num_queries):
    from reports.dashboard import warm

    assert warm() == 4  # the province, the city and both counties hold households
    client.force_login(leader)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("dashboard")).status_code == 200


def test_the_warm_up_is_scheduled_every_night():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="reports.tasks.warm_dashboards")
    assert task.enabled and task.crontab.hour == "3"
