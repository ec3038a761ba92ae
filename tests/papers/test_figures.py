"""Report figures of 吃住在村 stays, the six tasks and the projects (docs/domain.md §8, §12):
projects are counted beside the cadres' deeds, and the totals add each record once."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.figures import FIGURES, Subject, report_figures
from reports.periods import Period
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

MARCH = Period.parse("monthly", "2025-03")
YEAR = Period.parse("annual", "2025")


def summary_of(subject, period=MARCH):
    return report_figures(subject=subject, period=period, as_of=period.end)["summary"]


@pytest.fixture
def records():
    pairing = f.HouseholdPairingFactory()
    household, cadre = pairing.household, pairing.cadre
    f.VillagePairingFactory(unit=cadre.unit, village=household.village)
    f.VisitFactory(cadre=cadre, households=[household], stayed=True, tasks=["policy", "opinion"])
    f.VisitFactory(cadre=cadre, households=[household], start=date(2025, 3, 10), tasks=["policy"])
    f.VisitFactory(cadre=cadre, households=[household], start=date(2025, 4, 10), stayed=True, tasks=["models"])
    f.DeedFactory(cadre=cadre, household=household, village=household.village, on=date(2025, 3, 5),
                  category="training", money=Decimal("100"), people_helped=5)
    f.ProjectFactory(unit=cadre.unit, village=household.village, kind="training", money_planned=Decimal("2000"),
                     money_spent=Decimal("1500"), people_trained=30, start=date(2025, 3, 20))
    f.ProjectFactory(unit=cadre.unit, village=household.village, kind="idea", start=date(2025, 3, 21))
    f.ProjectFactory(unit=cadre.unit, village=household.village, start=date(2025, 5, 1))  # another month
    return cadre


def test_a_monthly_report_counts_stays_and_each_task_of_its_trips(records):
    summary = summary_of(Subject(area_code=f.COUNTY))
    assert summary["stays"] == 1
    assert (summary["task_policy"], summary["task_opinion"], summary["task_models"]) == (2, 1, 0)


def test_an_annual_unit_report_counts_the_units_cadres_trips(records):
    summary = summary_of(Subject(unit_id=records.unit_id), YEAR)
    assert (summary["stays"], summary["task_models"]) == (2, 1)


def test_projects_are_counted_beside_the_deeds_and_summed_once(records):
    summary = summary_of(Subject(area_code=f.COUNTY))
    assert (summary["unit_projects"], summary["four_ones"], summary["project_trainings"]) == (2, 1, 1)
    assert summary["project_funds"] == "9500.00"  # 1,500 + 8,000 of the 四个一 project
    assert summary["funds"] == "100.00"  # the deed alone
    assert summary["funds_total"] == "9600.00"
    assert (summary["trainings_total"], summary["people_trained_total"]) == (2, 35)


def test_every_new_figure_has_a_label(records):
    summary = summary_of(Subject(area_code=f.COUNTY))
    for key in ("stays", "task_policy", "unit_projects", "funds_total", "people_trained_total"):
        assert key in summary and FIGURES[key].label


def test_the_new_figures_keep_the_query_count_constant():
    def count():
        with CaptureQueriesContext(connection) as queries:
            summary_of(Subject(area_code=f.COUNTY))
        return len(queries)

    pairing = f.HouseholdPairingFactory()
    f.VillagePairingFactory(unit=pairing.cadre.unit, village=pairing.household.village)

    def add(day):
        f.VisitFactory(cadre=pairing.cadre, households=[pairing.household], start=date(2025, 3, day * 3),
                       stayed=True, tasks=["policy"])
        f.ProjectFactory(unit=pairing.cadre.unit, village=pairing.household.village, start=date(2025, 3, day))

    add(1)
    before = count()
    for day in range(2, 7):
        add(day)
    assert count() == before
