"""The demo's resident work teams tell their story at any date of the year (docs/domain.md §11):
the first secretary is on pace, the team member behind, and the teacher on maternity leave not
behind once the requirement counts only the days not on leave. Checked against the formula of
§11 day by day, so it holds whatever the engine does today. The demo is seeded once for each
date (tests/seeded.py), and every test runs at each."""
import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pairing.models import Leave, Posting
from tests.seeded import demo_seeded_for_module
from visits.models import Stay

pytestmark = [pytest.mark.django_db]

# Midsummer, early spring and the year's last month, in the site's time zone.
MOMENTS = [datetime(2025, 6, 16, 10), datetime(2025, 3, 2, 10), datetime(2025, 11, 30, 10)]


@pytest.fixture(scope="module", params=MOMENTS, ids=lambda m: m.date().isoformat())
def today(request, django_db_setup, django_db_blocker) -> date:
    """The demo seeded at one of the moments, the clock stopped there; the day."""
    moment = request.param.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with demo_seeded_for_module(django_db_blocker, moment):
        yield moment.date()


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


def test_the_demo_has_a_first_secretary_on_pace_a_member_behind_and_a_mother_on_leave_not_behind(today):
    secretary = Posting.objects.get(role="first_secretary")
    member = Posting.objects.get(role="member", cadre__category="civil")
    mother = Posting.objects.get(cadre__leaves__reason="产假")
    assert not behind(secretary, today)
    assert behind(member, today)
    assert not behind(mother, today)
    assert Stay.objects.filter(cadre=mother.cadre).exists()


def test_the_compliance_engine_tells_the_demos_resident_story_as_the_formula_does(today):
    from visits.selectors import pace

    rows = pace(on=today, subject="resident")
    for posting in Posting.objects.all():
        assert rows[(posting.pk,)].met is not behind(posting, today), posting
    mother = Posting.objects.get(cadre__leaves__reason="产假")
    assert rows[(mother.pk,)].leave_days > 0
