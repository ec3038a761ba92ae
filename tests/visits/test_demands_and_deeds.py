"""Demands collected on visits and followed up; deeds with money and people helped."""
from datetime import timedelta

import pytest
from django.utils import timezone

from shuanglian.errors import DomainError
from tests import factories as f
from visits.models import Demand
from visits.services.deeds import record_deed
from visits.services.demands import advance_demand, record_demand

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()


@pytest.fixture
def pairing():
    return f.HouseholdPairingFactory(start=TODAY - timedelta(days=100))


def test_a_demand_of_a_paired_household_lies_in_its_village(pairing):
    demand = record_demand(cadre=pairing.cadre, household=pairing.household, category="housing", text="危房需改造")
    assert demand.village == pairing.household.village and demand.status == "open"


def test_a_demand_of_someone_elses_household_is_refused(pairing):
    with pytest.raises(DomainError, match="不是您的联系户"):
        record_demand(cadre=pairing.cadre, household=f.HouseholdFactory(), category="housing", text="x")


def test_an_empty_demand_is_refused(pairing):
    with pytest.raises(DomainError, match="诉求内容"):
        record_demand(cadre=pairing.cadre, household=pairing.household, category="housing", text="  ")


def test_a_demand_goes_from_open_through_escalation_to_resolved_with_its_history(pairing):
    demand = record_demand(cadre=pairing.cadre, household=pairing.household, category="infrastructure", text="修路")
    advance_demand(demand=demand, status="escalated", note="单位无法解决，上报县双联办", by=None)
    advance_demand(demand=demand, status="resolved", note="交通局已列入计划并完工", by=None)
    demand.refresh_from_db()
    assert demand.status == "resolved" and demand.resolved_at is not None
    assert [s.status for s in demand.follow_ups.all()] == ["escalated", "resolved"]


def test_a_resolved_demand_cannot_be_reopened(pairing):
    demand = record_demand(cadre=pairing.cadre, household=pairing.household, category="other", text="x")
    advance_demand(demand=demand, status="resolved", note="已办", by=None)
    with pytest.raises(DomainError, match="不能改为"):
        advance_demand(demand=demand, status="in_progress", note="重开", by=None)
    assert Demand.objects.get().status == "resolved"


def test_a_step_without_a_note_is_refused(pairing):
    demand = record_demand(cadre=pairing.cadre, household=pairing.household, category="other", text="x")
    with pytest.raises(DomainError, match="办理情况"):
        advance_demand(demand=demand, status="in_progress", note="", by=None)


def test_a_deed_records_money_and_people_helped(pairing):
    deed = record_deed(cadre=pairing.cadre, household=pairing.household, on=TODAY, category="funds",
                       description="协调产业扶持资金", money="5000.50", people_helped=4)
    assert (str(deed.money), deed.people_helped, deed.village) == ("5000.50", 4, pairing.household.village)


@pytest.mark.parametrize("money", ["-1", "abc"])
def test_a_deed_with_a_bad_amount_is_refused(pairing, money):
    with pytest.raises(DomainError, match="金额"):
        record_deed(cadre=pairing.cadre, household=pairing.household, on=TODAY, category="funds", description="x", money=money)


def test_a_deed_in_the_future_is_refused(pairing):
    with pytest.raises(DomainError, match="今天以后"):
        record_deed(cadre=pairing.cadre, household=pairing.household, on=TODAY + timedelta(days=1), category="jobs",
                    description="x")
