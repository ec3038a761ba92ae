"""One-time codes and web ballots: one ballot per code (also when submissions race), clear
refusals, and the secrecy of household ballots."""
from datetime import date, timedelta

import pytest
from django.db import connection

from assessments.models import Ballot, BallotCode, Direction, EvaluationRound
from assessments.selectors import ballot_counts
from assessments.services import cast_ballot, close_round, issue_codes, normalise_code, record_tally
from shuanglian.errors import DomainError
from tests import factories as f

from .conftest import YEAR

pytestmark = pytest.mark.django_db
DURING = date(YEAR, 12, 10)


def household_code(world) -> BallotCode:
    issue_codes(rnd=world.round, direction=Direction.HOUSEHOLD_ON_CADRE)
    return BallotCode.objects.filter(cadre=world.first).first()


def cast(code, level="satisfied", today=DURING, **kwargs):
    return cast_ballot(code=code.code if isinstance(code, BallotCode) else code, level=level, today=today, **kwargs)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_codes_are_issued_one_per_paired_household_and_cadre(world):
    assert issue_codes(rnd=world.round, direction=Direction.HOUSEHOLD_ON_CADRE) == 3
    assert sorted(BallotCode.objects.values_list("cadre__name", flat=True)) == ["乙", "甲", "甲"]


def test_issuing_again_adds_only_new_raters(world):
    issue_codes(rnd=world.round, direction=Direction.HOUSEHOLD_ON_CADRE)
    f.HouseholdPairingFactory(cadre=world.second, household=f.HouseholdFactory(village=world.village), start=date(2025, 6, 1))
    assert issue_codes(rnd=world.round, direction=Direction.HOUSEHOLD_ON_CADRE) == 1


@pytest.mark.parametrize("direction, expected", [
    (Direction.VILLAGE_ON_UNIT, 1),  # one village paired
    (Direction.UNIT_ON_CADRE, 2),  # the leadership rates each cadre who pairs households
    (Direction.CADRE_ON_LEADERSHIP, 3),  # every cadre of the unit rates its leadership
])
def test_codes_follow_the_raters_of_each_direction(world, direction, expected):
    assert issue_codes(rnd=world.round, direction=direction) == expected


def test_a_code_casts_one_ballot_for_its_target(world):
    ballot = cast(household_code(world), "basic", comment="帮助很大")
    assert (ballot.cadre, ballot.level, ballot.comment) == (world.first, "basic", "帮助很大")


def test_a_ballots_id_carries_no_time(world):
    # Random (version 4), unlike the forms' time-ordered keys: an id that began with the moment
    # of casting would tell when each ballot came in, and so, next to the codes' use, whose it is.
    assert cast(household_code(world)).pk.version == 4


def test_a_spent_code_is_refused_and_changes_nothing(world):
    code = household_code(world)
    cast(code)
    with pytest.raises(DomainError) as exc:
        cast(code, "unsatisfied")
    assert "已经使用过" in messages(exc) and Ballot.objects.get().level == "satisfied"


def test_an_unknown_code_is_refused(world):
    with pytest.raises(DomainError) as exc:
        cast("ABCDEFGHJK")
    assert "不存在" in messages(exc) and not Ballot.objects.exists()


def test_an_expired_code_is_refused(world):
    with pytest.raises(DomainError) as exc:
        cast(household_code(world), today=date(YEAR + 1, 1, 1))
    assert "已过期" in messages(exc)


def test_a_code_before_the_round_opens_is_refused(world):
    with pytest.raises(DomainError) as exc:
        cast(household_code(world), today=date(YEAR, 11, 30))
    assert "尚未开始" in messages(exc)


def test_a_code_of_a_closed_round_is_refused(world):
    code = household_code(world)
    close_round(rnd=world.round)
    with pytest.raises(DomainError) as exc:
        cast(code)
    assert "已结束" in messages(exc) and not Ballot.objects.exists()


def test_a_missing_level_is_refused_and_keeps_the_code(world):
    code = household_code(world)
    with pytest.raises(DomainError):
        cast(code, level="")
    code.refresh_from_db()
    assert not code.spent


def test_a_typed_code_forgives_spaces_dashes_and_case(world):
    code = household_code(world)
    typed = f"{code.code[:5].lower()}-{code.code[5:]} "
    assert normalise_code(typed) == code.code and cast(typed).cadre == world.first


def test_web_ballots_add_to_paper_tallies(world):
    record_tally(year=YEAR, direction=Direction.HOUSEHOLD_ON_CADRE, target=world.first, satisfied=1, basic=0, unsatisfied=0)
    cast(household_code(world), "unsatisfied")
    [row] = [r for r in ballot_counts(year=YEAR) if r.cadre_id == world.first.pk]
    assert (row.ballots, row.satisfied, row.unsatisfied, str(row.satisfaction)) == (2, 1, 1, "50.0")


