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


def test_the_leadership_rates_a_cadre_once(world):
    with pytest.raises(DomainError):
        tally(world.first, Direction.UNIT_ON_CADRE, (1, 1, 0))


def test_more_village_ballots_than_paired_villages_are_refused(world):
    with pytest.raises(DomainError):
        tally(world.unit, Direction.VILLAGE_ON_UNIT, (2, 0, 0))


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
