"""A cadre on a phone opens the site, signs in with the ID number and lands on 我的双联."""

import pytest

from tests.browser.conftest import CADRE_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_signs_in_from_the_front_page_and_lands_on_the_workspace(phone, live_server, cadre):
    phone.goto(f"{live_server.url}/")
    label = phone.locator("label[for=id_username]")
    assert "身份证号" in label.inner_text()
    phone.get_by_label("用户名（干部请填身份证号）").fill(cadre.id_number)
    phone.get_by_label("密码").fill(CADRE_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_selector("#progress")
    assert phone.url == f"{live_server.url}/visits/" and phone.title() == "我的双联"
    assert phone.locator("#progress h1").inner_text().startswith(cadre.name)
    phone.screenshot(path="/tmp/shuanglian-sign-in-landing.png", full_page=True)


def test_the_sign_in_page_fits_a_phone(phone, live_server):
    phone.goto(f"{live_server.url}/")
    phone.wait_for_selector("#sign-in")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone.locator("#id_username").bounding_box()
    assert box["width"] >= 250 and box["height"] >= 36
    phone.screenshot(path="/tmp/shuanglian-sign-in.png", full_page=True)
