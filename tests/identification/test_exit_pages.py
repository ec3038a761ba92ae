"""The cadre's checklist pages, the yearly update and the printed notices, as each role sees them."""
from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from households.models import Household
from identification.models import ExitChecklist
from tests import factories as f
from tests.web.conftest import PASSWORD, counties, leader, office, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db  # the clock is pinned (autouse fixture): no date of the session matters
YEAR = 2025


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides) -> dict:
    data = {"key": str(uuid.uuid4())}
    for key in ("food", "clothing", "schooling", "medical", "housing"):
        data[key] = "yes"
        data[f"{key}_note"] = ""
    data.update(overrides)
    return data


def checklist_url(household) -> str:
    return f"/identification/households/{household.number}/checklist/?year={YEAR}"


# --- the cadre's phone form ------------------------------------------------------------------------

def test_the_cadre_sees_the_income_against_the_line(counties):
    mine = counties["mine"]
    f.IncomeRecordFactory(household=mine["household"], year=YEAR, resident_population=1, total_income=Decimal("3100"))
    html = client_for(mine["cadre"].user).get(checklist_url(mine["household"])).content.decode()
    assert "3100.00" in html and "2875" in html and "data-outbox" in html and 'name="key"' in html


def test_saving_an_all_holding_checklist_says_the_household_may_be_proposed(counties):
    mine = counties["mine"]
    f.IncomeRecordFactory(household=mine["household"], year=YEAR, resident_population=1, total_income=Decimal("3100"))
    response = client_for(mine["cadre"].user).post(checklist_url(mine["household"]), form_data(), follow=True)
    assert "可以提出脱贫申请" in response.content.decode()


def test_a_failed_item_without_a_note_is_shown_on_the_form_and_nothing_is_stored(counties):
    mine = counties["mine"]
    response = client_for(mine["cadre"].user).post(checklist_url(mine["household"]), form_data(housing="no"))
    assert response.status_code == 200 and "请说明情况" in response.content.decode()
    assert not ExitChecklist.objects.exists()


def test_after_saving_a_failed_item_the_reasons_are_shown(counties):
    mine = counties["mine"]
    response = client_for(mine["cadre"].user).post(
        checklist_url(mine["household"]), form_data(housing="no", housing_note="危房"), follow=True)
    html = response.content.decode()
    assert "暂不能提出脱贫申请" in html and "住房安全有保障" in html and "没有2025年度家庭收入记录" in html


def test_a_resent_form_stores_once(counties):
    mine = counties["mine"]
    client, data = client_for(mine["cadre"].user), form_data()
    client.post(checklist_url(mine["household"]), data)
    client.post(checklist_url(mine["household"]), data)
    assert ExitChecklist.objects.count() == 1


def test_another_counties_cadre_cannot_open_the_form(counties):
    response = client_for(counties["next"]["cadre"].user).get(checklist_url(counties["mine"]["household"]))
    assert response.status_code == 404


def test_a_leader_may_not_record(counties, leader):
    response = client_for(leader).post(checklist_url(counties["mine"]["household"]), form_data())
    assert response.status_code == 403 and not ExitChecklist.objects.exists()


def test_the_cadre_lists_their_households_with_the_checklist_state(counties):
    mine = counties["mine"]
    html = client_for(mine["cadre"].user).get("/identification/checklists/").content.decode()
    assert mine["household"].head_name in html and "未填报" in html


def test_anonymous_is_sent_to_sign_in():
    assert Client().get("/identification/checklists/").status_code == 302


# --- the yearly update -----------------------------------------------------------------------------

@pytest.fixture
def announced(counties):
    mine = counties["mine"]
    new = Household.objects.create(number="H-NEW", village=mine["village"], head_name="新户", head_id_number=f.id_number(order=21),
                                   resident_population=4)
    f.AnnouncedStepFactory.announce([mine["household"]], village=mine["village"], procedure="exit", date=date(2025, 10, 9))
    f.AnnouncedStepFactory.announce([new], village=mine["village"], procedure="identification", date=date(2025, 3, 2))
    f.AnnouncedStepFactory.announce([counties["next"]["household"]], village=counties["next"]["village"], procedure="exit")
    # Not announcements, or not passed: not on the lists.
    f.AnnouncedStepFactory.announce([new], village=mine["village"], procedure="return", stage="first_notice")
    f.AnnouncedStepFactory.announce([new], village=mine["village"], procedure="return", passed=False)
    return mine


def test_the_yearly_update_lists_the_years_announced_households_of_the_area(announced, office):
    html = client_for(office).get(f"/identification/yearly/?year={YEAR}").content.decode()
    assert "新户" in html and announced["household"].head_name in html
    assert "麦积" not in html
    assert "2026年1月20日" in html


