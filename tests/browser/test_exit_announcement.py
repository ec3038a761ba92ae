"""A county office announces an exit on the village's procedures page (docs/domain.md §10):
the household's exit notice has ended and the township has verified it; after the
announcement the household shows 已脱贫."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from identification.models import Step, StepEntry
from pairing.models import Role
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-county-passw0rd"


@pytest.fixture
def exit_verified():
    """A household whose exit vote passed, whose notice ended and which the township verified."""
    today = timezone.localdate()
    f.area("620502100000", "皂郊镇")
    village = f.village("620502100001", "王家村")
    household = f.HouseholdFactory(village=village, head_name="王宝山")
    for stage, start, end in (("vote", 12, None), ("first_notice", 11, 5), ("township_review", 3, None)):
        step = Step.objects.create(village=village, procedure="exit", year=(today - timedelta(days=12)).year,
                                   stage=stage, date=today - timedelta(days=start),
                                   end_date=today - timedelta(days=end) if end else None)
        StepEntry.objects.create(step=step, household=household, passed=True,
                                 **({"votes_for": 30, "votes_against": 1, "votes_abstaining": 0} if stage == "vote" else {}))
    user = get_user_model().objects.create_user("county", password=PASSWORD, is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.OFFICE, area=f.county())
    return household


def test_a_county_office_announces_an_exit_and_the_household_shows_exited(browser, live_server, exit_verified):
    h = exit_verified
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, f"{live_server.url}/accounts/login/", "county", PASSWORD)
    page.goto(f"{live_server.url}/identification/villages/{h.village_id}/")
    page.click("a:text('办理下一步')")
    assert page.input_value("#id_procedure") == "exit" and page.input_value("#id_stage") == "announcement"
    assert page.is_checked(f"#pick-{h.pk}")
    page.fill("#id_signatories", "刘振华 县双联办主任")
    page.click("#take-step-button")
    page.wait_for_selector("p.message")
    assert page.inner_text(f"#status-{h.number}").startswith("已脱贫")
    context.close()
    h.refresh_from_db()
    assert (h.status, h.exit_year) == ("exited", (timezone.localdate() - timedelta(days=12)).year)
