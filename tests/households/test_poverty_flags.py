"""Poor counties and poor villages are flagged per year (片区县 / 插花型县 / 贫困村)."""
import pytest

from households.models import PoorAreaYear
from households.services import set_poverty_flag
from shuanglian.errors import DomainError

pytestmark = pytest.mark.django_db


def flags():
    return set(PoorAreaYear.objects.values_list("area_id", "year", "kind"))


def test_a_village_is_flagged_as_a_poor_village_for_the_year(tree):
    set_poverty_flag(area=tree.villages[0], year=2024, poor=True)
    assert flags() == {("620502100001", 2024, "village")}


def test_a_county_is_flagged_as_a_contiguous_area_county_by_default(tree):
    set_poverty_flag(area=tree.counties[0], year=2024, poor=True)
    assert flags() == {("620502000000", 2024, "contiguous")}


def test_flagging_a_scattered_county_again_keeps_its_kind(tree):
    PoorAreaYear.objects.create(area=tree.counties[0], year=2024, kind="scattered")
    set_poverty_flag(area=tree.counties[0], year=2024, poor=True)
    assert flags() == {("620502000000", 2024, "scattered")}


def test_unflagging_removes_only_that_year(tree):
    set_poverty_flag(area=tree.villages[0], year=2023, poor=True)
    set_poverty_flag(area=tree.villages[0], year=2024, poor=True)
    set_poverty_flag(area=tree.villages[0], year=2024, poor=False)
    assert flags() == {("620502100001", 2023, "village")}


@pytest.mark.parametrize("attr", ["townships", "city", "province"])
def test_only_counties_and_villages_can_be_flagged_poor(tree, attr):
    area = getattr(tree, attr)
    area = area[0] if isinstance(area, list) else area
    with pytest.raises(DomainError, match="只有县和村可认定"):
        set_poverty_flag(area=area, year=2024, poor=True)
    assert flags() == set()
