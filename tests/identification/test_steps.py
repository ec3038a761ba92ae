"""The workflow of identification, exit and return (docs/domain.md §10): a household's status
changes only through steps, taken in order, at their level, with notices of their minimum days."""
from __future__ import annotations

import uuid

import pytest

from households.models import Household
from identification.models import Objection, Step, StepEntry
from identification.services.objections import check_objection, record_objection
from shuanglian.errors import DomainError

from .conftest import d, identify, ready_to_exit, step

pytestmark = pytest.mark.django_db  # the clock is pinned (tests/identification/conftest.py): no date of the session matters


def _status(h):
    h.refresh_from_db()
    return h.status, h.exit_year


def refused(fn, *args, **kwargs) -> str:
    before = (Step.objects.count(), StepEntry.objects.count(), list(Household.objects.values_list("status", "exit_year")))
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    after = (Step.objects.count(), StepEntry.objects.count(), list(Household.objects.values_list("status", "exit_year")))
    assert after == before
    return " ".join(caught.value.messages)


def test_a_household_walks_through_identification_exit_and_return_with_its_history(w):
    u = w.users
    step(w, u.township, "vote", d(6, 1))
    step(w, u.township, "first_notice", d(6, 2), end=d(6, 8))
    step(w, u.township, "township_review", d(6, 9))
    step(w, u.township, "second_notice", d(6, 10), end=d(6, 16))
    step(w, u.county, "county_review", d(6, 17))
    assert _status(w.h) == ("candidate", None)
    step(w, u.county, "announcement", d(6, 18))
    assert _status(w.h) == ("identified", None)
    step(w, u.county, "filing", d(6, 19))
    assert _status(w.h) == ("registered", None)

    ready_to_exit(w.h)
    step(w, u.township, "vote", d(7, 1), procedure="exit")
    step(w, u.township, "first_notice", d(7, 2), end=d(7, 8), procedure="exit")
    step(w, u.township, "township_review", d(7, 9), procedure="exit")
    assert _status(w.h) == ("registered", None)
    step(w, u.county, "announcement", d(7, 10), procedure="exit")
    assert _status(w.h) == ("exited", 2025)

    step(w, u.township, "vote", d(8, 1), procedure="return")
    step(w, u.township, "first_notice", d(8, 2), end=d(8, 8), procedure="return")
    step(w, u.township, "township_review", d(8, 9), procedure="return")
    step(w, u.county, "county_review", d(8, 10), procedure="return")
    step(w, u.county, "announcement", d(8, 11), procedure="return")
    assert _status(w.h) == ("returned", None)

    history = list(StepEntry.objects.filter(household=w.h).order_by("step__date")
                   .values_list("step__procedure", "step__stage", "passed"))
    assert len(history) == 7 + 4 + 5 and all(passed for *_, passed in history)
    assert history[0] == ("identification", "vote", True) and history[-1] == ("return", "announcement", True)
    statuses = list(w.h.history.order_by("history_date").values_list("status", "exit_year", "history_user__username"))
    assert statuses[-4:] == [("identified", None, "county"), ("registered", None, "county"),
                             ("exited", 2025, "county"), ("returned", None, "county")]
    vote = StepEntry.objects.get(household=w.h, step__procedure="identification", step__stage="vote")
    assert (vote.votes_for, vote.votes_against, vote.votes_abstaining) == (30, 2, 1)
    assert vote.step.signatories[0] == {"name": "王书记", "role": "村党支部书记"}
    assert vote.step.history.get().history_user.username == "township"


def test_a_resident_first_secretary_takes_the_village_vote(w):
    created = step(w, w.users.resident, "vote", d(6, 1))
    assert created.taken_by == w.users.resident


def test_a_step_out_of_order_is_refused(w):
    message = refused(step, w, w.users.township, "first_notice", d(6, 2), end=d(6, 8))
    assert "须从“民主评议”开始" in message


def test_a_step_skipped_in_an_open_procedure_is_refused(w):
    step(w, w.users.township, "vote", d(6, 1))
    message = refused(step, w, w.users.township, "township_review", d(6, 9))
    assert "下一步是“第一次公示”" in message


