"""A leader opens the dashboard: the charts draw, and clicks drill down to a village."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from pairing.models import Role
from tests import factories as f
from tests.browser.conftest import sign_in
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-leader-passw0rd"

# Whether a canvas holds anything but transparent pixels.
PAINTED = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


@pytest.fixture
def leader():
    cache.clear()
    today = timezone.localdate()
    f.area("620502100000", "皂郊镇")  # before its village, which would otherwise make it unnamed
    pairing = f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village("620502100001", "王家村")),
                                        start=today - timedelta(days=400))
    visit = Visit.objects.create(cadre=pairing.cadre, start=today - timedelta(days=3), end=today - timedelta(days=2))
    visit.households.set([pairing.household])
    user = get_user_model().objects.create_user("leader", password=PASSWORD, is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.LEADER, area=f.county())
    return user


def test_a_leader_sees_the_charts_and_drills_down_to_a_village(browser, live_server, leader):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, f"{live_server.url}/accounts/login/", "leader", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#trend-chart canvas")
    assert page.evaluate(PAINTED, "#trend-chart") and page.evaluate(PAINTED, "#children-chart")
    page.click("#children a:text('皂郊镇')")
    page.wait_for_selector("#children a:text('王家村')")
    page.click("#children a:text('王家村')")
    page.wait_for_selector("#households")
    assert "王家村" in page.inner_text("h1") and page.locator("#households tbody tr").count() == 1
    context.close()


def test_the_dashboard_reads_on_a_phone(phone, live_server, leader):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "leader")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{live_server.url}/dashboard/")
    phone.wait_for_selector("#trend-chart canvas")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400 and phone.evaluate(PAINTED, "#trend-chart")


def test_the_ranking_chart_draws_and_names_every_child_area_with_cadres_and_no_other(browser, live_server, leader,
                                                                                      tmp_path):
    today = timezone.localdate()
    for n in range(2, 14):  # a dozen more townships with a cadre each, and three with nobody to count
        township = f.area(f"620502{n:03d}000", f"第{n}镇")
        f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village(f"620502{n:03d}001", f"第{n}村")),
                                  start=today - timedelta(days=400))
        assert township.level == "township"
    for n in range(14, 17):
        f.area(f"620502{n:03d}000", f"空{n}镇")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, f"{live_server.url}/accounts/login/", "leader", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#children-chart canvas")
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    drawn = page.evaluate("""() => {
      const option = echarts.getInstanceByDom(document.getElementById('children-chart')).getOption();
      return {names: option.yAxis[0].data, interval: option.yAxis[0].axisLabel.interval};
    }""")
    assert len(drawn["names"]) == 13 and not any(name.startswith("空") for name in drawn["names"])
    assert drawn["interval"] == 0  # every bar's name is drawn, none thinned out
    assert page.locator("#children tbody tr").count() == 16  # the table still lists every township
    context.close()
