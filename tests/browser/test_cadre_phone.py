"""A cadre on a phone signs in, logs a visit, and sees the progress move."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests import factories as f
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-phone-passw0rd"


@pytest.fixture
def cadre():
    pairing = f.HouseholdPairingFactory(start=timezone.localdate() - timedelta(days=200))
    user = get_user_model().objects.create_user(pairing.cadre.id_number, password=PASSWORD)
    pairing.cadre.user = user
    pairing.cadre.save()
    return pairing.cadre


def sign_in(page, live_server, cadre):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", cadre.id_number)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#progress")


def open_form_and_pick_household(page):
    page.click("text=登记走访")
    page.wait_for_selector("#visit-form")
    page.check("input[name=households]")


def test_a_cadre_logs_a_visit_and_sees_the_progress_change(phone, live_server, cadre):
    sign_in(phone, live_server, cadre)
    assert phone.inner_text("#visits-done") == "0"
    open_form_and_pick_household(phone)
    phone.check("input[name=tasks][value=policy]")
    phone.click("#save-visit")
    phone.wait_for_selector("#progress")
    assert phone.inner_text("#visits-done") == "1"
    assert "走访已登记" in phone.content()


def test_a_double_tap_stores_one_visit(phone, live_server, cadre):
    sign_in(phone, live_server, cadre)
    open_form_and_pick_household(phone)
    phone.dblclick("#save-visit")
    phone.wait_for_selector("#progress")
    assert Visit.objects.filter(cadre=cadre).count() == 1


def test_a_future_date_shows_the_message(phone, live_server, cadre):
    sign_in(phone, live_server, cadre)
    open_form_and_pick_household(phone)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    phone.fill("input[name=start]", future)
    phone.fill("input[name=end]", future)
    phone.click("#save-visit")
    phone.wait_for_selector(".error")
    assert "不能登记今天以后的走访" in phone.inner_text("#visit-form")
    assert not Visit.objects.exists()
    phone.screenshot(path="/tmp/shuanglian-visit-error.png", full_page=True)
