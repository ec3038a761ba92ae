"""Demo plans, the offices' page of plans missing or overdue, the report figures and the ledger."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.test import Client

from households.models import Household, HouseholdPlan, PlanMeasure
from planning.selectors import overdue_plans, plans_in_place
from reports.figures import Subject, report_figures
from reports.ledger import write_ledger
from reports.periods import Period
from seeding.plans import seed_household_plans
from shuanglian.scoping import scope_for

# The clock is pinned (autouse fixture): the calendar reruns (marker dates) would add nothing.
NOW = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_demo_gives_every_paired_household_a_plan_of_the_year_with_one_to_three_measures(counties):
    assert seed_household_plans(county="620502000000", today=date(2026, 6, 15)) == 1
    plan = HouseholdPlan.objects.get(household=counties["mine"]["household"], year=2026)
    assert 1 <= plan.measure_rows.count() <= 3
    assert seed_household_plans(county="620502000000", today=date(2026, 6, 15)) == 0


def _plans(counties):
    """Mine: a plan of the year. Next county: only last year's plan, due last year (overdue)."""
    HouseholdPlan.objects.create(household=counties["mine"]["household"], year=2026, target_income=4000, exit_deadline=2026)
    HouseholdPlan.objects.create(household=counties["next"]["household"], year=2024, target_income=4000, exit_deadline=2025)


def test_plans_in_place_counts_households_still_poor_with_a_plan_of_the_year(counties):
    _plans(counties)
    exited = Household.objects.create(number="HX", village=counties["mine"]["village"], head_name="脱贫户",
                                      head_id_number="", kind="rural", resident_population=2, status=Household.Status.EXITED, exit_year=2025)
    HouseholdPlan.objects.create(household=exited, year=2024, target_income=3000, exit_deadline=2024)
    counted = plans_in_place(Household.objects.all(), 2026)
    assert (counted["poor"], counted["planned"], counted["overdue"], counted["share"]) == (2, 1, 1, 50.0)


def _plan(household, year: int, deadline: int):
    return HouseholdPlan.objects.create(household=household, year=year, target_income=4000, exit_deadline=deadline)


@pytest.mark.parametrize(("plans", "overdue"), [
    ([(2024, 2025)], True),  # its latest plan up to the year was due last year
    ([(2024, 2025), (2025, 2027)], False),  # a later plan moved the deadline on
    ([(2024, 2025), (2027, 2028)], True),  # a plan of a later year does not count yet
    ([(2023, 2024), (2025, 2025)], True),  # the latest one is overdue, an older one as well
    ([(2025, 2026)], False),
    ([(2026, 2026)], False),  # due this year: not yet overdue
    ([], False),
])
def test_a_household_is_overdue_by_its_latest_plan_up_to_the_year(counties, plans, overdue):
    household = counties["mine"]["household"]
    for year, deadline in plans:
        _plan(household, year, deadline)
    assert list(overdue_plans(Household.objects.all(), 2026)) == ([household] if overdue else [])


def test_plans_in_place_counts_a_household_with_plans_of_several_years_once(counties):
    household = counties["mine"]["household"]
    for year in (2024, 2025, 2026):
        _plan(household, year, 2027)
    assert plans_in_place(Household.objects.filter(pk=household.pk), 2026) == {
        "poor": 1, "planned": 1, "overdue": 0, "share": 100.0}


def test_the_annual_report_shows_plans_in_place_and_overdue(counties):
    _plans(counties)
    figures = report_figures(subject=Subject(area_code="620500000000"), period=Period.parse("annual", "2026"),
                             as_of=date(2026, 6, 15))["summary"]
    assert (figures["plans_in_place"], figures["plans_in_place_rate"], figures["plans_overdue"]) == (1, "50.0", 1)


def test_the_office_sees_its_own_countys_gaps_only(counties, office):
    HouseholdPlan.objects.create(household=counties["mine"]["household"], year=2024, target_income=4000, exit_deadline=2025)
    client = Client()
    client.force_login(office)
    page = client.get("/planning/gaps/").content.decode()
    assert counties["mine"]["household"].number in page and counties["next"]["household"].number not in page
    assert "秦州区一镇" in page


def test_a_cadre_cannot_open_the_gaps_page(counties):
    client = Client()
    client.force_login(counties["mine"]["cadre"].user)
    assert client.get("/planning/gaps/").status_code == 403


def test_the_ledger_measures_sheet_lists_the_structured_measures(counties, office, tmp_path):
    plan = HouseholdPlan.objects.create(household=counties["mine"]["household"], year=2026, target_income=4000,
                                        exit_deadline=2026)
    PlanMeasure.objects.create(plan=plan, kind="industry", item="ewes", status="underway", planned=3000, spent=1500)
    path = tmp_path / "ledger.xlsx"
    write_ledger(str(path), scope=scope_for(office), year=2026)
    row = next(openpyxl.load_workbook(path)["户增收措施"].iter_rows(min_row=4, values_only=True))
    assert "2只基础母羊" in row[7] and "实施中" in row[7]
    assert list(row[11:15]) == [1, 0, 3000, 1500]


def test_the_ledger_register_shows_the_structured_measures_of_the_latest_plan(counties, office, tmp_path):
    plan = HouseholdPlan.objects.create(household=counties["mine"]["household"], year=2026, target_income=4000,
                                        exit_deadline=2026)
    PlanMeasure.objects.create(plan=plan, kind="labour", description="外出务工", planned=500)
    path = tmp_path / "ledger.xlsx"
    write_ledger(str(path), scope=scope_for(office), year=2026)
    rows = [r for r in openpyxl.load_workbook(path)["扶贫台帐"].iter_rows(min_row=4, values_only=True)
            if r[3] == counties["mine"]["household"].number]
    assert "劳务输转·外出务工" in rows[0][13] and rows[0][14] == 2026
