"""The area tree: 12-digit statistical codes, their levels, parents and prefixes."""
import pytest
from django.db import connection, transaction

from households.models import Area, AreaLevel, Household, households_under
from households.services import validate_area_code
from shuanglian.errors import DomainError
from tests import factories as f

LEVELS = [
    # code, level, parent, prefix
    ("620000000000", AreaLevel.PROVINCE, None, "62"),
    ("620500000000", AreaLevel.CITY, "620000000000", "6205"),
    ("620502000000", AreaLevel.COUNTY, "620500000000", "620502"),
    ("620502100000", AreaLevel.TOWNSHIP, "620502000000", "620502100"),
    ("620502100001", AreaLevel.VILLAGE, "620502100000", "620502100001"),
    ("620502001000", AreaLevel.TOWNSHIP, "620502000000", "620502001"),  # a subdistrict 街道
    ("620502001020", AreaLevel.VILLAGE, "620502001000", "620502001020"),  # a community ending in 0
]


@pytest.mark.parametrize("code, level, parent, prefix", LEVELS)
def test_the_level_of_a_code_follows_from_its_trailing_zero_groups(code, level, parent, prefix):
    assert Area.level_of(code) == level


@pytest.mark.parametrize("code, level, parent, prefix", LEVELS)
def test_the_parent_of_a_code_zeroes_the_digits_of_its_own_level(code, level, parent, prefix):
    assert Area.parent_code_of(code) == parent


@pytest.mark.parametrize("code, level, parent, prefix", LEVELS)
def test_the_prefix_of_a_code_ends_where_its_level_ends(code, level, parent, prefix):
    assert Area.prefix_of(code) == prefix


def test_a_code_that_agrees_with_its_stated_level_is_accepted():
    assert validate_area_code(" 620502100000 ", level=AreaLevel.TOWNSHIP) == "620502100000"


def test_a_code_whose_level_differs_from_the_stated_level_is_refused():
    with pytest.raises(DomainError) as refused:
        validate_area_code("620502100000", level=AreaLevel.COUNTY)
    assert "表示乡级" in refused.value.messages[0] and "“县”不符" in refused.value.messages[0]


@pytest.mark.parametrize("code", ["62050210000", "6205021000001", "62050210000A", ""])
def test_a_code_that_is_not_twelve_digits_is_refused(code):
    with pytest.raises(DomainError, match="应为12位数字"):
        validate_area_code(code)


@pytest.mark.django_db
def test_the_factory_builds_the_ancestors_of_a_village():
    v = f.village("620502100001")
    chain = [v.code, v.parent.code, v.parent.parent.code, v.parent.parent.parent.code, v.parent.parent.parent.parent.code]
    assert chain == ["620502100001", "620502100000", "620502000000", "620500000000", "620000000000"]


@pytest.mark.django_db
def test_a_subtree_holds_the_area_and_everything_below_it_but_not_the_neighbouring_county(tree):
    qinzhou = tree.counties[0]
    codes = set(Area.objects.subtree(qinzhou).values_list("code", flat=True))
    assert codes == {"620502000000", "620502100000", "620502100001", "620502100002"}


@pytest.mark.django_db
def test_households_in_an_area_are_those_of_its_villages(tree):
    mine = f.HouseholdFactory(village=tree.villages[1])
    f.HouseholdFactory(village=tree.villages[2])
    assert list(Household.objects.in_area(tree.townships[0])) == [mine]


# --- an area's households by the leading digits of their village (households_under) ---------------

def _household_in(village_code: str, number: str):
    return f.HouseholdFactory(village=f.AreaFactory(code=village_code), number=number)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["620000000000", "620500000000", "620502000000", "620502100000", "620502100001"])
def test_households_under_an_area_are_those_its_code_prefix_selects(code):
    for i, village in enumerate(["620502100001", "620502100002", "620502200001", "620503100001", "620600100001",
                                 "630100100001"]):
        _household_in(village, f"H{i}")
    prefix = Area.prefix_of(code)
    under = set(Household.objects.filter(households_under(prefix)).values_list("number", flat=True))
    assert under == set(Household.objects.in_area(code).values_list("number", flat=True)) and under


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize("code", ["620500000000", "620502000000", "620502100000"])
def test_an_areas_first_page_in_number_order_can_be_read_from_its_levels_index(code):
    """The filter and the index say the same thing: with sorting priced out, PostgreSQL reads the
    area's first page from its level's index in number order, not from a sort."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan")
    _household_in("620502100001", "H1")
    query = Household.objects.filter(households_under(Area.prefix_of(code))).order_by("number")[:51]
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    level = Area.level_of(code)
    assert f"household_{level}_number" in plan and "Sort" not in plan
