"""The reports demo on top of seed_demo: plans for the ledger, monthly reports at every stage,
a report of each kind, reminders; and running it again adds nothing."""
import io

import pytest
from django.core.management import call_command

from households.models import HouseholdPlan
from reports.models import MonthlySubmission, Notice, Report
from seeding.reports import seed_reports

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_the_reports_demo_fills_every_page_and_running_it_again_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())  # seed_demo ends with seed_reports
    assert HouseholdPlan.objects.count() > 100 and Report.objects.count() == 4 and Notice.objects.exists()
    assert {"approved", "returned", "submitted"} <= set(MonthlySubmission.objects.values_list("status", flat=True))
    assert MonthlySubmission.objects.filter(late=True).exists()
    assert set(Report.objects.values_list("status", flat=True)) == {"done"}
    before = (HouseholdPlan.objects.count(), MonthlySubmission.objects.count(), Report.objects.count(), Notice.objects.count())
    again = seed_reports()
    assert (again["plans"], again["submissions"], again["notices"]) == (0, 0, 0)
    assert (HouseholdPlan.objects.count(), MonthlySubmission.objects.count(), Report.objects.count(), Notice.objects.count()) == before
