"""A villager files an anonymous complaint on a phone and follows it with the receipt code; the
county's inspection group closes it with a finding on its discipline page (docs/domain.md §13)."""
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from discipline.models import Complaint
from pairing.models import Role
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-inspector-passw0rd"


@pytest.fixture
def inspector(settings, tmp_path):
    settings.DISCIPLINE_ROOT = tmp_path
    cache.clear()  # the address's filing and lookup counts
    f.province(), f.city()
    county = f.county()
    user = get_user_model().objects.create_user("qinzhou_inspector", password=PASSWORD, is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.INSPECTOR, area=county)
    return user


def test_a_villager_files_anonymously_follows_the_code_and_the_inspection_group_closes_it(phone, live_server, inspector):
    phone.goto(f"{live_server.url}/jubao/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.select_option("select[name=area]", "620502000000")
    phone.select_option("select[name=rule]", "hospitality")
    phone.fill("input[name=target_name]", "驻村的王干部")
    phone.fill("textarea[name=content]", "王干部上周在村里喝酒吃饭，群众有意见。")
    phone.click("#complaint-form button[type=submit]")
    code = phone.inner_text("#receipt-code").strip()
    assert len(code) == 12 and Complaint.objects.get().complainant_name == ""

    phone.click("#status-link")
    phone.fill("input[name=code]", code.lower())
    phone.click("button[type=submit]")
    assert "已受理" in phone.inner_text("#complaint-status")

    sign_in(phone, f"{live_server.url}/accounts/login/", "qinzhou_inspector", PASSWORD)
    phone.wait_for_url("**/")
    phone.goto(f"{live_server.url}/discipline/")
    phone.click("#complaints a")
    phone.fill("#note-form textarea[name=text]", "已走访两户群众核实。")
    phone.click("#note-form button[type=submit]")
    assert phone.inner_text("#status") == "调查中"
    phone.fill("#close-form textarea[name=finding_text]", "反映属实，已责令其退还餐费并作检查。")
    phone.click("#close-form button[type=submit]")
    assert "办结须选择查处结论" in phone.inner_text("#close-form")
    phone.select_option("#close-form select[name=finding]", "substantiated")
    phone.click("#close-form button[type=submit]")
    assert phone.inner_text("#status") == "已办结"

    phone.goto(f"{live_server.url}/jubao/status/")
    phone.fill("input[name=code]", code)
    phone.click("main button[type=submit]")
    status = phone.inner_text("#complaint-status")
    assert "已办结" in status and "反映属实，已责令其退还餐费并作检查。" in status
    assert "已走访两户群众核实" not in phone.content()
