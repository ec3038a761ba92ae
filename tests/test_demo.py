"""seed_demo brings up a living county, and running it again changes nothing."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from households.models import Household
from pairing.models import HouseholdPairing
from reports.models import MonthlySubmission
from visits.models import AnomalyFlag, Deed, Demand, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def test_seed_demo_loads_a_county_with_a_hand_over_visits_and_flags_and_prints_the_sign_ins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert 140 <= Household.objects.count() <= 200
    assert HouseholdPairing.objects.filter(successor__isnull=False).exists()
    assert Visit.objects.count() > 100 and AnomalyFlag.objects.exists()
    assert set(Demand.objects.values_list("status", flat=True)) == {"open", "in_progress", "resolved", "escalated"}
    assert Deed.objects.filter(money__gt=0).exists()
    for username in ("admin", "qinzhou_office", "nongye_admin", "qinzhou_leader"):
        assert username in out.getvalue()


def test_seed_demo_includes_a_closed_evaluation_round_with_paper_and_web_ballots():
    from assessments.models import Ballot, EvaluationRound, Tally

    call_command("seed_demo", stdout=io.StringIO())
    closed = EvaluationRound.objects.get(closed_at__isnull=False)
    assert Ballot.objects.filter(round=closed).exists() and Tally.objects.filter(round=closed).exists()
    assert closed.results.exclude(grade="").exists()
    out = io.StringIO()
    call_command("evaluation_results", "--year", str(closed.year), stdout=out)
    assert len(out.getvalue().splitlines()) > 20


def test_running_seed_demo_twice_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Household.objects.count(), HouseholdPairing.objects.count(), Visit.objects.count(), Demand.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Household.objects.count(), HouseholdPairing.objects.count(), Visit.objects.count(), Demand.objects.count()) == counts


def test_on_new_years_day_the_demo_still_has_trips_and_monthly_reports_at_every_stage():
    # Five past midnight on 1 January: no day of the new year has passed, and the month that
    # ended yesterday has no reports yet.
    with time_machine.travel(datetime(2027, 1, 1, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    assert Visit.objects.filter(start__year=2026).count() > 100
    assert {"approved", "returned", "submitted"} <= set(MonthlySubmission.objects.values_list("status", flat=True))


def test_seed_demo_prints_a_first_secretary_who_signs_in_to_their_attendance(client):
    from django.urls import reverse

    from pairing.models import Posting

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    secretary = Posting.objects.get(role=Posting.Role.FIRST_SECRETARY).cadre
    assert f"第一书记 {secretary.name}" in out.getvalue() and secretary.user.username in out.getvalue()
    assert secretary.user.check_password("shuanglian2025")
    client.force_login(secretary.user)
    page = client.get(reverse("visits-stays")).content.decode()
    assert "今年已在村" in page


def test_seed_demo_shows_an_identification_and_two_exits_under_way_and_prints_the_offices():
    from identification.models import Objection, Step

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "qinzhou_township" in out.getvalue() and "qinzhou_office" in out.getvalue()
    from django.utils import timezone

    today = timezone.localdate()
    notice = Step.objects.get(procedure="identification", stage="first_notice")
    assert notice.date <= today <= notice.end_date and notice.entries.count() == 3
    assert Objection.objects.get(notice=notice).checked_on is None
    exit_notice = Step.objects.get(procedure="exit", stage="first_notice")
    assert exit_notice.date <= today <= exit_notice.end_date and exit_notice.entries.count() == 2
    assert set(exit_notice.entries.values_list("household__exit_checklists__items__holds", flat=True)) == {True}
    call_command("seed_demo", stdout=io.StringIO())
    assert Step.objects.count() == 4


def test_seed_demo_has_a_complaint_under_investigation_an_overdue_rectification_and_a_talk():
    from django.utils import timezone

    from discipline.models import Accountability, Complaint
    from discipline.selectors import overdue_rectifications

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert list(Complaint.objects.values_list("status", flat=True)) == ["investigating"]
    assert overdue_rectifications(today=timezone.localdate()).count() == 1
    assert list(Accountability.objects.values_list("kind", flat=True)) == ["talk"]
    assert "qinzhou_inspector" in out.getvalue()


def test_seed_demo_publishes_a_case_and_last_years_results_and_lists_a_county_missing_a_meeting(settings, tmp_path, client):
    from django.urls import reverse
    from django.utils import timezone

    from assessments.models import EvaluationRound
    from publicity.models import TypicalCase
    from publicity.selectors import counties_missing_meetings
    from shuanglian.scoping import EVERYTHING

    settings.PUBLICITY_PHOTOS_ROOT = tmp_path / "publicity"
    call_command("seed_demo", stdout=io.StringIO())
    case = TypicalCase.objects.get(status="published")
    assert case.photos.count() == 1 and client.get(reverse("public-case", args=[case.pk])).status_code == 200
    closed = EvaluationRound.objects.get(closed_at__isnull=False)
    assert client.get(reverse("public-results", args=[closed.year])).status_code == 200
    assert counties_missing_meetings(EVERYTHING, timezone.localdate().year).count() == 1
