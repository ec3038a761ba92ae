"""Pairing a cadre with a household, handing it over, ending it (联户, 不脱贫不脱钩)."""
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from households.models import Household
from pairing.models import Category, HouseholdPairing
from pairing.services.pairings import end_household_pairing, hand_over_household, pair_household
from shuanglian.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db

JAN1 = date(2024, 1, 1)


@pytest.fixture
def pairing():
    return f.HouseholdPairingFactory(start=JAN1)


def test_a_civil_servant_is_paired_with_a_household_from_a_date_on():
    cadre, household = f.CadreFactory(), f.HouseholdFactory()
    made = pair_household(cadre=cadre, household=household, start=JAN1)
    assert HouseholdPairing.objects.filter(pk=made.pk, cadre=cadre, household=household, start=JAN1, end=None).exists()


@pytest.mark.parametrize("category", [Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE])
def test_pairing_a_teacher_medical_worker_or_enterprise_worker_is_refused(category):
    with pytest.raises(DomainError, match="不承担联户任务"):
        pair_household(cadre=f.CadreFactory(category=category), household=f.HouseholdFactory(), start=JAN1)
    assert not HouseholdPairing.objects.exists()


def test_logistics_staff_may_be_paired():
    pair_household(cadre=f.CadreFactory(category=Category.LOGISTICS), household=f.HouseholdFactory(), start=JAN1)
    assert HouseholdPairing.objects.count() == 1


def test_a_second_cadre_for_a_household_that_has_one_is_refused(pairing):
    with pytest.raises(DomainError, match="结对时间重叠"):
        pair_household(cadre=f.CadreFactory(), household=pairing.household, start=date(2024, 6, 1))
    assert HouseholdPairing.objects.count() == 1


def test_a_new_pairing_before_an_existing_one_that_would_run_into_it_is_refused(pairing):
    with pytest.raises(DomainError, match="重叠"):
        pair_household(cadre=f.CadreFactory(), household=pairing.household, start=date(2023, 6, 1))


def test_a_still_poor_households_pairing_cannot_end_without_a_successor(pairing):
    with pytest.raises(DomainError, match="不脱贫不脱钩"):
        end_household_pairing(pairing=pairing, end=date(2024, 6, 30), reason="调动")
    pairing.refresh_from_db()
    assert pairing.end is None


def test_an_exited_households_pairing_ends_in_its_exit_year():
    household = f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2024)
    pairing = f.HouseholdPairingFactory(household=household, start=date(2023, 1, 1))
    end_household_pairing(pairing=pairing, end=date(2024, 12, 31), reason="脱贫")
    pairing.refresh_from_db()
    assert (pairing.end, pairing.end_reason) == (date(2024, 12, 31), "脱贫")


def test_an_exited_households_pairing_cannot_end_before_its_exit_year():
    household = f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2024)
    pairing = f.HouseholdPairingFactory(household=household, start=date(2022, 1, 1))
    with pytest.raises(DomainError, match="不脱贫不脱钩"):
        end_household_pairing(pairing=pairing, end=date(2023, 12, 31), reason="脱贫")


def test_a_returned_households_current_pairing_cannot_end_without_a_successor():
    household = f.HouseholdFactory(status=Household.Status.RETURNED, exit_year=2023)
    pairing = f.HouseholdPairingFactory(household=household, start=date(2022, 1, 1))
    with pytest.raises(DomainError, match="不脱贫不脱钩"):
        end_household_pairing(pairing=pairing, end=date(2025, 3, 31), reason="调动")


def test_after_an_exited_households_pairing_ended_a_new_cadre_may_start_the_next_day():
    household = f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2024)
    first = f.HouseholdPairingFactory(household=household, start=date(2023, 1, 1), end=date(2024, 3, 3))
    pair_household(cadre=f.CadreFactory(), household=household, start=date(2024, 3, 4))
    assert list(household.pairings.order_by("start").values_list("pk", flat=True))[0] == first.pk
    assert household.pairings.count() == 2


def test_a_hand_over_ends_the_old_pairing_the_day_before_and_chains_it_to_the_new_one(pairing):
    successor = f.CadreFactory()
    new = hand_over_household(pairing=pairing, successor=successor, on=date(2024, 7, 1), reason="工作调动")
    pairing.refresh_from_db()
    assert (pairing.end, pairing.end_reason, pairing.successor_id) == (date(2024, 6, 30), "工作调动", new.pk)
    assert (new.cadre_id, new.household_id, new.start, new.end) == (successor.pk, pairing.household_id, date(2024, 7, 1), None)


