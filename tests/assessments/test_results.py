"""Results: satisfaction, ballot score, composite and grades at every boundary, frozen results,
and the evaluation_results command of docs/roster-format.md."""
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from assessments.models import AppraisalResult, Direction, EvaluationRound, Grade
from assessments.selectors import (
    Appraisal,
    appraisal,
    ballot_score,
    cadre_grade,
    compliance_score,
    composite,
    satisfaction_rate,
    share_score,
    team_grade,
)
from assessments.services import cast_ballot, close_round, issue_codes, record_tally, round_errors
from tests import factories as f
from visits.models import Deed, Visit

from .conftest import YEAR

D = Decimal


def label(code: str) -> str:
    return str(Grade(code).label)


def test_a_grade_is_stored_as_a_code_whatever_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert team_grade(EvaluationRound(), D(95)) == "excellent"


@pytest.mark.parametrize("satisfied, basic, ballots, expected", [
    (7, 0, 8, "87.5"), (2, 0, 3, "66.7"), (1, 0, 3, "33.3"), (1, 1, 16, "12.5"), (0, 0, 5, "0.0"), (5, 0, 5, "100.0"),
    (1, 0, 200, "0.5"),  # 0.5 exactly: kept
    (1, 0, 2000, "0.1"),  # 0.05 rounds half up
])
def test_satisfaction_rounds_half_up_to_one_decimal(satisfied, basic, ballots, expected):
    assert str(satisfaction_rate(satisfied, basic, ballots)) == expected


def test_no_ballots_give_no_satisfaction():
    assert satisfaction_rate(0, 0, 0) is None


@pytest.mark.parametrize("score, grade", [
    ("100", "优秀"), ("90.0", "优秀"), ("89.9", "良好"), ("71.0", "良好"), ("70.9", "一般"), ("60.0", "一般"),
    ("59.9", "差"), ("0", "差"),
])
def test_team_grades_at_every_boundary(score, grade):
    assert label(team_grade(EvaluationRound(), D(score))) == grade


@pytest.mark.parametrize("score, grade", [
    ("90.0", "优秀"), ("89.9", "称职"), ("70.0", "称职"), ("69.9", "基本称职"), ("60.0", "基本称职"), ("59.9", "不称职"),
])
def test_cadre_grades_at_every_boundary(score, grade):
    assert label(cadre_grade(EvaluationRound(), D(score))) == grade


def test_thresholds_are_configurable_per_round():
    strict = EvaluationRound(team_excellent=D(95), team_good=D(80), team_fair=D(65))
    assert label(team_grade(strict, D("94.9"))) == "良好" and label(team_grade(strict, D("64.9"))) == "差"


def test_no_score_has_no_grade():
    assert team_grade(EvaluationRound(), None) == ""


def test_ballot_score_averages_the_points_per_level():
    assert ballot_score(EvaluationRound(), 2, 1, 1) == D("65.0")  # (200 + 60 + 0) ÷ 4


def test_compliance_score_gives_half_to_visits_and_half_to_days():
    assert compliance_score(2, 15, 4, 15) == D("75.0") and compliance_score(9, 40, 4, 15) == D("100.0")


def test_share_score_is_capped_at_a_hundred_and_never_negative():
    assert share_score(3, 2) == D("100.0") and share_score(D(-5), 10) == D("0.0") and share_score(1, 0) is None


def test_composite_mixes_the_components_by_weight():
    a = Appraisal(None, ballot_score=D(80), compliance_score=D(100), deeds_score=D(50), income_score=D(100))
    assert composite(EvaluationRound(), a) == D("83.0")  # 0.6·80 + 0.2·100 + 0.1·50 + 0.1·100


def test_a_missing_component_leaves_its_weight_out():
    a = Appraisal(None, ballot_score=None, compliance_score=D(100), deeds_score=D(50), income_score=D(100))
    assert composite(EvaluationRound(), a) == D("87.5")  # (20·100 + 10·50 + 10·100) ÷ 40


def test_composite_rounds_half_up():
    a = Appraisal(None, ballot_score=D("89.9"), compliance_score=D("90.0"))
    rnd = EvaluationRound(weight_ballots=D(50), weight_compliance=D(50), weight_deeds=D(0), weight_income=D(0))
    assert composite(rnd, a) == D("90.0")  # 89.95 → 90.0: 优秀, not 良好


def test_weights_must_add_up_to_a_hundred():
    rnd = EvaluationRound(opens=date(2025, 1, 1), closes=date(2025, 12, 31), weight_ballots=D(70))
    assert "weight_ballots" in round_errors(rnd)


def test_thresholds_must_fall_from_excellent_down():
    rnd = EvaluationRound(opens=date(2025, 1, 1), closes=date(2025, 12, 31), team_good=D(95))
    assert "team_good" in round_errors(rnd)


