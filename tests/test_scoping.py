"""What each role may see and change (the scoping module).

The world: 天水市 with 秦州区 (villages v1, v2) and 麦积区 (v3, v4).
- unit A (秦州区) is paired with v1, unit B (麦积区) with v3, unit P (a provincial unit) with v2;
- cadre a (unit A): h1 in v1 now, h4 in v4 now (outside A's villages), and h2 in v2 in 2023,
  handed over to cadre p (unit P) from 2024;
- cadre b (unit B): h3 in v3;
- h6 in v1 has no cadre.
"""
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from households.access import visible_areas, visible_households, visible_incomes, visible_members
from pairing.access import visible_cadres, visible_household_pairings, visible_units, visible_village_pairings
from pairing.models import Role, Unit
from pairing.services.pairings import hand_over_household
from shuanglian.scoping import editable, mask_id_number, scope_for, shown_id_number
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    v1, v2, v3, v4 = tree.villages
    qinzhou, maiji = tree.counties
    unit_a = f.UnitFactory(name="A", area=qinzhou)
    unit_b = f.UnitFactory(name="B", area=maiji)
    unit_p = f.UnitFactory(name="P", area=tree.province, level=Unit.Level.PROVINCE)
    f.VillagePairingFactory(unit=unit_a, village=v1)
    f.VillagePairingFactory(unit=unit_b, village=v3)
    f.VillagePairingFactory(unit=unit_p, village=v2)
    a = f.CadreFactory(name="a", unit=unit_a, user=f.UserFactory(username="cadre-a"))
    b = f.CadreFactory(name="b", unit=unit_b)
    p = f.CadreFactory(name="p", unit=unit_p)
    h1, h2, h3, h4, h6 = (f.HouseholdFactory(number=n, village=v) for n, v in
                          [("h1", v1), ("h2", v2), ("h3", v3), ("h4", v4), ("h6", v1)])
    f.HouseholdPairingFactory(cadre=a, household=h1)
    f.HouseholdPairingFactory(cadre=a, household=h4)
    f.HouseholdPairingFactory(cadre=b, household=h3)
    old = f.HouseholdPairingFactory(cadre=a, household=h2, start=date(2023, 1, 1))
    hand_over_household(pairing=old, successor=p, on=date(2024, 1, 1), reason="调动")
    for h in (h1, h2, h3, h4, h6):
        f.MemberFactory(household=h)
        f.IncomeRecordFactory(household=h)
    return SimpleNamespace(tree=tree, units=SimpleNamespace(a=unit_a, b=unit_b, p=unit_p), a=a, b=b, p=p)


def role(kind=Role.Kind.OFFICE, *, area=None, unit=None, can_view_id_numbers=False):
    return f.RoleFactory(kind=kind, area=area, unit=unit, can_view_id_numbers=can_view_id_numbers).user


def households(user):
    return set(visible_households(user).values_list("number", flat=True))


def areas(user):
    return set(visible_areas(user).values_list("code", flat=True))


def units(user):
    return set(visible_units(user).values_list("name", flat=True))


def cadres(user):
    return set(visible_cadres(user).values_list("name", flat=True))


def household_pairings(user):
    return set(visible_household_pairings(user).values_list("cadre__name", "household__number"))


def village_pairings(user):
    return set(visible_village_pairings(user).values_list("unit__name", "village_id"))


ALL_HOUSEHOLDS = {"h1", "h2", "h3", "h4", "h6"}
ALL_PAIRINGS = {("a", "h1"), ("a", "h4"), ("b", "h3"), ("a", "h2"), ("p", "h2")}
QINZHOU_AREAS = {"620502000000", "620502100000", "620502100001", "620502100002"}


# --- superuser and province office ------------------------------------------------------------

def test_a_superuser_sees_everything_and_may_change_it(world):
    user = f.UserFactory(is_superuser=True)
    assert households(user) == ALL_HOUSEHOLDS
    assert len(areas(user)) == 10 and units(user) == {"A", "B", "P"} and cadres(user) == {"a", "b", "p"}
    assert household_pairings(user) == ALL_PAIRINGS and len(village_pairings(user)) == 3
    assert scope_for(user).can_change and scope_for(user).can_view_id_numbers


def test_the_province_office_sees_everything_in_the_province(world):
    user = role(area=world.tree.province)
    assert households(user) == ALL_HOUSEHOLDS
    assert len(areas(user)) == 10 and units(user) == {"A", "B", "P"} and cadres(user) == {"a", "b", "p"}
    assert household_pairings(user) == ALL_PAIRINGS and len(village_pairings(user)) == 3


