"""The printed notice and the exit verification form fit A4 in Chromium."""
import re
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pairing.models import Role
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_a_notice_of_twenty_households_and_the_verification_form_each_print_on_one_a4_page(browser, live_server):
    village = f.village()
    households = [f.HouseholdFactory(village=village, main_cause="illness") for _ in range(20)]
    step = f.AnnouncedStepFactory.announce(households, village=village, stage="first_notice",
                                           date=date(2025, 9, 1), end_date=date(2025, 9, 7))
    f.ExitChecklistFactory.all_hold(household=households[0], year=2025)
    office = f.UserFactory()
    f.RoleFactory(user=office, kind=Role.Kind.OFFICE, area_id=f.COUNTY)
    client = Client()
    client.force_login(office)
    context = browser.new_context()
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    try:
        for path in (f"/identification/steps/{step.pk}/notice/",
                     f"/identification/households/{households[0].number}/verification/?year=2025"):
            page.goto(live_server.url + path)
            page.emulate_media(media="print")
            assert page.locator(".tools").is_hidden()
            assert pages_of(page.pdf(format="A4")) == 1, path
    finally:
        context.close()