# --- a round with known data ------------------------------------------------------------------------------

@pytest.fixture
def scored(world):
    """甲: both households rate 满意 on paper, the leadership 基本满意 on the web; four trips of
    four days (met); one deed of two wanted; paired households' per-capita income up 10 %."""
    record_tally(year=YEAR, direction=Direction.HOUSEHOLD_ON_CADRE, target=world.first, satisfied=2, basic=0, unsatisfied=0)
    issue_codes(rnd=world.round, direction=Direction.UNIT_ON_CADRE)
    code = world.round.ballotcode_set.get(cadre=world.first)
    cast_ballot(code=code.code, level="basic", today=date(YEAR, 12, 10))
    for month in (2, 5, 8, 11):
        visit = Visit.objects.create(cadre=world.first, start=date(YEAR, month, 1), end=date(YEAR, month, 4))
        visit.households.set(world.households[:2])
    Deed.objects.create(cadre=world.first, village=world.village, on=date(YEAR, 3, 1), category="funds", description="修路")
    for household in world.households[:2]:
        f.IncomeRecordFactory(household=household, year=YEAR - 1, total_income=D("9000"))
        f.IncomeRecordFactory(household=household, year=YEAR, total_income=D("9900"))
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=0, basic=1, unsatisfied=0)
    return world


def _of(rows, target):
    return next(a for a in rows if a.target == target)


@pytest.mark.django_db
def test_a_cadres_composite_from_known_data(scored):
    a = _of(appraisal(scored.round), scored.first)
    # ballots (100 + 100 + 60) ÷ 3 = 86.7; compliance 100; deeds 1 of 2 = 50; income +10 % of 10 % = 100
    assert (a.ballots, a.ballot_score, a.compliance_score, a.deeds_score, a.income_score) == (3, D("86.7"), D("100.0"),
                                                                                             D("50.0"), D("100.0"))
    assert a.score == D("87.0") and a.grade_label == "称职"  # 0.6·86.7 + 20 + 5 + 10 = 87.02


@pytest.mark.django_db
def test_a_work_team_is_scored_on_the_villages_ballots(scored):
    team = _of(appraisal(scored.round), scored.unit)
    assert (team.ballots, team.ballot_score) == (1, D("60.0"))
    assert team.grade == team_grade(scored.round, team.score)


@pytest.mark.django_db
def test_closing_a_round_freezes_its_results(scored):
    before = _of(appraisal(scored.round), scored.first).score
    close_round(rnd=scored.round)
    Deed.objects.all().delete()
    scored.round.refresh_from_db()
    assert _of(appraisal(scored.round), scored.first).score == before
    assert AppraisalResult.objects.filter(round=scored.round).count() == 3  # the team, 甲 and 乙


@pytest.mark.django_db
def test_a_cadre_sees_their_own_result_and_their_teams_only(scored):
    from pairing.access import cadre_scope

    own = cadre_scope(scored.second.pk)
    assert [a.target for a in appraisal(scored.round, scope=own)] == [scored.unit, scored.second]


# --- the command ---------------------------------------------------------------------------------------------

def run(**options) -> list[str]:
    out = io.StringIO()
    call_command("evaluation_results", stdout=out, **options)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_evaluation_results_prints_the_contract(scored):
    lines = run(year=YEAR)
    assert lines[0] == "评议类型,对象,名称,票数,满意,基本满意,不满意,满意度"
    assert lines[1:] == sorted(lines[1:])
    assert f"单位评干部,{scored.first.id_number},甲,1,0,1,0,100.0" in lines
    assert f"户评干部,{scored.first.id_number},甲,2,2,0,0,100.0" in lines
    assert f"村评单位,{scored.unit.code},农业局,1,0,1,0,100.0" in lines


@pytest.mark.django_db
def test_evaluation_results_filters_by_the_targets_area(scored):
    elsewhere = f.village("620503100001", "麦积一村")
    other = f.CadreFactory(name="丁")
    f.HouseholdPairingFactory(cadre=other, household=f.HouseholdFactory(village=elsewhere), start=date(2024, 1, 1))
    rnd = EvaluationRound.objects.create(year=YEAR, area=f.county("620503000000", "麦积区"), opens=date(YEAR, 1, 1),
                                         closes=date(YEAR, 12, 31))
    record_tally(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE, target=other, satisfied=0, basic=0, unsatisfied=1)
    assert any(",丁," in line for line in run(year=YEAR))
    assert not any(",丁," in line for line in run(year=YEAR, area="620502000000"))


@pytest.mark.django_db
def test_evaluation_results_counts_only_the_year_asked(scored):
    assert run(year=YEAR + 1) == ["评议类型,对象,名称,票数,满意,基本满意,不满意,满意度"]
