"""seed_demo brings up a living county, and running it again changes nothing.

The demo is seeded once for the module, today being the session's day (tests/seeded.py); New
Year's day has a module of its own (tests/test_demo_new_year.py)."""
import io

import pytest
from django.core.management import call_command

from households.models import Household
from pairing.models import HouseholdPairing
from tests.conftest import clock
from tests.seeded import demo_seeded_for_module
from visits.models import AnomalyFlag, Deed, Demand, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture(scope="module", autouse=True)
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """What seed_demo printed; the demo's publicity photos go to a folder of the module's own."""
    with demo_seeded_for_module(django_db_blocker, clock.moment,
                                PUBLICITY_PHOTOS_ROOT=tmp_path_factory.mktemp("publicity")) as out:
        yield out


def test_seed_demo_loads_a_county_with_a_hand_over_visits_and_flags_and_prints_the_sign_ins(printed):
    assert 140 <= Household.objects.count() <= 200
    assert HouseholdPairing.objects.filter(successor__isnull=False).exists()
    assert Visit.objects.count() > 100 and AnomalyFlag.objects.exists()
    assert set(Demand.objects.values_list("status", flat=True)) == {"open", "in_progress", "resolved", "escalated"}
    assert Deed.objects.filter(money__gt=0).exists()
    for username in ("admin", "qinzhou_office", "nongye_admin", "qinzhou_leader"):
        assert username in printed


def test_seed_demo_includes_a_closed_evaluation_round_with_paper_and_web_ballots():
    from assessments.models import Ballot, EvaluationRound, Tally

    closed = EvaluationRound.objects.get(closed_at__isnull=False)
    assert Ballot.objects.filter(round=closed).exists() and Tally.objects.filter(round=closed).exists()
    assert closed.results.exclude(grade="").exists()
    out = io.StringIO()
    call_command("evaluation_results", "--year", str(closed.year), stdout=out)
    assert len(out.getvalue().splitlines()) > 20


def test_running_seed_demo_twice_adds_nothing():
    counts = (Household.objects.count(), HouseholdPairing.objects.count(), Visit.objects.count(), Demand.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Household.objects.count(), HouseholdPairing.objects.count(), Visit.objects.count(), Demand.objects.count()) == counts


def test_seed_demo_prints_a_first_secretary_who_signs_in_to_their_attendance(client, printed):
    from django.urls import reverse

    from pairing.models import Posting

    secretary = Posting.objects.get(role=Posting.Role.FIRST_SECRETARY).cadre
    assert f"第一书记 {secretary.name}" in printed and secretary.user.username in printed
    assert secretary.user.check_password("shuanglian2025")
    client.force_login(secretary.user)
    page = client.get(reverse("visits-stays")).content.decode()
    assert "今年已在村" in page


def test_seed_demo_shows_an_identification_and_two_exits_under_way_and_prints_the_offices(printed):
    from identification.models import Objection, Step

    assert "qinzhou_township" in printed and "qinzhou_office" in printed
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


def test_seed_demo_has_a_complaint_under_investigation_an_overdue_rectification_and_a_talk(printed):
    from django.utils import timezone

    from discipline.models import Accountability, Complaint
    from discipline.selectors import overdue_rectifications

    call_command("seed_demo", stdout=io.StringIO())
    assert list(Complaint.objects.values_list("status", flat=True)) == ["investigating"]
    assert overdue_rectifications(today=timezone.localdate()).count() == 1
    assert list(Accountability.objects.values_list("kind", flat=True)) == ["talk"]
    assert "qinzhou_inspector" in printed


def test_seed_demo_publishes_a_case_and_last_years_results_and_lists_a_county_missing_a_meeting(client):
    from django.urls import reverse
    from django.utils import timezone

    from assessments.models import EvaluationRound
    from publicity.models import TypicalCase
    from publicity.selectors import counties_missing_meetings
    from shuanglian.scoping import EVERYTHING

    case = TypicalCase.objects.get(status="published")
    assert case.photos.count() == 1 and client.get(reverse("public-case", args=[case.pk])).status_code == 200
    closed = EvaluationRound.objects.get(closed_at__isnull=False)
    assert client.get(reverse("public-results", args=[closed.year])).status_code == 200
    assert counties_missing_meetings(EVERYTHING, timezone.localdate().year).count() == 1
