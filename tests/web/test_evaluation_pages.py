"""The evaluation pages: the rater's ballot page without sign-in, the office's slips and the
results, each scoped to the user."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Ballot, BallotCode, Direction, EvaluationRound
from assessments.services import issue_codes, record_tally

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()


@pytest.fixture
def rounds(counties):
    """This year's round in each county, open today, with the household codes issued."""
    made = {}
    for key, code in (("mine", "620502000000"), ("next", "620503000000")):
        rnd = EvaluationRound.objects.create(year=TODAY.year, area_id=code, opens=TODAY - timedelta(days=3),
                                             closes=TODAY + timedelta(days=3))
        issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
        made[key] = rnd
    return made


def code_of(counties, key="mine") -> str:
    return BallotCode.objects.get(cadre=counties[key]["cadre"]).code


def test_a_household_casts_a_ballot_without_signing_in(client, counties, rounds):
    code = code_of(counties)
    page = client.get(reverse("ballot-cast", args=[code]))
    assert page.status_code == 200 and counties["mine"]["cadre"].name in page.text
    response = client.post(reverse("ballot-cast", args=[code]), {"level": "satisfied", "comment": "好"})
    assert response.status_code == 302 and Ballot.objects.get().comment == "好"


def test_the_thanks_page_says_nothing_about_the_ballot(client, counties, rounds):
    code = code_of(counties)
    page = client.post(reverse("ballot-cast", args=[code]), {"level": "unsatisfied"}, follow=True)
    assert "感谢" in page.text and "不满意" not in page.text and code not in page.text


def test_a_spent_code_shows_the_message(client, counties, rounds):
    code = code_of(counties)
    client.post(reverse("ballot-cast", args=[code]), {"level": "satisfied"})
    page = client.get(reverse("ballot-cast", args=[code]))
    assert page.status_code == 410 and "已经使用过" in page.text


def test_a_resent_ballot_form_stores_one_ballot(client, counties, rounds):
    code = code_of(counties)
    client.post(reverse("ballot-cast", args=[code]), {"level": "satisfied"})
    client.post(reverse("ballot-cast", args=[code]), {"level": "unsatisfied"})
    assert list(Ballot.objects.values_list("level", flat=True)) == ["satisfied"]


def test_an_unknown_code_shows_the_message(client, counties, rounds):
    page = client.get(reverse("ballot-cast", args=["ZZZZZZZZZZ"]))
    assert page.status_code == 404 and "评议码不存在" in page.text


def test_a_ballot_without_a_level_shows_the_message_and_keeps_the_code(client, counties, rounds):
    code = code_of(counties)
    page = client.post(reverse("ballot-cast", args=[code]), {"comment": "x"})
    assert "请选择满意、基本满意或不满意" in page.text and not BallotCode.objects.get(code=code).spent


def test_a_typed_code_leads_to_its_ballot(client, counties, rounds):
    code = code_of(counties)
    response = client.post(reverse("ballot-enter"), {"code": f" {code[:4].lower()} {code[4:]} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/e/{code}/")


def test_the_office_prints_the_slips_of_its_round_with_qr_codes(client, office, counties, rounds):
    client.force_login(office)
    page = client.get(reverse("evaluation-slips", args=[rounds["mine"].pk]))
    assert page.status_code == 200 and code_of(counties) in page.text and "<svg" in page.text


def test_an_office_cannot_print_the_slips_of_another_county(client, office, counties, rounds):
    client.force_login(office)
    assert client.get(reverse("evaluation-slips", args=[rounds["next"].pk])).status_code == 404


def test_a_cadre_cannot_print_slips(client, counties, rounds):
    client.force_login(counties["mine"]["cadre"].user)
    assert client.get(reverse("evaluation-slips", args=[rounds["mine"].pk])).status_code == 403


def test_the_results_page_shows_the_offices_targets_only(client, office, counties, rounds):
    record_tally(rnd=rounds["next"], direction=Direction.HOUSEHOLD_ON_CADRE, target=counties["next"]["cadre"],
                 satisfied=1, basic=0, unsatisfied=0)
    client.force_login(office)
    page = client.get(reverse("evaluation-results"), {"round": rounds["next"].pk})
    # Another county's round is not offered: the page falls back to the office's own.
    assert counties["mine"]["cadre"].name in page.text and counties["next"]["cadre"].name not in page.text


def test_the_results_export_to_excel_with_masked_id_numbers(client, office, counties, rounds):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(office)
    response = client.get(reverse("evaluation-results"), {"round": rounds["mine"].pk, "format": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "类别" and any(row[2] == counties["mine"]["cadre"].name for row in values[1:])
    assert not any(counties["mine"]["cadre"].id_number in map(str, row) for row in values)


def test_the_results_narrow_to_one_unit_and_its_cadres(client, office, counties, rounds):
    from tests import factories as f

    other_unit = f.UnitFactory(name="秦州区水务局", area_id="620502000000")
    other = f.CadreFactory(unit=other_unit, name="水务干部")
    f.HouseholdPairingFactory(cadre=other, household=f.HouseholdFactory(village=counties["mine"]["village"]),
                              start=TODAY.replace(month=1, day=1))
    client.force_login(office)
    everyone = client.get(reverse("evaluation-results"), {"round": rounds["mine"].pk}).text
    one_unit = client.get(reverse("evaluation-results"), {"round": rounds["mine"].pk,
                                                          "unit": counties["mine"]["unit"].code}).text
    assert "水务干部" in everyone and "水务干部" not in one_unit and counties["mine"]["cadre"].name in one_unit
