"""全覆盖: every poor village has a unit, every poor household a cadre; pairings to review."""
from datetime import date, timedelta

import pytest

from households.models import Area, Household
from pairing.models import Cadre
from pairing.selectors import (
    coverage_summary,
    households_without_cadre,
    pairings_outside_unit_villages,
    poor_villages_without_unit,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 15)
YESTERDAY = TODAY - timedelta(days=1)


def test_a_household_whose_pairing_ended_yesterday_has_no_cadre_today():
    household = f.HouseholdFactory()
    f.HouseholdPairingFactory(household=household, start=date(2024, 1, 1), end=YESTERDAY)
    assert list(households_without_cadre(on=TODAY)) == [household]


def test_a_household_whose_pairing_ends_today_still_has_its_cadre_today():
    f.HouseholdPairingFactory(start=date(2024, 1, 1), end=TODAY)
    assert not households_without_cadre(on=TODAY).exists()


def test_a_household_whose_pairing_starts_tomorrow_has_no_cadre_today():
    household = f.HouseholdFactory()
    f.HouseholdPairingFactory(household=household, start=TODAY + timedelta(days=1))
    assert list(households_without_cadre(on=TODAY)) == [household]


def test_a_household_with_an_open_pairing_is_covered():
    f.HouseholdPairingFactory(start=date(2020, 1, 1))
    assert not households_without_cadre(on=TODAY).exists()


def test_exited_households_without_a_cadre_are_not_gaps():
    f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2023)
    assert not households_without_cadre(on=TODAY).exists()


def test_returned_households_without_a_cadre_are_gaps():
    household = f.HouseholdFactory(status=Household.Status.RETURNED, exit_year=2023)
    assert list(households_without_cadre(on=TODAY)) == [household]


def test_households_without_cadre_keeps_to_the_given_households(tree):
    f.HouseholdFactory(village=tree.villages[0])
    theirs = f.HouseholdFactory(village=tree.villages[2])
    assert list(households_without_cadre(on=TODAY, within=Household.objects.in_area(tree.counties[1]))) == [theirs]


def test_households_without_cadre_lists_them_with_their_villages_in_one_query(tree, django_assert_num_queries):
    for v in tree.villages:
        f.HouseholdFactory.create_batch(3, village=v)
    with django_assert_num_queries(1):
        names = [h.village.name for h in households_without_cadre(on=TODAY)]
    assert len(names) == 12


def test_only_villages_flagged_poor_that_year_count_as_poor_villages_without_unit(tree):
    f.PoorAreaYearFactory(area=tree.villages[0], year=2024)
    f.PoorAreaYearFactory(area=tree.villages[1], year=2023)
    assert list(poor_villages_without_unit(on=TODAY)) == [tree.villages[0]]


def test_a_poor_village_with_a_unit_in_force_is_covered(tree):
    f.PoorAreaYearFactory(area=tree.villages[0], year=2024)
    f.VillagePairingFactory(village=tree.villages[0], start=date(2024, 1, 1))
    assert not poor_villages_without_unit(on=TODAY).exists()


def test_a_poor_village_whose_unit_left_yesterday_is_a_gap(tree):
    f.PoorAreaYearFactory(area=tree.villages[0], year=2024)
    f.VillagePairingFactory(village=tree.villages[0], start=date(2024, 1, 1), end=YESTERDAY)
    assert list(poor_villages_without_unit(on=TODAY)) == [tree.villages[0]]


def test_a_county_flagged_poor_is_not_a_poor_village(tree):
    f.PoorAreaYearFactory(area=tree.counties[0], year=2024, kind="contiguous")
    assert not poor_villages_without_unit(on=TODAY).exists()


def test_poor_villages_without_unit_keeps_to_the_given_areas(tree):
    for v in tree.villages:
        f.PoorAreaYearFactory(area=v, year=2024)
    within = Area.objects.subtree(tree.counties[1])
    assert list(poor_villages_without_unit(on=TODAY, within=within)) == tree.villages[2:]


