"""A step of identification changes its households' status, and so the figures (exits, the
poor households) of its village and every area above it: their dashboards are computed anew."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from households.models import Area
from reports.dashboard import dashboard

from .conftest import d, step

pytestmark = pytest.mark.django_db


def test_a_step_renews_the_dashboard_of_its_county(w, django_capture_on_commit_callbacks):
    cache.clear()
    county = Area.objects.get(code="620502000000")
    kept = dashboard(area=county, year=2025)
    with time_machine.travel(datetime(2025, 8, 31, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            step(w, w.users.township, "vote", d(6, 1))
        assert dashboard(area=county, year=2025)["computed_at"] > kept["computed_at"]
    cache.clear()


def test_a_step_leaves_the_dashboard_of_the_next_county_cached(w, django_capture_on_commit_callbacks):
    cache.clear()
    other = Area.objects.get(code="620503000000")
    kept = dashboard(area=other, year=2025)
    with time_machine.travel(datetime(2025, 8, 31, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            step(w, w.users.township, "vote", d(6, 1))
        assert dashboard(area=other, year=2025)["computed_at"] == kept["computed_at"]
    cache.clear()
