"""A unit trip names its leader, who must be on the unit's work team for the village during
the trip (工作小组, docs/domain.md §11); a unit with no team recorded there is not refused."""
from datetime import date

import pytest

from pairing.models import Rank
from pairing.services.teams import record_team_member
from shuanglian.errors import DomainError
from tests import factories as f
from visits.services.trips import check_unit_visit, unit_visit_errors

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


@pytest.fixture
def unit_team(tree):
    """A unit paired with 秦州一村, its team led by 处长 from 2025 on; 科长 is of the unit but not on it."""
    unit = f.UnitFactory()
    f.VillagePairingFactory(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    head = f.CadreFactory(unit=unit, rank=Rank.COUNTY, name="处长")
    record_team_member(unit=unit, village=tree.villages[0], cadre=head, role="leader", start=date(2025, 1, 1))
    return {"unit": unit, "village": tree.villages[0], "head": head, "outsider": f.CadreFactory(unit=unit, name="科长")}


def check(t, leader, start=date(2025, 6, 2), end=date(2025, 6, 3)):
    check_unit_visit(unit=t["unit"], village=t["village"], start=start, end=end, people=2, leader=leader, today=TODAY)


def test_a_trip_led_by_a_member_of_the_team_is_accepted(unit_team):
    check(unit_team, unit_team["head"])


def test_a_trip_led_by_a_cadre_not_on_the_team_is_refused_naming_the_cadre(unit_team):
    with pytest.raises(DomainError, match="带队干部科长在进村期间不是该单位在此村工作小组的成员") as refused:
        check(unit_team, unit_team["outsider"])
    assert "leader" in refused.value.message_dict


def test_a_trip_without_a_named_leader_is_not_checked_against_the_team(unit_team):
    check(unit_team, None)


def test_a_trip_before_the_team_was_recorded_is_not_refused_for_its_leader(unit_team):
    check(unit_team, unit_team["outsider"], start=date(2024, 6, 2), end=date(2024, 6, 3))


def test_a_trip_of_a_unit_with_no_team_in_the_village_is_not_refused_for_its_leader(tree):
    unit = f.UnitFactory()
    f.VillagePairingFactory(unit=unit, village=tree.villages[1], start=date(2024, 1, 1))
    check({"unit": unit, "village": tree.villages[1]}, f.CadreFactory(unit=unit))


def test_a_leader_who_left_the_team_during_the_trip_is_refused():
    team = [("A", date(2025, 1, 1), date(2025, 6, 2)), ("B", date(2025, 6, 3), None)]
    errors = unit_visit_errors(start=date(2025, 6, 2), end=date(2025, 6, 3), today=TODAY, policy=None, people=1,
                               spans=[(date(2024, 1, 1), None)], leader="A", leader_name="甲", team=team)
    assert errors == {"leader": ["带队干部甲在进村期间不是该单位在此村工作小组的成员。"]}
