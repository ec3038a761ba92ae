"""A rating team gets one code per member (docs/domain.md §7): the village's 村两委 rates its unit, the
unit's 班子 each cadre. While a team's size is not recorded it gets one code, and the office is
told so; issuing again once the size is recorded tops the team up, never beyond its size."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Ballot, BallotCode, Direction
from assessments.services import cast_ballot, issue_codes, team_size_notes
from households.models import VillageYear
from shuanglian.errors import DomainError
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db
DURING = datetime(YEAR, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VILLAGE, LEADERSHIP = Direction.VILLAGE_ON_UNIT, Direction.UNIT_ON_CADRE


def codes(world, direction, **target):
    return BallotCode.objects.filter(round=world.round, direction=direction, **target)


def committee(world, size):
    """Record (or correct) the village's 村两委成员数 in its 村情 of the round's year."""
    record = VillageYear.objects.filter(village=world.village, year=YEAR).first()
    if record is None:
        return f.VillageYearFactory(village=world.village, year=YEAR, committee_size=size)
    record.committee_size = size
    record.save()
    return record


def leadership(world, size):
    world.unit.leadership_size = size
    world.unit.save()


@pytest.fixture
def root(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="a-Long-test-passw0rd"))
    return client


def test_a_village_committee_of_recorded_size_gets_one_code_per_member(world):
    committee(world, 7)
    assert issue_codes(rnd=world.round, direction=VILLAGE) == 7
    assert codes(world, VILLAGE, unit=world.unit).count() == 7


def test_a_leadership_of_recorded_size_gets_one_code_per_member_for_each_cadre(world):
    leadership(world, 4)
    assert issue_codes(rnd=world.round, direction=LEADERSHIP) == 8  # 甲 and 乙 pair households
    assert codes(world, LEADERSHIP, cadre=world.first).count() == 4


def test_a_team_of_unknown_size_gets_one_code_and_the_office_is_told(world):
    assert issue_codes(rnd=world.round, direction=VILLAGE) == 1
    assert issue_codes(rnd=world.round, direction=LEADERSHIP) == 2
    village_note, unit_note = team_size_notes(world.round)
    assert "1个村未登记村两委成员数" in village_note and "村情" in village_note
    assert "1个单位未登记班子成员数" in unit_note


def test_no_note_once_every_team_size_is_recorded(world):
    committee(world, 5)
    leadership(world, 3)
    assert team_size_notes(world.round) == []


def test_the_slips_page_says_which_sizes_are_missing(world, root):
    leadership(world, 3)
    issue_codes(rnd=world.round, direction=VILLAGE)
    with time_machine.travel(DURING, tick=False):
        page = root.get(reverse("evaluation-slips", args=[world.round.pk])).content.decode()
        filtered = root.get(reverse("evaluation-slips", args=[world.round.pk]), {"direction": LEADERSHIP}).content.decode()
    assert "1个村未登记村两委成员数" in page and "未登记班子成员数" not in page
    assert "未登记村两委成员数" not in filtered


def test_the_issue_action_says_which_sizes_are_missing(world, root):
    with time_machine.travel(DURING, tick=False):
        response = root.post(reverse("admin:assessments_evaluationround_changelist"),
                             {"action": "make_codes", "_selected_action": [world.round.pk]}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert "未登记村两委成员数" in message and "未登记班子成员数" in message


def test_recording_a_size_lets_issuing_again_top_the_team_up(world):
    issue_codes(rnd=world.round, direction=VILLAGE)
    first = codes(world, VILLAGE).get()
    committee(world, 6)
    assert issue_codes(rnd=world.round, direction=VILLAGE) == 5
    assert codes(world, VILLAGE).count() == 6 and codes(world, VILLAGE).filter(pk=first.pk).exists()
    assert team_size_notes(world.round, direction=VILLAGE) == []


def test_issuing_again_makes_no_duplicates(world):
    committee(world, 5)
    leadership(world, 3)
    for direction in (VILLAGE, LEADERSHIP):
        issue_codes(rnd=world.round, direction=direction)
        assert issue_codes(rnd=world.round, direction=direction) == 0
    keys = list(codes(world, LEADERSHIP, cadre=world.first).values_list("rater_key", flat=True))
    assert len(keys) == len(set(keys)) == 3 and codes(world, VILLAGE).count() == 5


def test_spent_codes_count_towards_the_size_when_issuing_again(world):
    leadership(world, 2)
    issue_codes(rnd=world.round, direction=LEADERSHIP)
    for code in codes(world, LEADERSHIP, cadre=world.first):
        cast_ballot(code=code.code, level="satisfied", today=DURING.date())
    assert issue_codes(rnd=world.round, direction=LEADERSHIP) == 0
    assert codes(world, LEADERSHIP, cadre=world.first).count() == 2


def test_a_committee_casts_as_many_web_ballots_as_its_members_and_no_more(world):
    committee(world, 4)
    issue_codes(rnd=world.round, direction=VILLAGE)
    committee(world, 3)  # the 村情 corrected after the slips were printed
    *members, extra = codes(world, VILLAGE).order_by("pk")
    with time_machine.travel(DURING, tick=False):
        for code in members:
            cast_ballot(code=code.code, level="satisfied")
        with pytest.raises(DomainError) as exc:
            cast_ballot(code=extra.code, level="satisfied")
    assert "村两委成员数合计3人" in " ".join(exc.value.messages)
    assert Ballot.objects.filter(unit=world.unit).count() == 3


def test_a_leadership_casts_as_many_web_ballots_as_its_members_and_no_more(world, client):
    leadership(world, 3)
    issue_codes(rnd=world.round, direction=LEADERSHIP)
    leadership(world, 2)
    *members, extra = codes(world, LEADERSHIP, cadre=world.first).order_by("pk")
    with time_machine.travel(DURING, tick=False):
        for code in members:
            assert client.post(reverse("ballot-cast", args=[code.code]), {"level": "basic"}).status_code == 302
        page = client.post(reverse("ballot-cast", args=[extra.code]), {"level": "basic"}).content.decode()
    assert "已达上限" in page and Ballot.objects.filter(cadre=world.first).count() == 2


def test_issuing_takes_the_same_few_queries_however_many_villages(world, django_assert_max_num_queries):
    for n in range(2, 22):
        village = f.village(f"620502100{n:03d}", f"{n}村")
        f.VillagePairingFactory(unit=world.unit, village=village, start=date(YEAR, 1, 1))
        f.VillageYearFactory(village=village, year=YEAR, committee_size=7)
    with django_assert_max_num_queries(8):
        assert issue_codes(rnd=world.round, direction=VILLAGE) == 20 * 7 + 1
