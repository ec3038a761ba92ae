"""How many households each cadre must pair (docs/domain.md §4), and who is below it."""
from datetime import date, timedelta

import pytest

from pairing.models import Cadre, Category, QuotaPolicy, Rank
from pairing.selectors import cadre_quota_status, cadres_below_quota
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 15)
PROVINCE_RULE = {Rank.PROVINCIAL: 5, Rank.PREFECTURE: 3, Rank.COUNTY: 2, Rank.SECTION: 1, Rank.OTHER: 1}


def status_of(cadre):
    return cadre_quota_status(on=TODAY).get(pk=cadre.pk)


def pair(cadre, n, **kwargs):
    for _ in range(n):
        f.HouseholdPairingFactory(cadre=cadre, **kwargs)


def test_the_province_rule_is_loaded_by_the_data_migration():
    defaults = dict(QuotaPolicy.objects.filter(area=None).values_list("rank", "min_households"))
    assert defaults == PROVINCE_RULE


@pytest.mark.parametrize("rank, quota", PROVINCE_RULE.items())
def test_a_cadres_quota_is_the_province_default_for_their_rank(rank, quota):
    assert status_of(f.CadreFactory(rank=rank)).quota == quota


def test_only_pairings_in_force_on_the_day_count_towards_the_quota():
    cadre = f.CadreFactory(rank=Rank.PREFECTURE)
    pair(cadre, 1, start=date(2024, 1, 1))
    pair(cadre, 1, start=date(2023, 1, 1), end=TODAY - timedelta(days=1))
    pair(cadre, 1, start=TODAY + timedelta(days=1))
    row = status_of(cadre)
    assert (row.households, row.quota, row.shortfall) == (1, 3, 2)


def test_a_county_policy_overrides_the_province_default_for_cadres_of_units_in_that_county(tree):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    here = f.CadreFactory(unit=f.UnitFactory(area=tree.counties[0]))
    assert status_of(here).quota == 3


def test_a_county_policy_does_not_reach_cadres_of_the_neighbouring_county(tree):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    there = f.CadreFactory(unit=f.UnitFactory(area=tree.counties[1]))
    assert status_of(there).quota == 1


def test_a_county_policy_applies_to_units_seated_below_the_county(tree):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    township_cadre = f.CadreFactory(unit=f.UnitFactory(area=tree.townships[0], level="township"))
    assert status_of(township_cadre).quota == 3


def test_a_county_policy_for_one_rank_leaves_the_other_ranks_at_the_default(tree):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    section = f.CadreFactory(rank=Rank.SECTION, unit=f.UnitFactory(area=tree.counties[0]))
    assert status_of(section).quota == 1


def test_the_most_specific_area_policy_wins(tree):
    QuotaPolicy.objects.create(area=tree.city, rank=Rank.OTHER, min_households=4)
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=2)
    in_county = f.CadreFactory(unit=f.UnitFactory(area=tree.counties[0]))
    elsewhere_in_city = f.CadreFactory(unit=f.UnitFactory(area=tree.counties[1]))
    assert (status_of(in_county).quota, status_of(elsewhere_in_city).quota) == (2, 4)


def test_a_province_unit_keeps_the_province_default_whatever_its_villages(tree):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    provincial = f.CadreFactory(unit=f.UnitFactory(area=tree.province, level="province"))
    assert status_of(provincial).quota == 1


@pytest.mark.parametrize("category", [Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE])
def test_cadres_who_pair_no_households_have_no_quota(category):
    cadre = f.CadreFactory(category=category)
    assert not cadre_quota_status(on=TODAY).filter(pk=cadre.pk).exists()
    assert not cadres_below_quota(on=TODAY).filter(pk=cadre.pk).exists()


def test_logistics_staff_have_a_quota():
    assert status_of(f.CadreFactory(category=Category.LOGISTICS)).quota == 1


def test_cadres_below_quota_lists_the_largest_shortfall_first_and_leaves_out_those_who_meet_it():
    prefecture = f.CadreFactory(rank=Rank.PREFECTURE)  # 3, has 1 → short 2
    pair(prefecture, 1)
    county = f.CadreFactory(rank=Rank.COUNTY)  # 2, has 1 → short 1
    pair(county, 1)
    met = f.CadreFactory(rank=Rank.COUNTY)  # 2, has 2
    pair(met, 2)
    rows = [(c.pk, c.shortfall) for c in cadres_below_quota(on=TODAY)]
    assert rows == [(prefecture.pk, 2), (county.pk, 1)]


def test_a_cadre_above_quota_is_not_below_it():
    cadre = f.CadreFactory(rank=Rank.OTHER)
    pair(cadre, 3)
    assert status_of(cadre).shortfall == -2
    assert not cadres_below_quota(on=TODAY).exists()


def test_cadres_below_quota_keeps_to_the_given_cadres(tree):
    f.CadreFactory(unit=f.UnitFactory(area=tree.counties[0]))
    theirs = f.CadreFactory(unit=f.UnitFactory(area=tree.counties[1]))
    within = Cadre.objects.filter(unit__area__code__startswith="620503")
    assert list(cadres_below_quota(on=TODAY, within=within)) == [theirs]


def test_quota_status_of_many_cadres_with_their_units_takes_the_policies_and_one_query(tree, django_assert_num_queries):
    QuotaPolicy.objects.create(area=tree.counties[0], rank=Rank.OTHER, min_households=3)
    for area in tree.counties:
        for rank in PROVINCE_RULE:
            pair(f.CadreFactory(rank=rank, unit=f.UnitFactory(area=area)), 1)
    with django_assert_num_queries(2):  # the few quota policies, then the cadres with their quotas
        rows = [(c.unit.name, c.households, c.quota) for c in cadre_quota_status(on=TODAY)]
    assert len(rows) == 10 and {h for _, h, _ in rows} == {1}


def test_a_rank_without_any_policy_has_a_quota_of_nothing():
    QuotaPolicy.objects.filter(rank=Rank.SECTION).delete()
    assert status_of(f.CadreFactory(rank=Rank.SECTION)).quota == 0
