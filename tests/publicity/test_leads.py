"""Lead units per county and year, their meetings, and the counties missing meetings."""
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from publicity.models import LeadMeeting, LeadUnit
from publicity.selectors import counties_missing_meetings
from publicity.services import record_lead_unit, record_meeting
from shuanglian.errors import DomainError

pytestmark = pytest.mark.django_db  # the clock is pinned (autouse fixture): no date of the session matters


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(date(2025, 11, 20), tick=False):
        yield


@pytest.fixture
def lead(office, world):
    from households.models import Area

    return record_lead_unit(county=Area.objects.get(code="620502000000"), year=2025, unit=world["mine"]["unit"], by=office)


def test_a_county_with_one_meeting_is_missing(office, lead):
    record_meeting(lead=lead, on=date(2025, 3, 1), topic="成员单位会议", attendees=12, by=office)
    assert list(counties_missing_meetings(office, 2025)) == [lead]


def test_a_county_with_two_meetings_is_not_missing(office, lead):
    record_meeting(lead=lead, on=date(2025, 3, 1), topic="一季度会商", attendees=12, by=office)
    record_meeting(lead=lead, on=date(2025, 9, 1), topic="三季度会商", attendees=10, by=office)
    assert not counties_missing_meetings(office, 2025).exists()


def test_a_meeting_outside_the_leads_year_is_refused(office, lead):
    with pytest.raises(DomainError, match="会议日期应在2025年内"):
        record_meeting(lead=lead, on=date(2024, 12, 30), topic="会商", attendees=5, by=office)
    assert not LeadMeeting.objects.exists()


def test_a_meeting_in_the_future_is_refused(office, lead):
    with pytest.raises(DomainError, match="不能晚于今天"):
        record_meeting(lead=lead, on=date(2025, 12, 1), topic="会商", attendees=5, by=office)


def test_a_second_lead_unit_for_the_county_and_year_is_refused(office, lead, world):
    with pytest.raises(DomainError, match="已确定牵头单位"):
        record_lead_unit(county=lead.county, year=2025, unit=world["mine"]["unit"], by=office)
    assert LeadUnit.objects.count() == 1


def test_another_countys_office_cannot_record_a_meeting(other_office, lead):
    with pytest.raises(DomainError, match="管辖范围"):
        record_meeting(lead=lead, on=date(2025, 3, 1), topic="会商", attendees=5, by=other_office)


def test_the_leads_page_lists_the_missing_county(client, office, lead):
    client.force_login(office)
    page = client.get(reverse("publicity-leads") + "?year=2025").content.decode()
    assert "秦州区农业局" in page and "已开会 0 次" in page


def test_the_leads_page_records_a_meeting(client, office, lead):
    client.force_login(office)
    response = client.post(reverse("publicity-leads") + "?year=2025", {
        "form": "meeting", "lead": lead.pk, "on": "2025-05-06", "topic": "成员单位会议", "attendees": 9})
    assert response.status_code == 302 and lead.meetings.count() == 1


def test_the_leads_page_refuses_a_meeting_without_attendees_in_chinese(client, office, lead):
    client.force_login(office)
    response = client.post(reverse("publicity-leads") + "?year=2025", {
        "form": "meeting", "lead": lead.pk, "on": "2025-05-06", "topic": "会议", "attendees": 0})
    assert response.status_code == 200 and not lead.meetings.exists()
