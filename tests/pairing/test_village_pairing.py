"""A unit paired with a village (联村)."""
from datetime import date

import pytest

from pairing.models import VillagePairing
from pairing.services.pairings import pair_village
from shuanglian.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_unit_is_paired_with_a_village(tree):
    unit = f.UnitFactory()
    made = pair_village(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    assert VillagePairing.objects.filter(pk=made.pk, unit=unit, village=tree.villages[0], end=None).exists()


def test_a_unit_cannot_be_paired_with_a_township(tree):
    with pytest.raises(DomainError, match="不是村（社区）"):
        pair_village(unit=f.UnitFactory(), village=tree.townships[0], start=date(2024, 1, 1))


def test_a_second_pairing_of_the_same_unit_and_village_that_overlaps_is_refused(tree):
    unit = f.UnitFactory()
    pair_village(unit=unit, village=tree.villages[0], start=date(2024, 1, 1), end=date(2024, 12, 31))
    with pytest.raises(DomainError, match="联村时间重叠"):
        pair_village(unit=unit, village=tree.villages[0], start=date(2024, 12, 31))
    assert VillagePairing.objects.count() == 1


def test_an_open_pairing_overlaps_any_later_pairing_of_the_same_unit_and_village(tree):
    unit = f.UnitFactory()
    pair_village(unit=unit, village=tree.villages[0], start=date(2024, 1, 1))
    with pytest.raises(DomainError, match="联村时间重叠"):
        pair_village(unit=unit, village=tree.villages[0], start=date(2026, 1, 1))


def test_a_village_pairing_that_touches_the_previous_one_is_allowed(tree):
    unit = f.UnitFactory()
    pair_village(unit=unit, village=tree.villages[0], start=date(2024, 1, 1), end=date(2024, 3, 3))
    pair_village(unit=unit, village=tree.villages[0], start=date(2024, 3, 4))
    assert VillagePairing.objects.count() == 2


def test_two_units_may_pair_the_same_village_at_the_same_time(tree):
    pair_village(unit=f.UnitFactory(), village=tree.villages[0], start=date(2024, 1, 1))
    pair_village(unit=f.UnitFactory(), village=tree.villages[0], start=date(2024, 1, 1))
    assert VillagePairing.objects.count() == 2


def test_a_village_pairing_cannot_end_before_it_starts(tree):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        pair_village(unit=f.UnitFactory(), village=tree.villages[0], start=date(2024, 5, 1), end=date(2024, 4, 1))