def test_a_web_ballot_beyond_the_paper_tallies_is_refused(world):
    record_tally(year=YEAR, direction=Direction.HOUSEHOLD_ON_CADRE, target=world.first, satisfied=2, basic=0, unsatisfied=0)
    with pytest.raises(DomainError) as exc:
        cast(household_code(world))
    assert "已达上限" in messages(exc) and not Ballot.objects.exists()


def village_code(world) -> BallotCode:
    issue_codes(rnd=world.round, direction=Direction.VILLAGE_ON_UNIT)
    return BallotCode.objects.filter(direction=Direction.VILLAGE_ON_UNIT, unit=world.unit).first()  # one per member


def test_a_web_village_ballot_beyond_the_committee_size_is_refused(world):
    f.VillageYearFactory(village=world.village, year=YEAR, committee_size=5)
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=4, basic=1, unsatisfied=0)
    with pytest.raises(DomainError) as exc:
        cast(village_code(world))
    assert "村两委成员数合计5人" in messages(exc) and not Ballot.objects.exists()


def test_a_web_village_ballot_within_the_committee_size_is_cast(world):
    f.VillageYearFactory(village=world.village, year=YEAR, committee_size=5)
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=4, basic=0, unsatisfied=0)
    assert cast(village_code(world)).unit == world.unit


def test_a_web_village_ballot_is_cast_while_the_committee_size_is_unknown(world):
    record_tally(year=YEAR, direction=Direction.VILLAGE_ON_UNIT, target=world.unit, satisfied=7, basic=0, unsatisfied=0)
    assert cast(village_code(world)).unit == world.unit


def test_a_web_leadership_ballot_beyond_the_leadership_size_is_refused(world):
    world.unit.leadership_size = 3
    world.unit.save()
    record_tally(year=YEAR, direction=Direction.UNIT_ON_CADRE, target=world.first, satisfied=3, basic=0, unsatisfied=0)
    issue_codes(rnd=world.round, direction=Direction.UNIT_ON_CADRE)
    with pytest.raises(DomainError) as exc:
        cast(BallotCode.objects.filter(direction=Direction.UNIT_ON_CADRE, cadre=world.first).first())
    assert "班子成员数3人" in messages(exc) and not Ballot.objects.exists()


def test_a_paper_tally_counts_the_web_ballots_already_cast(world):
    cast(household_code(world))
    with pytest.raises(DomainError):
        record_tally(year=YEAR, direction=Direction.HOUSEHOLD_ON_CADRE, target=world.first, satisfied=2, basic=0,
                     unsatisfied=0)


# --- secrecy -------------------------------------------------------------------------------------------------

def test_a_ballot_stores_nothing_that_could_name_its_rater():
    stored = {field.name for field in Ballot._meta.get_fields()}
    # No code, household, user, time or sequence: only what the ballot says and about whom.
    assert stored == {"id", "round", "direction", "unit", "cadre", "level", "comment"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"


def test_no_relation_leads_from_a_code_to_a_ballot():
    assert not [r for r in BallotCode._meta.get_fields() if r.is_relation and r.related_model is Ballot]


def test_ballot_keys_are_random_so_their_order_tells_nothing(world):
    issue_codes(rnd=world.round, direction=Direction.HOUSEHOLD_ON_CADRE)
    for code in BallotCode.objects.filter(cadre=world.first):
        cast(code)
    assert all(ballot.pk.version == 4 for ballot in Ballot.objects.all())


# --- racing submissions -------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_racing_submissions_of_one_code_cast_one_ballot():
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    county, village = f.county(), f.village()
    cadre = f.CadreFactory()
    f.HouseholdPairingFactory(cadre=cadre, household=f.HouseholdFactory(village=village), start=date(2024, 1, 1))
    rnd = EvaluationRound.objects.create(year=YEAR, area=county, opens=date(YEAR, 1, 1), closes=date(YEAR, 12, 31))
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    code = BallotCode.objects.get().code
    start = Barrier(6)

    def submit(_):
        try:
            start.wait()
            cast_ballot(code=code, level="satisfied", today=DURING)
            return "cast"
        except DomainError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(submit, range(6)))
    assert outcomes.count("cast") == 1 and Ballot.objects.count() == 1


def test_round_dates_beyond_the_year_still_expire_after_closing(world):
    world.round.closes = date(YEAR + 1, 1, 15)
    world.round.save()
    code = household_code(world)
    assert cast(code, today=date(YEAR + 1, 1, 15)).cadre == world.first
    with pytest.raises(DomainError):
        cast(BallotCode.objects.filter(spent=False).first(), today=date(YEAR + 1, 1, 15) + timedelta(days=1))


def test_slips_name_their_raters_in_the_sites_language(world):
    from django.utils import translation

    with translation.override("en"):
        issue_codes(rnd=world.round, direction=Direction.VILLAGE_ON_UNIT)
    assert "“两委”" in BallotCode.objects.get().rater_label