def test_a_pairing_in_a_village_of_the_cadres_unit_is_not_listed_for_review(tree):
    unit = f.UnitFactory()
    f.VillagePairingFactory(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    f.HouseholdPairingFactory(cadre=f.CadreFactory(unit=unit), household=f.HouseholdFactory(village=tree.villages[0]))
    assert not pairings_outside_unit_villages(on=TODAY).exists()


def test_a_pairing_outside_every_village_of_the_cadres_unit_is_listed_for_review(tree):
    unit = f.UnitFactory()
    f.VillagePairingFactory(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    outside = f.HouseholdPairingFactory(cadre=f.CadreFactory(unit=unit), household=f.HouseholdFactory(village=tree.villages[1]))
    assert list(pairings_outside_unit_villages(on=TODAY)) == [outside]


def test_a_pairing_whose_unit_has_left_the_village_is_listed_for_review(tree):
    unit = f.UnitFactory()
    f.VillagePairingFactory(unit=unit, village=tree.villages[0], start=date(2024, 1, 1), end=YESTERDAY)
    pairing = f.HouseholdPairingFactory(cadre=f.CadreFactory(unit=unit), household=f.HouseholdFactory(village=tree.villages[0]))
    assert list(pairings_outside_unit_villages(on=TODAY)) == [pairing]


def test_a_pairing_no_longer_in_force_is_not_listed_for_review(tree):
    f.HouseholdPairingFactory(household=f.HouseholdFactory(village=tree.villages[1]), end=YESTERDAY)
    assert not pairings_outside_unit_villages(on=TODAY).exists()


def test_pairings_outside_unit_villages_come_with_cadre_unit_household_and_village_in_one_query(tree, django_assert_num_queries):
    for v in tree.villages:
        f.HouseholdPairingFactory(household=f.HouseholdFactory(village=v))
    with django_assert_num_queries(1):
        rows = [(p.cadre.unit.name, p.household.village.name) for p in pairings_outside_unit_villages(on=TODAY)]
    assert len(rows) == 4


def test_coverage_summary_gives_the_headline_figures_of_a_scope(tree):
    for v in tree.villages[:3]:
        f.PoorAreaYearFactory(area=v, year=2024)
    f.VillagePairingFactory(village=tree.villages[0], start=date(2024, 1, 1))
    covered = f.HouseholdFactory(village=tree.villages[0])
    helper = f.CadreFactory(rank="other")
    f.HouseholdPairingFactory(household=covered, cadre=helper)  # quota 1: met
    f.HouseholdFactory(village=tree.villages[1])  # no cadre
    f.HouseholdFactory(village=tree.villages[1], status=Household.Status.EXITED, exit_year=2023)
    f.CadreFactory(rank="county")  # quota 2, none paired
    f.HouseholdFactory(village=tree.villages[2])  # other county: outside the scope
    f.PostingFactory(cadre=helper, village=tree.villages[1], role="member", start=date(2024, 1, 1))  # a team, no first secretary
    summary = coverage_summary(
        on=TODAY, areas=Area.objects.subtree(tree.counties[0]),
        households=Household.objects.in_area(tree.counties[0]), cadres=Cadre.objects.all(),
    )
    assert summary == {
        "poor_villages": 2,
        "poor_villages_without_unit": 1,
        "poor_households": 2,
        "households_without_cadre": 1,
        "cadres_below_quota": 1,
        "poor_villages_without_resident_team": 1,
        "poor_villages_without_first_secretary": 2,
    }


def test_coverage_summary_takes_one_query_per_figure(tree, django_assert_num_queries):
    with django_assert_num_queries(7 + 1):  # and the quota policies, read once for every cadre
        coverage_summary(on=TODAY, areas=Area.objects.all(), households=Household.objects.all(), cadres=Cadre.objects.all())
