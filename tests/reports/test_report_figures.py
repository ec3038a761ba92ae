"""The figures of docs/domain.md §8 for an area and for a unit, on the known county of conftest.py."""
from datetime import date

import pytest

from reports.figures import Subject, report_figures
from reports.periods import Period

pytestmark = pytest.mark.django_db

MARCH = Period.parse("monthly", "2025-03")


def figures_of(subject, period=MARCH, as_of=None):
    return report_figures(subject=subject, period=period, as_of=as_of or period.end)


@pytest.fixture
def county_march(county):
    return figures_of(Subject(area_code=county.county.code))["summary"]


@pytest.fixture
def unit_march(county):
    return figures_of(Subject(unit_id=county.units[0].pk))


def test_march_visits_count_stays_that_begin_in_march_with_days_clipped_to_march(county_march):
    assert (county_march["visits"], county_march["visit_days"], county_march["cadres_visited"]) == (2, 5, 1)


def test_compliance_is_the_pace_at_the_end_of_the_month(county_march):
    # By 31 March a cadre owes ceil(4 × 90 ÷ 365) = 1 visit and ceil(15 × 90 ÷ 365) = 4 days:
    # 张一 has 2 and 5, 李二 nothing, 王三 one day.
    assert (county_march["cadres_due"], county_march["cadres_on_track"], county_march["compliance_rate"]) == (3, 1, "33.3")


def test_unit_trips_to_villages_are_counted_against_the_unit_rule(county_march):
    assert (county_march["unit_visits"], county_march["unit_visit_days"]) == (1, 3)
    assert (county_march["unit_pairings_due"], county_march["unit_pairings_on_track"]) == (3, 0)


def test_pairings_and_coverage_are_taken_at_the_end_of_the_period(county_march):
    assert {k: county_march[k] for k in ("villages_paired", "units_pairing", "households_paired", "cadres_pairing", "handovers")} == {
        "villages_paired": 3, "units_pairing": 2, "households_paired": 4, "cadres_pairing": 3, "handovers": 0}
    assert {k: county_march[k] for k in ("poor_villages", "poor_villages_without_unit", "poor_households",
                                          "households_without_cadre", "cadres_below_quota")} == {
        "poor_villages": 2, "poor_villages_without_unit": 0, "poor_households": 4, "households_without_cadre": 1,
        "cadres_below_quota": 0}


def test_demands_are_counted_by_when_they_were_collected_resolved_and_escalated(county_march):
    assert {k: county_march[k] for k in ("demands_collected", "demands_resolved", "demands_escalated", "demands_pending")} == {
        "demands_collected": 2, "demands_resolved": 1, "demands_escalated": 1, "demands_pending": 1}


def test_deeds_funds_and_trainings_of_the_area_only(county_march):
    assert {k: county_march[k] for k in ("deeds", "funds", "projects", "trainings", "people_trained", "jobs", "people_helped")} == {
        "deeds": 2, "funds": "5000.00", "projects": 0, "trainings": 1, "people_trained": 12, "jobs": 0, "people_helped": 15}


def test_exits_are_the_households_that_left_poverty_in_the_periods_year(county_march):
    assert (county_march["exits"], county_march["exit_people"], county_march["returned"]) == (1, 4, 0)


def test_nothing_happened_in_a_month_without_records(county):
    summary = figures_of(Subject(area_code=county.county.code), Period.parse("monthly", "2025-05"))["summary"]
    assert (summary["visits"], summary["visit_days"], summary["demands_collected"], summary["deeds"], summary["funds"]) == (
        0, 0, 0, 0, "0.00")


def test_a_quarter_adds_up_its_months(county):
    summary = figures_of(Subject(area_code=county.county.code), Period.parse("quarterly", "2025-Q1"))["summary"]
    assert (summary["visits"], summary["visit_days"], summary["cadres_visited"]) == (3, 6, 2)


def test_the_annual_summary_measures_the_whole_years_requirement(county):
    summary = figures_of(Subject(area_code=county.county.code), Period.parse("annual", "2025"))["summary"]
    # Nobody made 4 visits and 15 days in 2025.
    assert (summary["visits"], summary["visit_days"], summary["cadres_due"], summary["cadres_on_track"]) == (3, 8, 3, 0)


def test_a_running_period_is_counted_up_to_the_given_day(county):
    summary = figures_of(Subject(area_code=county.county.code), MARCH, as_of=date(2025, 3, 10))["summary"]
    assert (summary["visits"], summary["visit_days"]) == (1, 3)


def test_an_area_report_breaks_down_by_unit(county):
    units = figures_of(Subject(area_code=county.county.code))["units"]
    assert [(u["code"], u["cadres_due"], u["cadres_on_track"], u["visits"], u["visit_days"], u["demands_collected"],
             u["deeds"], u["funds"]) for u in units] == [
        ("U1", 2, 1, 2, 5, 1, 1, "5000.00"),
        ("U2", 1, 0, 0, 0, 1, 1, "0.00"),
    ]


def test_an_area_report_breaks_down_by_the_next_level_of_areas(county):
    areas = figures_of(Subject(area_code=county.county.code))["areas"]
    assert [(a["code"], a["name"], a["households"], a["poor_households"], a["households_paired"],
             a["households_without_cadre"], a["exits"], a["demands_collected"], a["deeds"], a["funds"]) for a in areas] == [
        ("620502100000", "一乡", 3, 2, 3, 0, 1, 1, 1, "5000.00"),
        ("620502200000", "二乡", 2, 2, 1, 1, 0, 1, 1, "0.00"),
    ]


def test_a_unit_report_counts_what_the_unit_is_accountable_for(unit_march):
    s = unit_march["summary"]
    assert {k: s[k] for k in ("villages_paired", "households_paired", "cadres_pairing", "visits", "visit_days", "cadres_due",
                               "cadres_on_track", "compliance_rate", "unit_visits", "unit_pairings_due", "demands_collected",
                               "demands_escalated", "deeds", "funds", "exits")} == {
        "villages_paired": 2, "households_paired": 3, "cadres_pairing": 2, "visits": 2, "visit_days": 5, "cadres_due": 2,
        "cadres_on_track": 1, "compliance_rate": "50.0", "unit_visits": 1, "unit_pairings_due": 2, "demands_collected": 1,
        "demands_escalated": 0, "deeds": 1, "funds": "5000.00", "exits": 1}


def test_a_unit_report_lists_its_cadres_behind_pace(unit_march):
    assert unit_march["behind"] == [{"name": "李二", "visits": 0, "required_visits": 1, "days": 0, "required_days": 4}]


def test_a_city_report_includes_its_counties(county):
    summary = figures_of(Subject(area_code=county.city.code))["summary"]
    assert (summary["visits"], summary["visit_days"], summary["deeds"], summary["funds"]) == (3, 7, 3, "5999.00")
