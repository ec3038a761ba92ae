"""The demo county's projects (docs/domain.md §12): a unit's "四个一", a training, an
infrastructure project over its plan with a note; a second run adds nothing."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from papers.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_seed_demo_gives_a_demo_village_a_units_projects_and_a_second_run_adds_none():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        kinds = set(Project.objects.values_list("kind", flat=True))
        assert {"idea", "team", "demonstration", "practical", "training", "infrastructure"} <= kinds
        assert Project.objects.filter(kind="training", people_trained__gt=0).exists()
        over = Project.objects.get(kind="infrastructure")
        assert over.money_spent > over.money_planned and over.spent_note
        count = Project.objects.count()
        call_command("seed_demo", stdout=io.StringIO())
        assert Project.objects.count() == count