def test_an_office_may_change_what_it_sees(world):
    user = role(area=world.tree.province)
    assert editable(user, visible_households(user)).count() == 5


# --- county office -----------------------------------------------------------------------------

def test_a_county_office_sees_the_households_of_its_county(world):
    assert households(role(area=world.tree.counties[0])) == {"h1", "h2", "h6"}


def test_a_county_office_cannot_see_a_household_of_the_neighbouring_county(world):
    user = role(area=world.tree.counties[0])
    assert not visible_households(user).filter(number="h3").exists()


def test_a_county_office_sees_its_county_and_what_lies_below_it(world):
    assert areas(role(area=world.tree.counties[0])) == QINZHOU_AREAS


def test_a_county_office_sees_its_units_and_units_from_above_paired_with_its_villages(world):
    assert units(role(area=world.tree.counties[0])) == {"A", "P"}


def test_a_county_office_sees_its_units_cadres_and_outside_cadres_paired_with_its_households(world):
    assert cadres(role(area=world.tree.counties[0])) == {"a", "p"}
    assert cadres(role(area=world.tree.counties[1])) == {"b", "a"}  # a is paired with h4 in 麦积区


def test_a_county_office_sees_the_pairings_of_its_households_including_handed_over_ones(world):
    assert household_pairings(role(area=world.tree.counties[0])) == {("a", "h1"), ("a", "h2"), ("p", "h2")}


def test_a_county_office_sees_the_village_pairings_of_its_villages(world):
    assert village_pairings(role(area=world.tree.counties[0])) == {("A", "620502100001"), ("P", "620502100002")}


def test_a_county_office_sees_members_and_incomes_of_its_households_only(world):
    user = role(area=world.tree.counties[1])
    assert set(visible_members(user).values_list("household__number", flat=True)) == {"h3", "h4"}
    assert set(visible_incomes(user).values_list("household__number", flat=True)) == {"h3", "h4"}


# --- township office ---------------------------------------------------------------------------

def test_a_township_office_sees_its_township_and_villages_but_not_its_county(world):
    assert areas(role(area=world.tree.townships[0])) == QINZHOU_AREAS - {"620502000000"}


def test_a_township_office_sees_only_the_households_of_its_township(world):
    assert households(role(area=world.tree.townships[1])) == {"h3", "h4"}


# --- unit administrator ------------------------------------------------------------------------

def test_a_unit_admin_sees_only_their_unit_and_its_cadres(world):
    user = role(Role.Kind.UNIT_ADMIN, unit=world.units.a)
    assert (units(user), cadres(user)) == ({"A"}, {"a"})


def test_a_unit_admin_sees_the_villages_their_unit_is_paired_with(world):
    assert areas(role(Role.Kind.UNIT_ADMIN, unit=world.units.a)) == {"620502100001"}


def test_a_unit_admin_sees_households_of_their_villages_and_households_paired_with_their_cadres(world):
    assert households(role(Role.Kind.UNIT_ADMIN, unit=world.units.a)) == {"h1", "h6", "h4", "h2"}


def test_a_unit_admin_sees_their_cadres_pairings_and_pairings_in_their_villages(world):
    assert household_pairings(role(Role.Kind.UNIT_ADMIN, unit=world.units.a)) == {("a", "h1"), ("a", "h4"), ("a", "h2")}
    # h2 lies in P's village: P's admin also sees the pairing a held before the hand-over.
    assert household_pairings(role(Role.Kind.UNIT_ADMIN, unit=world.units.p)) == {("p", "h2"), ("a", "h2")}


def test_a_unit_admin_sees_their_units_village_pairings(world):
    assert village_pairings(role(Role.Kind.UNIT_ADMIN, unit=world.units.b)) == {("B", "620503100001")}


def test_a_unit_admin_may_change_what_they_see(world):
    assert scope_for(role(Role.Kind.UNIT_ADMIN, unit=world.units.a)).can_change


# --- cadre -----------------------------------------------------------------------------------------

def test_a_cadre_sees_the_households_they_are_or_were_paired_with(world):
    assert households(world.a.user) == {"h1", "h2", "h4"}


def test_a_cadre_sees_only_their_own_pairings(world):
    assert household_pairings(world.a.user) == {("a", "h1"), ("a", "h4"), ("a", "h2")}


def test_a_cadre_sees_their_own_record_and_unit(world):
    assert (cadres(world.a.user), units(world.a.user)) == ({"a"}, {"A"})


def test_a_cadre_sees_the_villages_of_their_households_and_those_villages_unit_pairings(world):
    assert areas(world.a.user) == {"620502100001", "620502100002", "620503100002"}
    assert village_pairings(world.a.user) == {("A", "620502100001"), ("P", "620502100002")}


