"""The reports count the typical cases published in their period (the task 推广典型)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from publicity.services import review_case, submit_case
from reports.figures import FIGURES, Subject, report_figures
from reports.periods import Period

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def publish(by_unit, office, on: datetime, title="典型"):
    with time_machine.travel(on, tick=False):
        case, _ = submit_case(by=by_unit, category="industry", title=title, text="事迹")
        return review_case(case=case, by=office, publish=True)


def test_a_monthly_report_counts_the_cases_published_in_its_month(office, unit_admin, world):
    zone = ZoneInfo("Asia/Shanghai")
    publish(unit_admin, office, datetime(2025, 3, 31, 23, 30, tzinfo=zone))  # last evening of March, local time
    publish(unit_admin, office, datetime(2025, 4, 1, 0, 30, tzinfo=zone))
    march = Period.parse("monthly", "2025-03")
    area = report_figures(subject=Subject(area_code="620502000000"), period=march, as_of=march.end)["summary"]
    unit = report_figures(subject=Subject(unit_id=world["mine"]["unit"].pk), period=march, as_of=march.end)["summary"]
    other = report_figures(subject=Subject(area_code="620503000000"), period=march, as_of=march.end)["summary"]
    assert (area["typical_cases_published"], unit["typical_cases_published"], other["typical_cases_published"]) == (1, 1, 0)
    assert FIGURES["typical_cases_published"].label == "本期发布典型数"


def test_an_annual_report_counts_the_years_cases(office, unit_admin):
    publish(unit_admin, office, datetime(2025, 2, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    year = Period.parse("annual", "2025")
    assert report_figures(subject=Subject(area_code="620500000000"), period=year,
                          as_of=date(2025, 12, 31))["summary"]["typical_cases_published"] == 1
