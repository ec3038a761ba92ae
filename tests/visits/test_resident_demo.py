"""The demo's resident work teams tell their story at any date of the year (docs/domain.md §11):
the first secretary is on pace, the team member behind, and the teacher on maternity leave not
behind once the requirement counts only the days not on leave. Checked against the formula of
§11 day by day, so it holds whatever the engine does today."""
import io
import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from pairing.models import Leave, Posting
from visits.models import Stay

pytestmark = [pytest.mark.django_db]


def _days(spans, first: date, last: date) -> set[date]:
    out = set()
    for start, end in spans:
        day = max(start, first)
        while day <= min(end or last, last):
            out.add(day)
            day += timedelta(days=1)
    return out


def behind(posting: Posting, today: date) -> bool:
    """Pace of §6 rule 6 with the requirement of §11: days in the village so far below
    ceil(220 × (posted days so far − leave days among them) ÷ days of the year)."""
    first = date(today.year, 1, 1)
    posted = _days([(posting.start, posting.end)], first, today)
    leave = _days(Leave.objects.filter(cadre=posting.cadre).values_list("start", "end"), first, today) & posted
    done = _days(Stay.objects.filter(cadre=posting.cadre).values_list("start", "end"), first, today)
    year_days = (date(today.year, 12, 31) - first).days + 1
    return len(done) < math.ceil(220 * (len(posted) - len(leave)) / year_days)


@pytest.mark.parametrize("when", [datetime(2025, 6, 16, 10), datetime(2025, 3, 2, 10), datetime(2025, 11, 30, 10)])
def test_the_demo_has_a_first_secretary_on_pace_a_member_behind_and_a_mother_on_leave_not_behind(when):
    with time_machine.travel(when.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        today = when.date()
        secretary = Posting.objects.get(role="first_secretary")
        member = Posting.objects.get(role="member", cadre__category="civil")
        mother = Posting.objects.get(cadre__leaves__reason="产假")
        assert not behind(secretary, today)
        assert behind(member, today)
        assert not behind(mother, today)
        assert Stay.objects.filter(cadre=mother.cadre).exists()


@pytest.mark.parametrize("when", [datetime(2025, 6, 16, 10), datetime(2025, 11, 30, 10)])
def test_the_compliance_engine_tells_the_demos_resident_story_as_the_formula_does(when):
    from visits.selectors import pace

    with time_machine.travel(when.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        today = when.date()
        rows = pace(on=today, subject="resident")
        for posting in Posting.objects.all():
            assert rows[(posting.pk,)].met is not behind(posting, today), posting
        mother = Posting.objects.get(cadre__leaves__reason="产假")
        assert rows[(mother.pk,)].leave_days > 0
