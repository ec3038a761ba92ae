"""The leaders' dashboard: an area's figures, its children worst first, households at village
level, scoped to the user and computed once per area, year and day."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates, pytest.mark.usefixtures("empty_cache")]
TODAY = timezone.localdate()


def trip(county, days_ago=3):
    visit = Visit.objects.create(cadre=county["cadre"], start=TODAY - timedelta(days=days_ago),
                                 end=TODAY - timedelta(days=days_ago))
    visit.households.set([county["household"]])


def test_a_leader_opens_the_dashboard_of_their_county(client, leader, counties):
    trip(counties["mine"], days_ago=0)  # today's trip counts this year, even on 1 January
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


# --- what the reader sees --------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_ancestors_the_reader_may_not_open_are_named_but_not_linked(client, leader, counties):
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"area": counties["mine"]["village"].code})
    crumbs = page.text.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert "甘肃省" in crumbs and "天水市" in crumbs
    assert "?area=620000000000" not in crumbs and "?area=620500000000" not in crumbs
    assert "?area=620502000000" in crumbs and "?area=620502100000" in crumbs


def test_the_administrator_may_open_every_ancestor(client, counties):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="a-Long-test-passw0rd"))
    page = client.get(reverse("dashboard"), {"area": counties["mine"]["village"].code})
    assert "?area=620000000000" in page.text and "?area=620500000000" in page.text


def test_a_villages_household_income_is_shown_to_the_fen(client, leader, counties):
    from households.models import IncomeRecord

    household = counties["mine"]["household"]
    IncomeRecord.objects.create(household=household, year=TODAY.year, resident_population=3, total_income=Decimal("4299.81"))
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"area": counties["mine"]["village"].code})
    [row] = page.context["figures"]["households"]
    assert row["income"] == "1433.27" and "→ 1433.27</td>" in page.text


def test_a_rate_with_nothing_to_count_shows_a_dash_without_a_percent_sign(client, leader, counties):
    client.force_login(leader)
    page = client.get(reverse("dashboard"), {"year": "2001"})  # nothing counted that year
    assert page.context["figures"]["summary"]["villages_covered_rate"] == ""
    assert "—%" not in page.text and "<dd>—</dd>" in page.text


def test_the_dashboard_says_until_when_its_figures_are_kept(client, leader, counties, settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    client.force_login(leader)
    with time_machine.travel(datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        text = client.get(reverse("dashboard")).text
    computed = text.split('id="computed">', 1)[1].split("</p>", 1)[0]
    assert "2025-06-10 09:00" in computed and "2025-06-10 09:10" in computed and "10分钟" not in computed


def test_warmed_dashboards_say_they_are_kept_until_midnight(client, leader, counties):
    from reports.dashboard import warm

    with time_machine.travel(datetime(2025, 6, 10, 3, 0, tzinfo=SHANGHAI), tick=False):
        warm()
        client.force_login(leader)
        text = client.get(reverse("dashboard")).text
    computed = text.split('id="computed">', 1)[1].split("</p>", 1)[0]
    assert "2025-06-10 03:00" in computed and "2025-06-11 00:00" in computed


def test_warmed_figures_leave_the_cache_at_midnight(leader, counties):
    from reports.dashboard import CACHE_VERSION, warm
    from shuanglian import freshness

    with time_machine.travel(datetime(2025, 6, 10, 3, 0, tzinfo=SHANGHAI), tick=False) as clock:
        warm()
        key = f"dashboard:{CACHE_VERSION}:620502000000:2025:2025-06-10:{freshness.generation('620502000000')}"
        clock.move_to(datetime(2025, 6, 10, 23, 59, tzinfo=SHANGHAI))
        assert cache.get(key) is not None
        clock.move_to(datetime(2025, 6, 11, 0, 0, 1, tzinfo=SHANGHAI))
        assert cache.get(key) is None


def test_the_ranking_chart_draws_only_child_areas_with_cadres_to_count(client, leader, counties):
    from tests import factories as f

    f.area("620502200000", "秦州二镇")  # no households, no cadres: no rate to draw
    client.force_login(leader)
    page = client.get(reverse("dashboard"))
    assert {c["name"] for c in page.context["figures"]["children"]} == {"秦州区一镇", "秦州二镇"}
    assert [c["name"] for c in page.context["charted"]] == ["秦州区一镇"]
    assert '"秦州二镇"' not in page.text.split('id="children-data"', 1)[1].split("</script>", 1)[0]