def test_the_yearly_update_counts_per_township(announced, office):
    response = client_for(office).get(f"/identification/yearly/?year={YEAR}")
    [area] = response.context["areas"]
    assert (area["identification"], area["exit"], area["return"]) == (1, 1, 0)
    assert area["identification_people"] == 4


def test_the_yearly_update_exports_to_excel(announced, office):
    response = client_for(office).get(f"/identification/yearly/?year={YEAR}&format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].values)
    assert rows[0][0] == "类别" and {r[1] for r in rows[1:]} == {"H-NEW", announced["household"].number}
    assert "*" in rows[1][3]  # an office without 可查看完整身份证号 gets masked numbers


def test_a_cadre_may_not_open_the_yearly_update(counties):
    assert client_for(counties["mine"]["cadre"].user).get("/identification/yearly/").status_code == 403


# --- printed notices -------------------------------------------------------------------------------

def test_a_notice_prints_the_households_dates_and_objection_channel_without_full_id_numbers(counties, office):
    mine = counties["mine"]
    step = f.AnnouncedStepFactory.announce([mine["household"]], village=mine["village"], stage="first_notice",
                                           date=date(2025, 9, 1), end_date=date(2025, 9, 7), note="联系人：王主任")
    html = client_for(office).get(f"/identification/steps/{step.pk}/notice/").content.decode()
    assert "秦州区一村2025年脱贫退出公示" in html
    assert mine["household"].head_name in html and mine["household"].head_id_number not in html
    assert "2025年9月1日至2025年9月7日" in html and "12317" in html and "秦州区一镇" in html and "王主任" in html
    assert "size: A4" in html


def test_an_announcement_prints_only_the_passed_households(counties, office):
    mine = counties["mine"]
    other = Household.objects.create(number="H-NO", village=mine["village"], head_name="未通过户",
                                     head_id_number=f.id_number(order=23), resident_population=2)
    step = f.AnnouncedStepFactory.announce([mine["household"]], village=mine["village"])
    f.AnnouncedEntryFactory(step=step, household=other, passed=False)
    html = client_for(office).get(f"/identification/steps/{step.pk}/notice/").content.decode()
    assert "公告" in html and mine["household"].head_name in html and "未通过户" not in html


def test_a_step_that_is_no_notice_is_not_printed(counties, office):
    step = f.AnnouncedStepFactory(village=counties["mine"]["village"], stage="vote")
    assert client_for(office).get(f"/identification/steps/{step.pk}/notice/").status_code == 404


def test_a_notice_of_another_county_is_refused(counties, office):
    step = f.AnnouncedStepFactory.announce([counties["next"]["household"]], village=counties["next"]["village"])
    assert client_for(office).get(f"/identification/steps/{step.pk}/notice/").status_code == 404


def test_anonymous_may_not_print_a_notice(counties):
    step = f.AnnouncedStepFactory(village=counties["mine"]["village"])
    assert Client().get(f"/identification/steps/{step.pk}/notice/").status_code == 302


def test_the_verification_form_prints_the_items_income_and_signature_boxes(counties, office):
    mine = counties["mine"]
    checklist = f.ExitChecklistFactory.all_hold(household=mine["household"], year=YEAR)
    checklist.items.filter(item="housing").update(holds=False, note="危房改造中")
    f.IncomeRecordFactory(household=mine["household"], year=YEAR, resident_population=1, total_income=Decimal("2000"))
    html = client_for(office).get(f"/identification/households/{mine['household'].number}/verification/?year={YEAR}").content.decode()
    assert "2025年度贫困户脱贫验收表" in html and "危房改造中" in html and "2000.00" in html and "2875" in html
    assert "户主签字" in html and "不符合脱贫条件" in html and mine["household"].head_id_number not in html


def test_the_verification_form_of_another_county_is_refused(counties, office):
    url = f"/identification/households/{counties['next']['household'].number}/verification/"
    assert client_for(office).get(url).status_code == 404


# --- in English --------------------------------------------------------------------------------------

def test_the_pages_read_in_english(counties, office):
    import re

    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    mine = counties["mine"]
    cadre_page = client_for(mine["cadre"].user).get(checklist_url(mine["household"]), HTTP_ACCEPT_LANGUAGE="en")
    yearly_page = client_for(office).get(f"/identification/yearly/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en")
    for response in (cadre_page, yearly_page):
        html = response.content.decode()
        headings = re.findall(r"<(?:h1|h2|legend|button)\b[^>]*>(.*?)</", html, re.S)
        assert headings and not [h for h in headings if cjk.search(re.sub(r"<[^>]+>", "", h))]


def test_an_office_of_the_county_records_the_checklist_on_the_same_page(counties, office):
    mine = counties["mine"]
    page = client_for(office).get(checklist_url(mine["household"]))
    assert page.status_code == 200 and f"/households/{mine['household'].number}/" in page.content.decode()
    client_for(office).post(checklist_url(mine["household"]), form_data())
    assert ExitChecklist.objects.get().recorded_by == office
