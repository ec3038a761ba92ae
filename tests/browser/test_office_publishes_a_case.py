"""An office publishes a submitted typical case; an anonymous visitor then finds it on the public page."""
import pytest

from pairing.models import Role
from publicity.services import submit_case
from tests.browser.conftest import sign_in
from tests.web.conftest import PASSWORD, area, county, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_office_publishes_a_case_and_the_public_page_shows_it(browser, live_server, settings, tmp_path):
    settings.PUBLICITY_PHOTOS_ROOT = tmp_path
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine = county("620502", "秦州区", 1)
    unit_admin = staff("unitadmin", kind=Role.Kind.UNIT_ADMIN, unit=mine["unit"])
    staff("office", kind=Role.Kind.OFFICE, area_id="620502000000")
    case, _ = submit_case(by=unit_admin, category="industry", title="花椒产业带富一村", text="户均增收三千元。")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, f"{live_server.url}/accounts/login/", "office", PASSWORD)
    page.goto(f"{live_server.url}/dianxing/{case.pk}/")
    page.click("#review-form button[value=publish]")
    page.wait_for_selector("#case-status:has-text('已发布')")
    context.close()

    visitor = browser.new_context(locale="zh-CN")
    public = visitor.new_page()
    public.goto(f"{live_server.url}/gongkai/")
    public.click("#public-cases a:text('花椒产业带富一村')")
    public.wait_for_selector("h1:text('花椒产业带富一村')")
    assert "户均增收三千元" in public.content()
    visitor.close()
