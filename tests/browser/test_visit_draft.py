"""The phone keeps a visit's draft only until the server has the visit: a saved visit leaves an
empty form for the next one; a refused one comes back with every field and tick; one saved
without a signal waits in the phone's outbox (static/js/outbox.js) instead."""
from datetime import date, timedelta

import pytest

from tests.browser.conftest import sign_in
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTES = "王大爷家的屋顶漏雨，需要协调危房改造。"


def sign_in_and_open_the_form(page, live_server, cadre):
    sign_in(page, f"{live_server.url}/", cadre.id_number)
    page.wait_for_selector("#progress")
    open_the_form(page)


def open_the_form(page):
    page.click("text=登记走访")
    page.wait_for_selector("#visit-form")


def fill_the_visit(page):
    page.check("input[name=households]")
    page.check("input[name=tasks][value=policy]")
    page.fill("textarea[name=notes]", NOTES)


def assert_the_draft_is_back(page):
    assert page.input_value("textarea[name=notes]") == NOTES
    assert page.is_checked("input[name=households]")
    assert page.is_checked("input[name=tasks][value=policy]")


def test_a_saved_visit_leaves_an_empty_form_for_the_next_one(phone, live_server, cadre):
    sign_in_and_open_the_form(phone, live_server, cadre)
    fill_the_visit(phone)
    phone.click("#save-visit")
    phone.wait_for_selector("#progress")
    assert Visit.objects.get(cadre=cadre).notes == NOTES
    open_the_form(phone)
    assert phone.input_value("textarea[name=notes]") == ""
    assert not phone.is_checked("input[name=households]")
    assert not phone.is_checked("input[name=tasks][value=policy]")


def test_a_visit_the_server_refuses_comes_back_with_its_ticks(phone, live_server, cadre):
    sign_in_and_open_the_form(phone, live_server, cadre)
    fill_the_visit(phone)
    # An end before the start is refused whatever today is.
    start = date.fromisoformat(phone.input_value("input[name=start]"))
    phone.fill("input[name=end]", (start - timedelta(days=1)).isoformat())
    phone.click("#save-visit")
    phone.wait_for_selector("#visit-form .error")
    phone.click("text=返回")
    phone.wait_for_selector("#progress")
    open_the_form(phone)
    assert_the_draft_is_back(phone)
    assert not Visit.objects.exists()


def test_a_visit_saved_without_a_signal_waits_in_the_outbox_not_as_a_draft(phone, live_server, cadre):
    sign_in_and_open_the_form(phone, live_server, cadre)
    fill_the_visit(phone)
    key = phone.input_value("input[name=key]")
    phone.context.set_offline(True)
    phone.click("#save-visit")
    phone.wait_for_selector("#outbox-count:text('1')")
    assert phone.input_value("input[name=key]") != key  # the next visit gets a key of its own
    phone.context.set_offline(False)
    phone.wait_for_selector("#outbox", state="hidden")
    assert Visit.objects.get(cadre=cadre).notes == NOTES
    phone.goto(f"{live_server.url}/visits/new/")
    phone.wait_for_selector("#visit-form")
    assert phone.input_value("textarea[name=notes]") == ""