def test_an_exit_of_a_candidate_is_refused(w):
    assert "不能开始脱贫退出程序" in refused(step, w, w.users.township, "vote", d(6, 1), procedure="exit")


def test_a_return_only_starts_for_an_exited_household(w):
    assert "不能开始返贫程序" in refused(step, w, w.users.township, "vote", d(6, 1), procedure="return")


@pytest.mark.parametrize("who", ["county", "city", "root", "leader", "other_county", "colleague"])
def test_a_village_stage_by_the_wrong_level_is_refused(w, who):
    message = refused(step, w, getattr(w.users, who), "vote", d(6, 1))
    assert "驻村工作队" in message


@pytest.mark.parametrize("who", ["township", "city", "root", "resident"])
def test_a_county_stage_by_the_wrong_level_is_refused(w, who):
    u = w.users
    step(w, u.township, "vote", d(6, 1))
    step(w, u.township, "first_notice", d(6, 2), end=d(6, 8))
    step(w, u.township, "township_review", d(6, 9))
    step(w, u.township, "second_notice", d(6, 10), end=d(6, 16))
    assert "县（区）的双联办" in refused(step, w, getattr(u, who), "county_review", d(6, 17))


def test_a_township_stage_by_the_resident_is_refused(w):
    u = w.users
    step(w, u.resident, "vote", d(6, 1))
    step(w, u.resident, "first_notice", d(6, 2), end=d(6, 8))
    assert "乡镇的双联办" in refused(step, w, u.resident, "township_review", d(6, 9))


def test_a_resident_no_longer_posted_may_not_take_the_vote(w):
    w.mine["cadre"].postings.update(end=d(5, 31))
    assert "驻村工作队" in refused(step, w, w.users.resident, "vote", d(6, 1))


def test_a_notice_shorter_than_its_minimum_is_refused(w):
    step(w, w.users.township, "vote", d(6, 1))
    message = refused(step, w, w.users.township, "first_notice", d(6, 2), end=d(6, 7))
    assert "不少于7天" in message and "本次为6天" in message


def test_a_notice_of_exactly_its_minimum_counting_both_ends_is_taken(w):
    step(w, w.users.township, "vote", d(6, 1))
    assert step(w, w.users.township, "first_notice", d(6, 2), end=d(6, 8)).end_date == d(6, 8)


def test_a_notice_without_an_end_date_is_refused(w):
    step(w, w.users.township, "vote", d(6, 1))
    assert "截止日期" in refused(step, w, w.users.township, "first_notice", d(6, 2))


def test_the_step_after_a_notice_may_not_be_dated_before_it_ends(w):
    step(w, w.users.township, "vote", d(6, 1))
    step(w, w.users.township, "first_notice", d(6, 2), end=d(6, 8))
    assert "下一步最早2025-06-09" in refused(step, w, w.users.township, "township_review", d(6, 8))


def test_a_vote_needs_its_counts_and_its_signatories(w):
    no_counts = {w.h.pk: {"passed": True}}
    assert "赞成、反对、弃权票数" in refused(step, w, w.users.township, "vote", d(6, 1), results=no_counts)
    assert "至少一人" in refused(step, w, w.users.township, "vote", d(6, 1), signatories=[])
    assert "姓名和职务" in refused(step, w, w.users.township, "vote", d(6, 1), signatories=[{"name": "王", "role": ""}])


def test_a_batch_from_two_villages_is_refused(w):
    message = refused(step, w, w.users.township, "vote", d(6, 1), households=[w.h, w.elsewhere])
    assert "同属一个村" in message


def test_a_batch_moves_through_a_step_together(w):
    created = step(w, w.users.township, "vote", d(6, 1), households=[w.h, w.second])
    assert created.entries.count() == 2


