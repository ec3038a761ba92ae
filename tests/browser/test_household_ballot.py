"""A household casts its ballot on a phone with the code from its slip."""
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Ballot, BallotCode, Direction, EvaluationRound
from assessments.services import issue_codes
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def code():
    today = timezone.localdate()
    pairing = f.HouseholdPairingFactory(start=today - timedelta(days=400))
    rnd = EvaluationRound.objects.create(year=today.year, area=f.county(), opens=today - timedelta(days=1),
                                         closes=today + timedelta(days=10))
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    return BallotCode.objects.get(cadre=pairing.cadre)


def test_a_household_types_its_code_and_casts_one_ballot(phone, live_server, code):
    phone.goto(f"{live_server.url}/e/")
    phone.fill("input[name=code]", code.code.lower())
    phone.click("button[type=submit]")
    phone.wait_for_selector("#ballot-form")
    assert code.cadre.name in phone.inner_text(".target")
    phone.check("input[name=level][value=basic]")
    phone.fill("textarea[name=comment]", "常来看望，谢谢")
    phone.click("#cast")
    phone.wait_for_selector("#thanks")
    assert Ballot.objects.get().level == "basic"
    phone.goto(f"{live_server.url}/e/{code.code}/")
    assert "已经使用过" in phone.inner_text("#code-problem")
    assert Ballot.objects.count() == 1
