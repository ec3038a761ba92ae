"""Households and members: whole households only, exit years, and the database's own checks."""
import pytest
from django.db import IntegrityError, transaction

from households.models import Household, Member
from households.services import members_elsewhere, validate_exit
from shuanglian.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_person_registered_in_another_household_is_reported_with_that_household():
    elsewhere = f.MemberFactory(household=f.HouseholdFactory(number="H-A"))
    assert members_elsewhere({elsewhere.id_number: "H-B"}) == {elsewhere.id_number: "H-A"}


def test_a_person_listed_again_for_their_own_household_is_not_a_clash():
    member = f.MemberFactory(household=f.HouseholdFactory(number="H-A"))
    assert members_elsewhere({member.id_number: "H-A"}) == {}


def test_a_person_not_yet_registered_is_not_a_clash():
    f.MemberFactory()
    assert members_elsewhere({f.id_number(order=999): "H-B"}) == {}


def test_members_elsewhere_asks_the_database_once(django_assert_num_queries):
    members = [f.MemberFactory(household=f.HouseholdFactory(number=f"H-{i}")) for i in range(5)]
    with django_assert_num_queries(1):
        clashes = members_elsewhere({m.id_number: "H-NEW" for m in members})
    assert len(clashes) == 5


def test_members_read_already_give_the_same_clashes_without_a_query(django_assert_num_queries):
    moved = f.MemberFactory(household=f.HouseholdFactory(number="H-A"))
    stays = f.MemberFactory(household=f.HouseholdFactory(number="H-B"))
    wanted = {moved.id_number: "H-B", stays.id_number: "H-B", f.id_number(order=999): "H-B"}
    stored = {m.id_number: m for m in Member.objects.select_related("household")}
    queried = members_elsewhere(wanted)
    with django_assert_num_queries(0):
        assert members_elsewhere(wanted, stored=stored) == queried == {moved.id_number: "H-A"}


def test_the_database_refuses_one_person_in_two_households():
    member = f.MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=f.HouseholdFactory(), id_number=member.id_number, name="重复", relation="子女")


def test_the_database_refuses_an_exited_household_without_an_exit_year():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.HouseholdFactory(status=Household.Status.EXITED, exit_year=None)


def test_the_database_accepts_an_exited_household_with_its_exit_year():
    household = f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2024)
    assert Household.objects.filter(pk=household.pk, status="exited").exists()


def test_the_database_refuses_a_household_without_residents():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.HouseholdFactory(resident_population=0)


def test_the_database_refuses_an_area_code_that_is_not_twelve_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.AreaFactory(code="62050210001", level="village", parent=None)


def test_an_exited_household_must_give_its_exit_year():
    with pytest.raises(DomainError, match="必须填写脱贫年度"):
        validate_exit(Household.Status.EXITED, None)


@pytest.mark.parametrize("status", [Household.Status.IDENTIFIED, Household.Status.REGISTERED])
def test_a_household_still_in_the_registry_has_no_exit_year(status):
    with pytest.raises(DomainError, match="不应填写脱贫年度"):
        validate_exit(status, 2023)


@pytest.mark.parametrize("status, year", [("exited", 2023), ("returned", 2023), ("registered", None), ("returned", None)])
def test_consistent_status_and_exit_year_pass(status, year):
    validate_exit(status, year)  # raises nothing
