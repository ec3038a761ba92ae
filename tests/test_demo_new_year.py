"""The demo seeded at five past midnight on New Year's day (a seed of its own: tests/test_demo.py
shares one seeded on the session's day)."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from reports.models import MonthlySubmission
from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_on_new_years_day_the_demo_still_has_trips_and_monthly_reports_at_every_stage():
    # Five past midnight on 1 January: no day of the new year has passed, and the month that
    # ended yesterday has no reports yet.
    with time_machine.travel(datetime(2027, 1, 1, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    assert Visit.objects.filter(start__year=2026).count() > 100
    assert {"approved", "returned", "submitted"} <= set(MonthlySubmission.objects.values_list("status", flat=True))