def test_a_household_handed_over_twice_keeps_the_whole_chain(pairing):
    second = hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=date(2024, 7, 1), reason="调动")
    third = hand_over_household(pairing=second, successor=f.CadreFactory(), on=date(2025, 1, 1), reason="退休")
    chain = list(HouseholdPairing.objects.filter(household=pairing.household).order_by("start")
                 .values_list("pk", "successor_id", "end"))
    assert chain == [(pairing.pk, second.pk, date(2024, 6, 30)), (second.pk, third.pk, date(2024, 12, 31)), (third.pk, None, None)]


def test_a_hand_over_to_a_teacher_is_refused_and_changes_nothing(pairing):
    teacher = f.CadreFactory(category=Category.TEACHER)
    with pytest.raises(DomainError, match="不承担联户任务"):
        hand_over_household(pairing=pairing, successor=teacher, on=date(2024, 7, 1), reason="调动")
    pairing.refresh_from_db()
    assert (pairing.end, pairing.successor_id, pairing.end_reason) == (None, None, "")
    assert HouseholdPairing.objects.count() == 1


def test_a_hand_over_to_the_same_cadre_is_refused_and_changes_nothing(pairing):
    with pytest.raises(DomainError, match="不能是原联户干部本人"):
        hand_over_household(pairing=pairing, successor=pairing.cadre, on=date(2024, 7, 1), reason="调动")
    pairing.refresh_from_db()
    assert pairing.end is None and HouseholdPairing.objects.count() == 1


def test_a_hand_over_on_or_before_the_start_is_refused(pairing):
    with pytest.raises(DomainError, match="应晚于原结对开始日期2024-01-01"):
        hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=JAN1, reason="调动")


def test_a_pairing_that_has_ended_cannot_be_handed_over_again(pairing):
    hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=date(2024, 7, 1), reason="调动")
    with pytest.raises(DomainError, match="该结对已结束"):
        hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=date(2024, 9, 1), reason="调动")


def test_the_database_holds_one_open_pairing_per_household_even_without_the_services(pairing):
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdPairing.objects.create(cadre=f.CadreFactory(), household=pairing.household, start=date(2024, 2, 1))


def test_the_database_refuses_a_pairing_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.HouseholdPairingFactory(start=date(2024, 5, 1), end=date(2024, 4, 30))


def test_a_household_with_a_cadre_cannot_be_deleted(pairing):
    with pytest.raises(ProtectedError):
        pairing.household.delete()


def test_a_household_outside_the_villages_of_the_cadres_unit_may_still_be_paired(tree):
    unit = f.UnitFactory(area=tree.counties[0])
    f.VillagePairingFactory(unit=unit, village=tree.villages[0])
    elsewhere = f.HouseholdFactory(village=tree.villages[3])  # another county: listed for review, never refused
    pair_household(cadre=f.CadreFactory(unit=unit), household=elsewhere, start=JAN1)
    assert elsewhere.pairings.count() == 1


def test_a_household_is_handed_over_from_a_cadre_who_has_since_become_a_teacher(pairing):
    pairing.cadre.category = Category.TEACHER  # moved to a school: the household must be handed over
    pairing.cadre.save()
    new = hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=date(2024, 9, 1), reason="调入学校")
    pairing.refresh_from_db()
    assert (pairing.end, pairing.successor_id) == (date(2024, 8, 31), new.pk)


def test_a_household_whose_former_cadre_has_since_become_medical_staff_can_still_be_handed_over(pairing):
    second = hand_over_household(pairing=pairing, successor=f.CadreFactory(), on=date(2024, 9, 1), reason="调动")
    pairing.cadre.category = Category.MEDICAL
    pairing.cadre.save()
    hand_over_household(pairing=second, successor=f.CadreFactory(), on=date(2025, 1, 1), reason="调动")
    assert HouseholdPairing.objects.filter(household=pairing.household).count() == 3


def test_a_household_that_returned_to_poverty_is_paired_with_a_new_cadre():
    household = f.HouseholdFactory(status=Household.Status.EXITED, exit_year=2023)
    f.HouseholdPairingFactory(household=household, start=date(2022, 1, 1), end=date(2024, 6, 30))
    household.status = Household.Status.RETURNED
    household.save()
    pair_household(cadre=f.CadreFactory(), household=household, start=date(2025, 3, 1))
    assert household.pairings.filter(end=None).count() == 1
