"""The contact card sheet and the help handbook print on A4 in Chromium (docs/domain.md §12):
ten cards of 85×54 mm a page, and a handbook whose every page fits the sheet's width."""
import re
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pairing.models import Role
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_WIDTH_PX = 794  # 210 mm at 96 dpi
MM = 96 / 25.4


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.fixture
def office_page(browser, live_server):
    office = f.UserFactory()
    f.RoleFactory(user=office, kind=Role.Kind.OFFICE, area_id=f.COUNTY)
    client = Client()
    client.force_login(office)
    context = browser.new_context(viewport={"width": A4_WIDTH_PX, "height": 1123})
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    yield lambda path: (page.goto(live_server.url + path), page.emulate_media(media="print"), page)[-1]
    context.close()


def test_twelve_contact_cards_print_as_two_a4_pages_of_card_sized_cards(office_page):
    cadre = f.CadreFactory(phone="13893800001", name="张明")
    village = f.village()
    for _ in range(12):
        f.HouseholdPairingFactory(cadre=cadre, household=f.HouseholdFactory(village=village), start=date(2024, 1, 1))
    page = office_page(f"/papers/cards/?village={village.code}")
    assert page.locator(".tools").is_hidden()
    box = page.locator(".card").first.bounding_box()
    assert abs(box["width"] - 85 * MM) < 3 and abs(box["height"] - 54 * MM) < 3
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX
    assert pages_of(page.pdf(format="A4")) == 2


def test_a_households_handbook_fits_a4_page_by_page(office_page):
    pairing = f.HouseholdPairingFactory(start=date(2024, 1, 1))
    household = pairing.household
    for _ in range(4):
        f.MemberFactory(household=household, birth_date=date(1990, 1, 1))
    f.HouseholdPlanFactory(household=household)
    f.IncomeRecordFactory(household=household)
    for day in range(1, 25):
        f.VisitFactory(cadre=pairing.cadre, households=[household], start=date(2025, 3, day), stayed=day % 2 == 0,
                       tasks=["policy", "development"], help_given="协调春耕化肥，讲解产业扶持政策" * 2)
    page = office_page(f"/papers/households/{household.number}/handbook/")
    assert page.locator(".tools").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX
    pdf = page.pdf(format="A4")
    assert 2 <= pages_of(pdf) <= 4
    # Each page screenshot at A4 size: nothing wider than the sheet on any page.
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height, 1123):
        shot = page.screenshot(full_page=True, clip={"x": 0, "y": top, "width": A4_WIDTH_PX,
                                                     "height": min(1123, height - top)})
        assert int.from_bytes(shot[16:20], "big") == A4_WIDTH_PX  # the PNG's width: the page's, not wider
