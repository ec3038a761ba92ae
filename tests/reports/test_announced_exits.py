"""This year's exits in the reports and the dashboard are the announced ones (公告), not the typed status."""
from datetime import date

import pytest

from households.models import Household
from reports.dashboard import compute
from reports.figures import Subject, report_figures
from reports.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db


def summary(county, period="2025-03", kind="monthly", area=None):
    period = Period.parse(kind, period)
    return report_figures(subject=Subject(area_code=area or county.county.code), period=period, as_of=period.end)


def test_an_announced_exit_counts_with_its_people(county):
    s = summary(county)["summary"]
    assert (s["exits"], s["exit_people"]) == (1, 4)


def test_a_household_loaded_as_exited_without_steps_is_no_exit_of_the_year(county):
    f.HouseholdFactory(number="H9", village=county.villages[1], status=Household.Status.EXITED, exit_year=2025)
    assert summary(county)["summary"]["exits"] == 1


def test_an_exit_announced_after_the_period_is_not_yet_counted(county):
    h1 = county.households[0]
    f.AnnouncedStepFactory.announce([h1], village=county.villages[0], date=date(2025, 4, 2))
    assert summary(county)["summary"]["exits"] == 1
    assert summary(county, "2025", "annual")["summary"]["exits"] == 2


def test_an_exit_announced_last_year_is_not_this_years(county):
    f.AnnouncedStepFactory.announce([county.households[0]], village=county.villages[0], year=2024, date=date(2024, 12, 20))
    assert summary(county)["summary"]["exits"] == 1


def test_a_failed_entry_or_an_earlier_step_is_no_exit(county):
    h1, h3 = county.households[0], county.households[2]
    f.AnnouncedStepFactory.announce([h1], village=county.villages[0], passed=False, date=date(2025, 3, 10))
    f.AnnouncedStepFactory.announce([h3], village=county.villages[1], stage="township_review", date=date(2025, 3, 10))
    assert summary(county)["summary"]["exits"] == 1


def test_the_next_level_rows_count_announced_exits(county):
    rows = {r["code"]: r["exits"] for r in summary(county)["areas"]}
    assert rows == {"620502100000": 1, "620502200000": 0}


def test_a_unit_counts_the_announced_exits_of_its_households(county):
    figures = report_figures(subject=Subject(unit_id=county.units[0].pk), period=Period.parse("monthly", "2025-03"),
                             as_of=date(2025, 3, 31))
    assert figures["summary"]["exits"] == 1


def test_the_dashboard_counts_the_years_announced_exits(county):
    f.HouseholdFactory(number="H9", village=county.villages[1], status=Household.Status.EXITED, exit_year=2025)
    figures = compute(area=county.county, year=2025, as_of=date(2025, 12, 31))
    assert (figures["summary"]["exits"], figures["summary"]["exit_people"]) == (1, 4)
