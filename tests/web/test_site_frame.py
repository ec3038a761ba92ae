"""What frames every page: where each role lands, the language menu, the site's icon, and the
admin's own pages in the reader's language."""
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- where each role lands -------------------------------------------------------------------------

def test_a_leader_lands_on_the_dashboard(client, leader):
    client.force_login(leader)
    assert client.get(reverse("home")).url == reverse("dashboard")


def test_an_office_stays_on_the_household_list(client, office):
    client.force_login(office)
    assert client.get(reverse("home")).status_code == 200


def test_an_inspection_group_stays_on_the_household_list(client, counties):
    from .conftest import staff

    client.force_login(staff("inspector", kind="inspector", area_id="620502000000"))
    assert client.get(reverse("home")).status_code == 200


# --- the language menu -----------------------------------------------------------------------------

def test_the_language_menu_names_each_language_in_its_own_name(client, office):
    client.force_login(office)
    chinese = client.get(reverse("home")).text
    english = in_english(client).get(reverse("home")).text
    for page in (chinese, english):
        menu = page.split('name="language"', 1)[1].split("</select>", 1)[0]
        assert ">English</option>" in menu and ">简体中文</option>" in menu
        assert "英语" not in menu and "Simplified Chinese" not in menu


# --- the site's icon ------------------------------------------------------------------------------

def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    response.close()


def test_pages_and_the_admin_link_the_site_icon(client, office):
    client.force_login(office)
    for url in (reverse("home"), reverse("admin:index"), reverse("admin:households_household_changelist")):
        assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get(url).text, url


# --- the admin in English -------------------------------------------------------------------------

def test_the_admin_header_and_its_index_box_are_english_in_english(client, office):
    client.force_login(office)
    page = in_english(client).get(reverse("admin:index")).text
    assert "Pairing Campaign Management System" in page and "Everyday tasks" in page
    assert "Import a roster (whole workbook)" in page and "<h1>Administration</h1>" in page
    for chinese in ("双联工作管理系统", "常用", "导入花名册", "管理首页"):
        assert chinese not in page


def test_the_admin_stays_chinese_by_default(client, office):
    client.force_login(office)
    page = client.get(reverse("admin:index")).text
    assert "双联工作管理系统" in page and "常用" in page and "管理首页" in page


def test_the_roster_upload_page_is_english_in_english(client, office):
    client.force_login(office)
    page = in_english(client).get(reverse("admin:roster-upload")).text
    assert "Upload the whole roster workbook" in page and 'value="Check and import"' in page
    assert "上传整个花名册" not in page and "校验并导入" not in page


def test_the_coverage_page_is_english_in_english(client, office):
    client.force_login(office)
    page = in_english(client).get(reverse("admin:pairing-coverage")).text
    assert "As of " in page and "To review: paired households outside the unit" in page
    assert "截至" not in page and "待审核" not in page
