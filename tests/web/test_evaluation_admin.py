"""The office runs a round in the admin: enters tallies, issues codes, closes the round."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AppraisalResult, BallotCode, EvaluationRound, Tally

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()


@pytest.fixture
def rnd(counties):
    return EvaluationRound.objects.create(year=TODAY.year, area_id="620502000000", opens=TODAY - timedelta(days=3),
                                          closes=TODAY + timedelta(days=3))


def add_tally(client, rnd, cadre, satisfied):
    return client.post(reverse("admin:assessments_tally_add"), {
        "round": rnd.pk, "direction": "household_on_cadre", "cadre": cadre.pk,
        "satisfied": satisfied, "basic": 0, "unsatisfied": 0,
    })


def test_an_office_enters_a_tally(client, office, counties, rnd):
    client.force_login(office)
    response = add_tally(client, rnd, counties["mine"]["cadre"], 1)
    assert response.status_code == 302
    tally = Tally.objects.get()
    assert (tally.satisfied, tally.entered_by) == (1, office)


def test_a_tally_over_the_households_paired_shows_the_message(client, office, counties, rnd):
    client.force_login(office)
    page = add_tally(client, rnd, counties["mine"]["cadre"], 2)  # one household paired
    assert page.status_code == 200 and "超过上限" in page.text and not Tally.objects.exists()


def test_a_tally_for_a_cadre_of_another_county_cannot_be_chosen(client, office, counties, rnd):
    client.force_login(office)
    page = add_tally(client, rnd, counties["next"]["cadre"], 1)
    assert page.status_code == 200 and not Tally.objects.exists()


def test_the_office_issues_codes_and_closes_the_round(client, office, counties, rnd):
    client.force_login(office)
    changelist = reverse("admin:assessments_evaluationround_changelist")
    client.post(changelist, {"action": "make_codes", "_selected_action": [rnd.pk]})
    # the household rates the cadre, the village the unit, the leadership the cadre, two cadres the leadership
    assert BallotCode.objects.filter(round=rnd).count() == 5
    client.post(changelist, {"action": "close", "_selected_action": [rnd.pk]})
    rnd.refresh_from_db()
    assert rnd.is_closed and AppraisalResult.objects.filter(round=rnd).exists()


def test_a_closed_round_cannot_be_changed(client, office, counties, rnd):
    from assessments.services import close_round

    close_round(rnd=rnd)
    client.force_login(office)
    client.post(reverse("admin:assessments_evaluationround_change", args=[rnd.pk]), {
        "year": rnd.year, "area": rnd.area_id, "opens": rnd.opens, "closes": rnd.closes + timedelta(days=30)})
    rnd.refresh_from_db()
    assert rnd.closes == TODAY + timedelta(days=3)


def test_weights_that_do_not_add_up_are_refused(client, office, counties):
    client.force_login(office)
    data = {"year": TODAY.year, "area": "620502000000", "opens": TODAY, "closes": TODAY + timedelta(days=5),
            "score_satisfied": 100, "score_basic": 60, "score_unsatisfied": 0, "weight_ballots": 70,
            "weight_compliance": 20, "weight_deeds": 10, "weight_income": 10, "deeds_per_cadre": 2,
            "income_growth_target": 10, "team_excellent": 90, "team_good": 71, "team_fair": 60,
            "cadre_excellent": 90, "cadre_competent": 70, "cadre_basic": 60}
    page = client.post(reverse("admin:assessments_evaluationround_add"), data)
    assert "合计100%" in page.text and not EvaluationRound.objects.exists()
