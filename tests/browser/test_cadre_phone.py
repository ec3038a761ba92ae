"""A cadre on a phone signs in, logs a visit, and sees the progress move."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, cadre):
    sign_in(page, f"{live_server.url}/accounts/login/", cadre.id_number)
    page.wait_for_selector("#progress")


def open_form_and_pick_household(page):
    page.click("text=登记走访")
    page.wait_for_selector("#visit-form")
    page.check("input[name=households]")


def test_a_cadre_logs_a_visit_and_sees_the_progress_change(phone, live_server, cadre):
    sign_in_as(phone, live_server, cadre)
    assert phone.inner_text("#visits-done") == "0"
    open_form_and_pick_household(phone)
    phone.check("input[name=tasks][value=policy]")
    phone.click("#save-visit")
    phone.wait_for_selector("#progress")
    phone.wait_for_selector("#outbox-flash:has-text('已发送：走访')")  # said once the API has the visit
    assert phone.inner_text("#visits-done") == "1"


def test_a_double_tap_stores_one_visit(phone, live_server, cadre):
    sign_in_as(phone, live_server, cadre)
    open_form_and_pick_household(phone)
    phone.dblclick("#save-visit")
    phone.wait_for_selector("#progress")
    assert Visit.objects.filter(cadre=cadre).count() == 1


def test_a_future_date_shows_the_message(phone, live_server, cadre):
    sign_in_as(phone, live_server, cadre)
    open_form_and_pick_household(phone)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    phone.fill("input[name=start]", future)
    phone.fill("input[name=end]", future)
    phone.click("#save-visit")
    phone.wait_for_selector(".error")
    assert "不能登记今天以后的走访" in phone.inner_text("#visit-form")
    assert not Visit.objects.exists()
    phone.screenshot(path="/tmp/shuanglian-visit-error.png", full_page=True)
