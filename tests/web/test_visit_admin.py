"""Visits in the admin: entered and corrected by the rules of the phone and the API, never
around them; the office reviews anomaly flags and moves demands on."""
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from reports.services.submissions import approve_submission, submit_monthly_report
from visits.models import AnomalyFlag, Visit
from visits.services.trips import log_visit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 16)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def add_visit(client, cadre, households, start, end, **extra):
    return client.post(reverse("admin:visits_visit_add"), {
        "cadre": cadre.pk, "households": [h.pk for h in households], "start": start, "end": end, "tasks": ["policy"],
        "help_given": "", "notes": "", "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0, **extra})


def test_an_office_enters_a_trip_and_is_recorded_as_its_author(client, office, counties):
    mine = counties["mine"]
    someone = get_user_model().objects.create_user("someone")
    client.force_login(office)
    response = add_visit(client, mine["cadre"], [mine["household"]], "2025-03-03", "2025-03-04", created_by=someone.pk)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.created_by == office and visit.tasks == ["policy"]
    assert list(visit.households.all()) == [mine["household"]]


@pytest.mark.parametrize("start, end, message", [
    ("2025-06-17", "2025-06-17", "不能登记今天以后的走访"),
    ("2025-03-01", "2025-04-30", "一次走访最长31天"),
])
def test_a_trip_against_the_date_rules_is_refused_in_the_admin(client, office, counties, start, end, message):
    mine = counties["mine"]
    client.force_login(office)
    page = add_visit(client, mine["cadre"], [mine["household"]], start, end)
    assert page.status_code == 200 and message in page.text and not Visit.objects.exists()


def test_a_household_not_paired_with_the_cadre_is_refused_in_the_admin(client, office, counties):
    mine = counties["mine"]
    client.force_login(office)
    page = add_visit(client, mine["colleague"], [mine["household"]], "2025-06-10", "2025-06-10")
    assert page.status_code == 200 and "未与该干部结对" in page.text and not Visit.objects.exists()


def test_a_household_of_another_county_cannot_be_chosen(client, unit_admin, counties):
    client.force_login(unit_admin)
    page = add_visit(client, counties["mine"]["cadre"], [counties["next"]["household"]], "2025-06-10", "2025-06-10")
    assert page.status_code == 200 and "households" in page.context["adminform"].form.errors
    assert not Visit.objects.exists()


def test_a_trip_in_a_locked_month_is_refused_even_for_the_system_administrator(client, counties):
    mine = counties["mine"]
    submission = submit_monthly_report(unit=mine["unit"], month=date(2025, 5, 1), summary="五月", by=None)
    approve_submission(submission=submission, by=None)
    client.force_login(get_user_model().objects.create_superuser("root"))
    page = add_visit(client, mine["cadre"], [mine["household"]], "2025-05-20", "2025-05-21")
    assert page.status_code == 200 and "锁定" in page.text and not Visit.objects.exists()


def test_correcting_a_trip_of_a_locked_month_is_refused(client, office, counties):
    mine = counties["mine"]
    visit = log_visit(cadre=mine["cadre"], households=[mine["household"]], start=date(2025, 5, 20),
                      end=date(2025, 5, 20), key=None, own_entry=False)
    approve_submission(submission=submit_monthly_report(unit=mine["unit"], month=date(2025, 5, 1), summary="五月", by=None),
                       by=None)
    client.force_login(office)
    page = client.post(reverse("admin:visits_visit_change", args=[visit.pk]), {
        "households": [mine["household"].pk], "start": "2025-06-02", "end": "2025-06-02", "help_given": "", "notes": "",
        "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0})
    assert page.status_code == 200 and "锁定" in page.text
    visit.refresh_from_db()
    assert visit.start == date(2025, 5, 20)


def test_an_office_corrects_a_trip_through_the_rules(client, office, counties):
    mine = counties["mine"]
    visit = log_visit(cadre=mine["cadre"], households=[mine["household"]], start=date(2025, 6, 2), end=date(2025, 6, 2),
                      key=None, own_entry=False)
    client.force_login(office)
    response = client.post(reverse("admin:visits_visit_change", args=[visit.pk]), {
        "households": [mine["household"].pk], "start": "2025-06-03", "end": "2025-06-04", "stayed": "on",
        "help_given": "", "notes": "补记", "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.start, visit.end, visit.stayed, visit.notes, visit.cadre) == (
        date(2025, 6, 3), date(2025, 6, 4), True, "补记", mine["cadre"])


def overlapping_trips(county):
    today = timezone.localdate()
    for start, end in ((6, 4), (4, 2)):
        log_visit(cadre=county["cadre"], households=[county["household"]], start=today - timedelta(days=start),
                  end=today - timedelta(days=end), key=uuid.uuid4())
    return AnomalyFlag.objects.get(visit__cadre=county["cadre"])


def test_an_office_clears_a_flag_of_its_county(client, office, counties):
    flag = overlapping_trips(counties["mine"])
    client.force_login(office)
    client.post(reverse("admin:visits_anomalyflag_changelist"),
                {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "cleared" and flag.reviewed_by == office


def test_a_flag_of_the_next_county_cannot_be_cleared(client, office, counties):
    flag = overlapping_trips(counties["next"])
    client.force_login(office)
    client.post(reverse("admin:visits_anomalyflag_changelist"),
                {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "open"




def test_an_office_escalated_demand_is_resolved_with_a_note_in_the_admin(client, office, counties):
    from visits.services.demands import advance_demand, record_demand

    mine = counties["mine"]
    demand = record_demand(cadre=mine["cadre"], household=mine["household"], category="housing", text="危房")
    advance_demand(demand=demand, status="escalated", note="上报", by=None)
    client.force_login(office)
    url = reverse("admin:visits_demand_change", args=[demand.pk])
    empty = {"follow_ups-TOTAL_FORMS": 0, "follow_ups-INITIAL_FORMS": 0}
    page = client.post(url, {"next_status": "resolved", "follow_up": "", **empty})
    assert "请填写办理情况" in page.text
    client.post(url, {"next_status": "resolved", "follow_up": "已列入危改计划", **empty})
    demand.refresh_from_db()
    assert demand.status == "resolved" and demand.follow_ups.order_by("pk").last().by == office
