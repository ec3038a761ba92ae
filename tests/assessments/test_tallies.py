"""Paper tallies: counts, satisfaction, and the bad input the office must be told about."""
from datetime import date

import pytest

from assessments.models import Direction, Tally
from assessments.selectors import ballot_counts
from assessments.services import close_round, record_tally
from shuanglian.errors import DomainError
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def tally(target, direction=Direction.HOUSEHOLD_ON_CADRE, counts=(1, 1, 0), **kwargs):
    satisfied, basic, unsatisfied = counts
    return record_tally(year=YEAR, direction=direction, target=target, satisfied=satisfied, basic=basic,
                        unsatisfied=unsatisfied, **kwargs)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_a_tally_is_counted_with_its_satisfaction(world):
    tally(world.unit, Direction.CADRE_ON_LEADERSHIP, (2, 0, 1))
    [row] = ballot_counts(year=YEAR)
    assert (row.ballots, row.satisfied, row.basic, row.unsatisfied, str(row.satisfaction)) == (3, 2, 0, 1, "66.7")


def test_a_tally_goes_to_the_round_covering_the_target(world):
    assert tally(world.first).round == world.round


def test_a_negative_tally_is_refused(world):
    with pytest.raises(DomainError) as exc:
        tally(world.first, counts=(3, -1, 0))
    assert "不能为负数" in messages(exc) and not Tally.objects.exists()


def test_more_household_ballots_than_paired_households_are_refused(world):
    with pytest.raises(DomainError) as exc:
        tally(world.first, counts=(2, 1, 0))  # 甲 is paired with two households
    assert "超过上限" in messages(exc) and "2户" in messages(exc)


def test_as_many_household_ballots_as_paired_households_are_accepted(world):
    assert tally(world.first, counts=(1, 0, 1)).ballots == 2


def test_a_household_handed_over_before_the_year_gives_no_ballot(world):
    late = f.HouseholdPairingFactory(cadre=world.second, household=f.HouseholdFactory(village=world.village),
                                     start=date(2023, 1, 1), end=date(2024, 12, 31))
    assert late.end.year < YEAR
    with pytest.raises(DomainError):
        tally(world.second, counts=(2, 0, 0))  # only one household paired in 2025


def test_more_leadership_ballots_than_the_units_cadres_are_refused(world):
    with pytest.raises(DomainError) as exc:
        tally(world.unit, Direction.CADRE_ON_LEADERSHIP, (3, 1, 0))  # three cadres
    assert "3名干部" in messages(exc)


# --- team raters: every member of the village's 村两委 and of the unit's 班子 votes (docs/domain.md §7) ---

def with_committee(village, size, year=YEAR):
    return f.VillageYearFactory(village=village, year=year, committee_size=size)


def test_village_ballots_are_accepted_while_the_committee_size_is_unknown(world):
    assert tally(world.unit, Direction.VILLAGE_ON_UNIT, (5, 1, 1)).ballots == 7


def test_village_ballots_beyond_the_recorded_committee_size_are_refused(world):
    with_committee(world.village, 5)
    with pytest.raises(DomainError) as exc:
        tally(world.unit, Direction.VILLAGE_ON_UNIT, (5, 1, 1))
    assert "村两委成员数合计5人，选票不能超过5张" in messages(exc) and not Tally.objects.exists()


def test_as_many_village_ballots_as_committee_members_are_accepted(world):
    with_committee(world.village, 5)
    assert tally(world.unit, Direction.VILLAGE_ON_UNIT, (3, 1, 1)).ballots == 5


def test_the_committees_of_every_village_paired_in_the_year_add_up(world):
    second = f.village("620502100002", "二村")
    f.VillagePairingFactory(unit=world.unit, village=second, start=date(2025, 3, 1))
    with_committee(world.village, 5)
    with_committee(second, 4)
    with pytest.raises(DomainError) as exc:
        tally(world.unit, Direction.VILLAGE_ON_UNIT, (8, 1, 1))
    assert "合计9人" in messages(exc)
    assert tally(world.unit, Direction.VILLAGE_ON_UNIT, (7, 1, 1)).ballots == 9


def test_one_paired_village_without_a_committee_size_leaves_the_ballots_unchecked(world):
    second = f.village("620502100002", "二村")
    f.VillagePairingFactory(unit=world.unit, village=second, start=date(2025, 3, 1))
    with_committee(world.village, 3)
    with_committee(second, None)
    assert tally(world.unit, Direction.VILLAGE_ON_UNIT, (7, 0, 0)).ballots == 7


def test_a_committee_size_of_another_year_does_not_limit_this_year(world):
    with_committee(world.village, 5, year=YEAR - 1)
    assert tally(world.unit, Direction.VILLAGE_ON_UNIT, (7, 0, 0)).ballots == 7


def test_leadership_ballots_are_accepted_while_the_leadership_size_is_unknown(world):
    assert tally(world.first, Direction.UNIT_ON_CADRE, (5, 1, 1)).ballots == 7


def test_leadership_ballots_beyond_the_recorded_leadership_size_are_refused(world):
    world.unit.leadership_size = 5
    world.unit.save()
    with pytest.raises(DomainError) as exc:
        tally(world.first, Direction.UNIT_ON_CADRE, (4, 1, 1))
    assert "班子成员数5人，选票不能超过5张" in messages(exc) and not Tally.objects.exists()


def test_as_many_leadership_ballots_as_leadership_members_are_accepted(world):
    world.unit.leadership_size = 5
    world.unit.save()
    assert tally(world.first, Direction.UNIT_ON_CADRE, (4, 1, 0)).ballots == 5


def test_the_leadership_rates_only_cadres_who_pair_households(world):
    world.unit.leadership_size = 5
    world.unit.save()
    with pytest.raises(DomainError) as exc:
        tally(world.third, Direction.UNIT_ON_CADRE, (1, 0, 0))  # 丙 pairs no household
    assert "没有联村联户" in messages(exc)


def test_a_second_tally_for_the_same_target_is_refused(world):
    tally(world.first, counts=(1, 0, 0))
    with pytest.raises(DomainError) as exc:
        tally(world.first, counts=(0, 1, 0))
    assert "已有纸质票汇总" in messages(exc) and Tally.objects.get().satisfied == 1


def test_correcting_a_tally_replaces_its_counts(world):
    first = tally(world.first, counts=(1, 0, 0))
    tally(world.first, counts=(0, 2, 0), existing=first)
    assert (Tally.objects.get().satisfied, Tally.objects.get().basic) == (0, 2)


def test_a_target_without_pairings_in_the_year_is_refused(world):
    with pytest.raises(DomainError) as exc:
        tally(world.third, Direction.HOUSEHOLD_ON_CADRE, (0, 0, 0))
    assert "没有联村联户" in messages(exc)


def test_a_cadre_direction_with_a_unit_target_is_refused(world):
    with pytest.raises(DomainError):
        tally(world.unit, Direction.HOUSEHOLD_ON_CADRE)


def test_a_closed_round_refuses_tallies(world):
    close_round(rnd=world.round)
    with pytest.raises(DomainError) as exc:
        tally(world.first)
    assert "已结束" in messages(exc) and not Tally.objects.exists()