def test_a_cadre_reads_only(world):
    assert editable(world.a.user, visible_households(world.a.user)).count() == 0


# --- leader, no role, anonymous ------------------------------------------------------------------

def test_a_leader_sees_their_area(world):
    assert households(role(Role.Kind.LEADER, area=world.tree.city)) == ALL_HOUSEHOLDS


def test_a_leaders_scope_cannot_change_anything(world):
    user = role(Role.Kind.LEADER, area=world.tree.city)
    assert scope_for(user).can_change is False
    assert editable(user, visible_households(user)).count() == 0


@pytest.mark.parametrize("visible", [visible_areas, visible_units, visible_cadres, visible_households,
                                     visible_household_pairings, visible_village_pairings, visible_members])
def test_a_signed_in_user_without_a_role_sees_nothing(world, visible):
    user = f.UserFactory()
    assert scope_for(user).is_empty
    assert visible(user).count() == 0


def test_an_anonymous_visitor_sees_nothing(world):
    assert visible_households(AnonymousUser()).count() == 0


def test_a_deactivated_office_user_sees_nothing(world):
    user = role(area=world.tree.province)
    user.is_active = False
    assert visible_households(user).count() == 0


# --- cost ------------------------------------------------------------------------------------------

def test_the_scope_is_resolved_once_per_user_object(world, django_assert_num_queries):
    user = role(area=world.tree.counties[0])
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)


def test_a_scoped_list_of_households_with_villages_is_one_query(world, django_assert_num_queries):
    user = role(Role.Kind.UNIT_ADMIN, unit=world.units.a)
    scope_for(user)
    with django_assert_num_queries(1):
        names = [h.village.name for h in visible_households(user).select_related("village")]
    assert len(names) == 4


# --- personal data ---------------------------------------------------------------------------------

def test_an_id_number_is_masked_between_the_region_and_the_last_four_digits():
    assert mask_id_number("620502199001010117") == "620502********0117"


def test_a_short_value_is_masked_entirely():
    assert mask_id_number("1234567890") == "**********"


def test_an_empty_id_number_stays_empty():
    assert mask_id_number("") == ""


def test_a_role_without_the_right_sees_id_numbers_masked(world):
    user = role(area=world.tree.province)
    assert shown_id_number(user, "620502199001010117") == "620502********0117"


def test_a_role_with_the_right_sees_id_numbers_in_full(world):
    user = role(area=world.tree.counties[0], can_view_id_numbers=True)
    assert shown_id_number(user, "620502199001010117") == "620502199001010117"


def test_a_unit_admin_with_the_right_sees_id_numbers_in_full(world):
    user = role(Role.Kind.UNIT_ADMIN, unit=world.units.a, can_view_id_numbers=True)
    assert shown_id_number(user, "620502199001010117") == "620502199001010117"


def test_a_cadre_sees_id_numbers_masked(world):
    assert shown_id_number(world.a.user, "620502199001010117") == "620502********0117"


def test_a_superuser_sees_id_numbers_in_full(db):
    assert shown_id_number(f.UserFactory(is_superuser=True), "620502199001010117") == "620502199001010117"


# The ID mask in the database (lists mask in their query) answers as the Python rule does.
TRICKY_ID_NUMBERS = [
    "620502199001010117",  # 18 digits
    "62050219900101011X",  # the X check digit
    "62050219900101012x",  # written in lower case
    "620502900101011",  # a 15-digit number of the first generation
    "",  # blank
    "12345",  # shorter than what stays
    "1234567890",  # exactly what stays: masked whole
    "12345678901",  # one character to hide
    "６２０５０２１９９００１０１０１１８",  # full-width digits count one each
]


def test_the_database_masks_id_numbers_as_python_does(db):
    from households.models import Household
    from shuanglian.scoping import masked_id_number_expression

    for number in TRICKY_ID_NUMBERS:
        f.HouseholdFactory(head_id_number=number)
    masked = dict(Household.objects.annotate(masked=masked_id_number_expression("head_id_number"))
                  .values_list("head_id_number", "masked"))
    assert masked == {number: mask_id_number(number) for number in TRICKY_ID_NUMBERS}


def test_the_database_shows_full_id_numbers_to_a_role_with_the_right(world):
    from households.models import Household
    from shuanglian.scoping import shown_id_number_expression

    user = role(area=world.tree.counties[0], can_view_id_numbers=True)
    rows = list(Household.objects.annotate(shown=shown_id_number_expression(user, "head_id_number"))
                .values_list("head_id_number", "shown"))
    assert rows and all(number == shown for number, shown in rows)
