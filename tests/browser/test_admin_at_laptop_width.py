"""The admin on an office's laptop (1366 × 768): the household list fits beside the menu and the
filters, every column on screen, rather than running under the filters."""
import pytest
from django.contrib.auth import get_user_model

from households.models import PovertyCause
from pairing.models import Role
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-office-passw0rd"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def office():
    """An office that sees full ID numbers, and households as the registry numbers them (16 digits,
    in a community with a long name)."""
    f.area("620502001000", "大城街道")
    village = f.village("620502001001", "进步巷社区居委会")
    for n in range(12):
        f.HouseholdFactory(village=village, number=f"6205020010010{n:03d}", head_name=f"王建国{n}",
                           main_cause=PovertyCause.TRANSPORT)
    user = get_user_model().objects.create_user("office", password=PASSWORD, is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.OFFICE, area=f.county(), can_view_id_numbers=True)
    return user


def test_the_household_list_fits_a_laptop_screen(browser, live_server, office, tmp_path):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, f"{live_server.url}/accounts/login/", "office", PASSWORD)
    page.goto(f"{live_server.url}/admin/households/household/")
    page.wait_for_selector("#result_list")
    page.screenshot(path=tmp_path / "household-list-1366.png", full_page=True)
    # Nothing runs off the page, and every column of the list is on screen without scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    fit = page.evaluate("""() => {
      const box = document.querySelector('#changelist-form .results');
      const last = document.querySelector('#result_list thead th:last-child').getBoundingClientRect();
      return {table: document.querySelector('#result_list').scrollWidth, box: box.clientWidth,
              last: last.right, edge: box.getBoundingClientRect().right};
    }""")
    assert fit["table"] <= fit["box"] and fit["last"] <= fit["edge"] + 1, fit
    context.close()
