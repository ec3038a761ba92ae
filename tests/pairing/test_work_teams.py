"""A unit's work team for a village (工作小组, docs/domain.md §11): 2–3 cadres led by one of 县处级
or above, within the unit's pairing with the village; the teams needing attention on coverage."""
from datetime import date

import pytest
from django.urls import reverse

from households.models import Area
from pairing.models import Rank, Role, VillagePairing, WorkTeamMember
from pairing.selectors import TeamGap, teams_needing_attention, village_team
from pairing.services.teams import TEAM_LEADER_RANKS, record_team_member
from shuanglian.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


@pytest.fixture
def team(tree):
    """A unit paired with 秦州一村 since 2024, a 县处级 cadre and two others of the unit."""
    unit = f.UnitFactory()
    pairing = f.VillagePairingFactory(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    return {"unit": unit, "village": tree.villages[0], "pairing": pairing,
            "head": f.CadreFactory(unit=unit, rank=Rank.COUNTY, name="处长"),
            "a": f.CadreFactory(unit=unit, rank=Rank.SECTION, name="科长"),
            "b": f.CadreFactory(unit=unit, rank=Rank.OTHER, name="科员")}


def add(team, cadre, role="member", start=date(2024, 1, 1), end=None):
    return record_team_member(unit=team["unit"], village=team["village"], cadre=team[cadre] if isinstance(cadre, str) else cadre,
                              role=role, start=start, end=end)


# --- the rules ------------------------------------------------------------------------------------------

def test_a_member_of_the_unit_joins_its_team_for_a_paired_village(team):
    member = add(team, "a")
    assert WorkTeamMember.objects.get(pk=member.pk).cadre == team["a"]


def test_a_cadre_of_another_unit_cannot_join_the_team(team):
    stranger = f.CadreFactory(name="外单位干部")
    with pytest.raises(DomainError, match="外单位干部不是该单位的干部"):
        add(team, stranger)
    assert not WorkTeamMember.objects.exists()


def test_a_membership_outside_the_units_pairing_with_the_village_is_refused(team):
    with pytest.raises(DomainError, match="该单位未联系此村"):
        add(team, "a", start=date(2023, 12, 1), end=date(2024, 2, 1))


def test_an_open_membership_is_refused_when_the_pairing_has_ended(team):
    VillagePairing.objects.filter(pk=team["pairing"].pk).update(end=date(2025, 12, 31))
    with pytest.raises(DomainError, match="该单位未联系此村"):
        add(team, "a", start=date(2025, 1, 1))


def test_a_membership_within_the_pairing_that_has_ended_is_accepted(team):
    VillagePairing.objects.filter(pk=team["pairing"].pk).update(end=date(2025, 12, 31))
    assert add(team, "a", start=date(2025, 1, 1), end=date(2025, 12, 31)).pk


def test_a_membership_ending_before_it_starts_is_refused(team):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        add(team, "a", start=date(2025, 3, 1), end=date(2025, 2, 28))


def test_a_cadre_cannot_be_twice_in_the_team_at_once(team):
    add(team, "a", start=date(2024, 1, 1), end=date(2024, 12, 31))
    with pytest.raises(DomainError, match="科长在该工作小组中2024-01-01至2024-12-31已有任职"):
        add(team, "a", start=date(2024, 12, 31))
    assert WorkTeamMember.objects.count() == 1


def test_a_cadre_may_rejoin_the_team_after_leaving_it(team):
    add(team, "a", start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert add(team, "a", start=date(2025, 1, 1)).pk


def test_the_team_has_one_leader_at_a_time(team):
    add(team, "head", role="leader")
    second = f.CadreFactory(unit=team["unit"], rank=Rank.PREFECTURE, name="副厅长")
    with pytest.raises(DomainError, match="已由处长任组长"):
        add(team, second, role="leader", start=date(2025, 1, 1))


def test_a_new_leader_takes_over_the_day_after_the_last_one_left(team):
    add(team, "head", role="leader", end=date(2024, 12, 31))
    second = f.CadreFactory(unit=team["unit"], rank=Rank.PREFECTURE)
    assert add(team, second, role="leader", start=date(2025, 1, 1)).pk


def test_a_leader_below_county_rank_is_refused(team):
    with pytest.raises(DomainError, match="组长应由县处级及以上干部担任，科长为乡科级"):
        add(team, "a", role="leader")


@pytest.mark.parametrize("rank", [Rank.PROVINCIAL, Rank.PREFECTURE, Rank.COUNTY])
def test_a_leader_of_county_rank_or_above_is_accepted(team, rank):
    assert add(team, f.CadreFactory(unit=team["unit"], rank=rank), role="leader").pk


def test_the_ranks_that_lead_a_team_are_county_rank_and_above():
    assert TEAM_LEADER_RANKS == {Rank.PROVINCIAL, Rank.PREFECTURE, Rank.COUNTY}


def test_changing_a_membership_is_checked_without_itself(team):
    member = add(team, "a", start=date(2024, 1, 1))
    changed = record_team_member(unit=team["unit"], village=team["village"], cadre=team["a"], role="member",
                                 start=date(2024, 1, 1), end=date(2025, 6, 30), member=member)
    assert WorkTeamMember.objects.get(pk=member.pk).end == changed.end == date(2025, 6, 30)


# --- the team on a date, and the teams needing attention -------------------------------------------------

def test_a_villages_team_on_a_date_holds_the_memberships_in_force(team):
    add(team, "head", role="leader")
    add(team, "a", end=date(2025, 6, 15))
    add(team, "b", start=date(2025, 6, 16))
    assert {m.cadre.name for m in village_team(village=team["village"], on=TODAY)} == {"处长", "科员"}


def gaps(**kwargs):
    return {(p.village_id, p.gap) for p in teams_needing_attention(on=TODAY, **kwargs)}


def test_a_paired_village_without_a_team_needs_one(team):
    assert gaps() == {(team["village"].code, TeamGap.MISSING)}


def test_a_team_of_one_is_too_small(team):
    add(team, "head", role="leader")
    assert gaps() == {(team["village"].code, TeamGap.TOO_FEW)}


def test_a_team_of_four_is_too_large(team):
    add(team, "head", role="leader")
    for cadre in ("a", "b", f.CadreFactory(unit=team["unit"])):
        add(team, cadre)
    assert gaps() == {(team["village"].code, TeamGap.TOO_MANY)}


def test_a_team_without_a_leader_needs_one(team):
    add(team, "a")
    add(team, "b")
    assert gaps() == {(team["village"].code, TeamGap.NO_LEADER)}


def test_a_team_led_below_county_rank_is_listed(team):
    add(team, "head", role="leader")
    add(team, "a")
    team["head"].rank = Rank.SECTION  # demoted after joining: the team now falls short
    team["head"].save()
    assert gaps() == {(team["village"].code, TeamGap.LEADER_BELOW_RANK)}


def test_a_team_of_two_or_three_led_by_a_county_rank_cadre_needs_nothing(team):
    add(team, "head", role="leader")
    add(team, "a")
    assert gaps() == set()
    add(team, "b")
    assert gaps() == set()


def test_members_who_left_do_not_count(team):
    add(team, "head", role="leader")
    add(team, "a", end=date(2025, 6, 15))
    assert gaps() == {(team["village"].code, TeamGap.TOO_FEW)}


def test_a_village_whose_pairing_has_ended_needs_no_team(team):
    VillagePairing.objects.filter(pk=team["pairing"].pk).update(end=date(2025, 6, 15))
    assert gaps() == set()


def test_each_unit_paired_with_a_village_keeps_its_own_team(team):
    add(team, "head", role="leader")
    add(team, "a")
    other = f.VillagePairingFactory(village=team["village"], start=date(2024, 1, 1))
    assert {(p.unit_id, p.gap) for p in teams_needing_attention(on=TODAY)} == {(other.unit_id, TeamGap.MISSING)}


def test_teams_needing_attention_keep_to_the_given_pairings(team, tree):
    f.VillagePairingFactory(village=tree.villages[2], start=date(2024, 1, 1))
    mine = VillagePairing.objects.filter(village__in=Area.objects.subtree(tree.counties[0]))
    assert gaps(within=mine) == {(team["village"].code, TeamGap.MISSING)}


def test_teams_needing_attention_are_found_in_one_query(team, tree, django_assert_num_queries):
    for village in tree.villages[1:]:
        f.VillagePairingFactory(village=village, start=date(2024, 1, 1))
    add(team, "head", role="leader")
    with django_assert_num_queries(1):
        rows = [(p.unit.name, p.village.parent.name, p.members, p.gap) for p in teams_needing_attention(on=TODAY)]
    assert len(rows) == 4


# --- the coverage page ------------------------------------------------------------------------------------

def test_the_coverage_page_lists_the_offices_villages_whose_team_needs_attention(client, team, tree):
    add(team, "a")
    add(team, "b")
    f.VillagePairingFactory(village=tree.villages[2], start=date(2024, 1, 1))  # 麦积区: not the office's
    user = f.UserFactory(is_staff=True)
    f.RoleFactory(user=user, kind=Role.Kind.OFFICE, area=tree.counties[0])
    client.force_login(user)
    page = client.get(reverse("admin:pairing-coverage")).text
    section = page.split('id="teams-needing-attention"')[1].split("</table>")[0]
    assert "秦州一村" in section and str(TeamGap.NO_LEADER.label) in section
    assert "麦积一村" not in section
