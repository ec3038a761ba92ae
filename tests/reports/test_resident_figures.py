"""The residents' figures (驻村工作队, docs/domain.md §8 and §11) in a report and on the dashboard:
posting rows from the compliance engine, on pace at the period's end, days in the village in the
period, and the poor villages without a resident team or a first secretary.

On the county of conftest.py, March 2025 (31 March is day 90: ceil(220 × 90 ÷ 365) = 55 days owed):
    李二 (U1) first secretary in 甲村 (poor) since 1 January, in the village every day: on pace;
    王三 (U2) member in 丙村 (poor) since 1 January, 10–14 March only: behind;
    赵四 (U3) member in 麦积一村, next door: never counted for 秦州区.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.dashboard import compute
from reports.figures import FIGURES, Subject, report_figures
from reports.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db

MARCH = Period.parse("monthly", "2025-03")


@pytest.fixture
def residents(county):
    c1, c2, c3, c4 = county.cadres
    v1, _v2, v3 = county.villages
    secretary = f.PostingFactory(cadre=c2, village=v1, role="first_secretary", start=date(2025, 1, 1))
    f.StayFactory(posting=secretary, start=date(2025, 1, 1), end=date(2025, 3, 31))
    member = f.PostingFactory(cadre=c3, village=v3, role="member", start=date(2025, 1, 1))
    f.StayFactory(posting=member, start=date(2025, 3, 10), end=date(2025, 3, 14))
    f.PostingFactory(cadre=c4, village=county.outside, role="member", start=date(2025, 1, 1))
    return county


def summary_of(subject, period=MARCH):
    return report_figures(subject=subject, period=period, as_of=period.end)["summary"]


def resident_figures(summary):
    return {k: summary[k] for k in ("residents_due", "residents_on_track", "resident_compliance_rate", "resident_days")}


def test_an_area_report_counts_the_postings_to_its_villages_and_their_pace(residents):
    summary = summary_of(Subject(area_code=residents.county.code))
    assert resident_figures(summary) == {
        "residents_due": 2, "residents_on_track": 1, "resident_compliance_rate": "50.0", "resident_days": 31 + 5}


def test_an_area_report_counts_its_poor_villages_without_a_resident_team_or_a_first_secretary(residents):
    residents.villages[2].postings.update(end=date(2025, 3, 30))  # 丙村's member left before the end of March
    summary = summary_of(Subject(area_code=residents.county.code))
    assert (summary["poor_villages_without_resident_team"], summary["poor_villages_without_first_secretary"]) == (1, 1)


def test_a_unit_report_counts_the_postings_of_its_cadres_wherever_they_are(residents):
    summary = summary_of(Subject(unit_id=residents.units[2].pk))  # 麦积局: its member next door, no stays
    assert resident_figures(summary) == {
        "residents_due": 1, "residents_on_track": 0, "resident_compliance_rate": "0.0", "resident_days": 0}


def test_a_unit_that_posted_nobody_has_no_resident_rows(county):
    summary = summary_of(Subject(unit_id=county.units[0].pk))
    assert resident_figures(summary) == {
        "residents_due": 0, "residents_on_track": 0, "resident_compliance_rate": "", "resident_days": 0}


def test_leave_keeps_a_resident_on_pace(residents):
    f.LeaveFactory(cadre=residents.cadres[2], start=date(2025, 1, 1), end=date(2025, 3, 26))  # 85 of 90 days
    summary = summary_of(Subject(area_code=residents.county.code))
    assert summary["residents_on_track"] == 2  # 王三 owes ceil(220 × 5 ÷ 365) = 4 days and has 5


def test_every_resident_figure_has_a_label():
    for key in ("residents_due", "residents_on_track", "resident_compliance_rate", "resident_days",
                "poor_villages_without_resident_team", "poor_villages_without_first_secretary"):
        assert FIGURES[key].label


# --- the dashboard ---------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_areas_residents_on_pace(residents):
    figures = compute(area=residents.county, year=2025, as_of=date(2025, 3, 31))
    s = figures["summary"]
    assert (s["residents_due"], s["residents_on_track"], s["resident_compliance_rate"]) == (2, 1, "50.0")
    assert s["poor_villages_without_resident_team"] == 0


def test_the_dashboard_counts_residents_once_for_the_area_not_once_per_child(residents):
    with CaptureQueriesContext(connection) as captured:
        compute(area=residents.county, year=2025, as_of=date(2025, 3, 31))
    resident_statements = [q["sql"] for q in captured.captured_queries if "visits_stay" in q["sql"]]
    assert len(resident_statements) == 1  # the year's days and the pace in one, for the county's two townships alike


@time_machine.travel(datetime(2025, 3, 31, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_dashboard_page_shows_the_residents_figure(client, residents, people):
    cache.clear()
    client.force_login(people.leader)
    page = client.get(reverse("dashboard")).text
    block = page.split('id="residents"')[1].split("</div>")[0]
    assert "50.0%" in block and "1 / 2" in block
