"""The results say when a rating team's size is not recorded (docs/domain.md §7): a unit whose paired
villages lack 村两委成员数, a cadre whose unit lacks 班子成员数. The contract's CSV stays as it is."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Direction
from assessments.selectors import appraisal
from assessments.services import record_tally
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db
COMMITTEE_NOTE = "未登记村两委成员数，票数未核对"
LEADERSHIP_NOTE = "未登记班子成员数，票数未核对"


@pytest.fixture
def page(client, world):
    client.force_login(get_user_model().objects.create_superuser("root", password="a-Long-test-passw0rd"))
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=6, basic=1, unsatisfied=0)
    return lambda: client.get(reverse("evaluation-results"), {"round": world.round.pk}).content.decode()


def notes(world) -> dict[str, str]:
    return {a.target.name: str(a.extra.get("size_missing", "")) for a in appraisal(world.round)}


def test_a_unit_whose_village_has_no_committee_size_is_noted_on_the_results_page(page):
    assert COMMITTEE_NOTE in page()


def test_the_committee_note_goes_once_every_paired_village_has_its_size(world, page):
    f.VillageYearFactory(village=world.village, year=YEAR, committee_size=7)
    assert COMMITTEE_NOTE not in page()


def test_cadres_of_a_unit_without_a_leadership_size_are_noted(world, page):
    assert notes(world)["甲"] == LEADERSHIP_NOTE and LEADERSHIP_NOTE in page()


def test_the_leadership_note_goes_once_the_unit_records_its_size(world, page):
    world.unit.leadership_size = 6
    world.unit.save()
    assert notes(world)["甲"] == "" and LEADERSHIP_NOTE not in page()


def test_a_closed_rounds_results_carry_the_note_too(world):
    from assessments.services import close_round

    close_round(rnd=world.round)
    assert notes(world)["农业局"] == COMMITTEE_NOTE


def test_the_evaluation_results_csv_keeps_its_columns_when_a_size_is_missing(world):
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=6, basic=1, unsatisfied=0)
    out = io.StringIO()
    call_command("evaluation_results", "--year", str(YEAR), stdout=out)
    header, *rows = out.getvalue().splitlines()
    assert header == "评议类型,对象,名称,票数,满意,基本满意,不满意,满意度"
    assert rows == [f"村评单位,{world.unit.code},农业局,7,6,1,0,100.0"]
