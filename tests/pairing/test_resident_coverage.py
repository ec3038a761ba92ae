"""A village's resident work team on a date, and the poor villages without one or without a
first secretary (驻村工作队, docs/domain.md §11), on the coverage page too."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from households.models import Area
from pairing.models import Role
from pairing.selectors import (
    poor_villages_without_first_secretary,
    poor_villages_without_resident_team,
    village_resident_team,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def poor(tree):
    """秦州一村 and 秦州二村 are poor villages in 2025, and 麦积一村 in 麦积区."""
    for village in (tree.villages[0], tree.villages[1], tree.villages[2]):
        f.PoorAreaYearFactory(area=village, year=2025)
    return tree


def post(village, role="member", start=date(2025, 1, 1), end=None, name=None):
    cadre = f.CadreFactory(**({"name": name} if name else {}))
    return f.PostingFactory(cadre=cadre, village=village, role=role, start=start, end=end)


# --- a village's team --------------------------------------------------------------------------------------

def test_a_villages_team_lists_the_first_secretary_then_the_leader_then_the_members_by_name(poor):
    village = poor.villages[0]
    member_b = post(village, "member", name="王二")
    member_a = post(village, "member", name="王一")
    leader = post(village, "leader", name="丙队长")
    secretary = post(village, "first_secretary", name="丁书记")
    assert list(village_resident_team(village, TODAY)) == [secretary, leader, member_a, member_b]


def test_a_villages_team_leaves_out_postings_ended_before_or_starting_after_the_date(poor):
    village = poor.villages[0]
    post(village, end=YESTERDAY)
    post(village, start=TODAY + timedelta(days=1))
    ending_today = post(village, end=TODAY)
    assert list(village_resident_team(village, TODAY)) == [ending_today]


def test_a_villages_team_keeps_to_its_village(poor):
    post(poor.villages[1])
    assert not village_resident_team(poor.villages[0], TODAY).exists()


# --- poor villages without a team or a first secretary ---------------------------------------------------

def test_a_poor_village_where_nobody_is_posted_has_no_resident_team(poor):
    post(poor.villages[0])
    assert [v.code for v in poor_villages_without_resident_team(on=TODAY)] == [poor.villages[1].code, poor.villages[2].code]


def test_a_village_whose_only_posting_ended_yesterday_has_no_resident_team_today(poor):
    post(poor.villages[0], end=YESTERDAY)
    assert poor.villages[0] in poor_villages_without_resident_team(on=TODAY)


def test_a_village_that_is_not_poor_that_year_is_no_gap(poor):
    village = f.village("620502100003", "秦州三村")
    f.PoorAreaYearFactory(area=village, year=2024)
    assert village not in poor_villages_without_resident_team(on=TODAY)


def test_a_village_with_only_members_has_a_team_but_no_first_secretary(poor):
    post(poor.villages[0], "leader")
    post(poor.villages[1], "first_secretary")
    rows = {v.code: v.resident_team for v in poor_villages_without_first_secretary(on=TODAY)}
    assert rows == {poor.villages[0].code: True, poor.villages[2].code: False}


def test_a_first_secretary_whose_posting_starts_tomorrow_does_not_count_today(poor):
    post(poor.villages[0], "first_secretary", start=TODAY + timedelta(days=1))
    assert poor.villages[0] in poor_villages_without_first_secretary(on=TODAY)


def test_the_gaps_keep_to_the_given_areas(poor):
    within = Area.objects.subtree(poor.counties[1])
    assert [v.code for v in poor_villages_without_resident_team(on=TODAY, within=within)] == [poor.villages[2].code]
    assert [v.code for v in poor_villages_without_first_secretary(on=TODAY, within=within)] == [poor.villages[2].code]


def test_each_list_is_one_query_with_the_township(poor, django_assert_num_queries):
    with django_assert_num_queries(2):
        teams = [(v.name, v.parent.name) for v in poor_villages_without_resident_team(on=TODAY)]
        secretaries = [(v.name, v.parent.name, v.resident_team) for v in poor_villages_without_first_secretary(on=TODAY)]
    assert len(teams) == len(secretaries) == 3


# --- the coverage page ------------------------------------------------------------------------------------

@pytest.fixture
def office_client(client, poor):
    user = f.UserFactory(is_staff=True)
    f.RoleFactory(user=user, kind=Role.Kind.OFFICE, area=poor.counties[0])
    client.force_login(user)
    return client


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</table>")[0]


@time_machine.travel(datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_coverage_page_lists_the_offices_poor_villages_without_a_resident_team_with_their_count(office_client, poor):
    post(poor.villages[1], "member")
    page = office_client.get(reverse("admin:pairing-coverage")).text
    without = section(page, "villages-without-resident-team")
    assert "秦州一村" in without and "秦州二村" not in without
    assert "麦积一村" not in without  # another county's
    assert "（1）" in without


@time_machine.travel(datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_coverage_page_lists_the_offices_poor_villages_without_a_first_secretary_with_their_count(office_client, poor):
    post(poor.villages[0], "first_secretary")
    post(poor.villages[1], "member")
    page = office_client.get(reverse("admin:pairing-coverage")).text
    without = section(page, "villages-without-first-secretary")
    assert "秦州二村" in without and "秦州一村" not in without and "麦积一村" not in without
    assert "（1）" in without