def test_identification_beyond_the_county_quota_is_refused(w, monkeypatch):
    from identification.services import steps

    asked = []

    def quota(county_code, year, *, villages=0, people=0):
        asked.append((county_code, year, people))
        return ["秦州区贫困人口超过规模控制数。"]

    u = w.users
    step(w, u.township, "vote", d(6, 1), households=[w.h, w.second])
    step(w, u.township, "first_notice", d(6, 2), end=d(6, 8), households=[w.h, w.second])
    step(w, u.township, "township_review", d(6, 9), households=[w.h, w.second])
    step(w, u.township, "second_notice", d(6, 10), end=d(6, 16), households=[w.h, w.second])
    monkeypatch.setattr(steps, "quota_errors", quota)
    assert "超过规模控制数" in refused(step, w, u.county, "county_review", d(6, 17), households=[w.h, w.second])
    assert asked == [("620502000000", 2025, 3 + 4)]


def test_an_exit_proposal_with_a_failed_checklist_is_refused(w):
    identify(w)
    ready_to_exit(w.h)
    w.h.exit_checklists.get().items.filter(item="housing").update(holds=False, note="危房")
    assert "住房安全有保障" in refused(step, w, w.users.township, "vote", d(7, 1), procedure="exit")


def test_a_double_submission_stores_one_step(w):
    key = uuid.uuid4()
    first = step(w, w.users.township, "vote", d(6, 1), key=key)
    again = step(w, w.users.township, "vote", d(6, 1), key=key)
    assert first.pk == again.pk and Step.objects.count() == 1 and StepEntry.objects.count() == 1


def test_a_household_that_failed_a_step_leaves_and_may_start_again_with_a_vote(w):
    step(w, w.users.township, "vote", d(6, 1), passed=False)
    assert "须从“民主评议”开始" in refused(step, w, w.users.township, "first_notice", d(6, 2), end=d(6, 8))
    assert step(w, w.users.township, "vote", d(6, 10)).stage == "vote"


# --- objections -------------------------------------------------------------------------------------------

def _noticed(w):
    step(w, w.users.township, "vote", d(6, 1))
    return step(w, w.users.township, "first_notice", d(6, 2), end=d(6, 8))


def test_an_unchecked_objection_holds_the_next_step(w):
    notice = _noticed(w)
    record_objection(w.users.resident, notice, w.h, d(6, 3), "村民甲", "家中有小轿车")
    assert "尚未核实" in refused(step, w, w.users.township, "township_review", d(6, 9))


def test_an_upheld_objection_makes_the_household_fail_the_next_step(w):
    notice = _noticed(w)
    objection = record_objection(w.users.resident, notice, w.h, d(6, 3), "", "家中有小轿车")
    check_objection(w.users.township, objection, d(6, 5), [{"name": "张核实", "role": "乡镇干部"}], "属实", True)
    assert "只能记为未通过" in refused(step, w, w.users.township, "township_review", d(6, 9))
    step(w, w.users.township, "township_review", d(6, 9), passed=False)
    assert "须从“民主评议”开始" in refused(step, w, w.users.township, "second_notice", d(6, 10), end=d(6, 16))


def test_an_objection_received_outside_the_notice_is_refused(w):
    notice = _noticed(w)
    with pytest.raises(DomainError, match="公示期间"):
        record_objection(w.users.resident, notice, w.h, d(6, 9), "", "异议")
    assert not Objection.objects.exists()


def test_an_objection_to_a_household_the_notice_did_not_name_is_refused(w):
    notice = _noticed(w)
    with pytest.raises(DomainError, match="不在这次公示的名单中"):
        record_objection(w.users.resident, notice, w.second, d(6, 3), "", "异议")


def test_an_objection_is_checked_once_with_its_checkers(w):
    notice = _noticed(w)
    objection = record_objection(w.users.resident, notice, w.h, d(6, 3), "", "异议")
    with pytest.raises(DomainError, match="核实人员"):
        check_objection(w.users.township, objection, d(6, 5), [], "不属实", False)
    check_objection(w.users.township, objection, d(6, 5), [{"name": "张核实", "role": "乡镇干部"}], "不属实", False)
    with pytest.raises(DomainError, match="已经核实"):
        check_objection(w.users.township, objection, d(6, 6), [{"name": "张核实", "role": "乡镇干部"}], "不属实", True)
    assert step(w, w.users.township, "township_review", d(6, 9)).stage == "township_review"
