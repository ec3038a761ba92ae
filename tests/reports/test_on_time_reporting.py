"""按时报送: units submit monthly reports by the deadline, the office approves (locking the
month), returns with a comment or reopens; the office sees who is missing, who was late, and
the roll-up of approved reports."""
from datetime import date

import pytest

from reports import selectors
from reports.access import visible_submissions
from reports.models import MonthlySubmission, SubmissionPolicy
from reports.services import submissions
from shuanglian.errors import DomainError
from shuanglian.scoping import scope_for
from visits.locks import check_month_open
from visits.selectors import trip_facts

from .conftest import at

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)


@pytest.fixture
def submit(county, people):
    def submit(unit=None, by=None, when="2025-04-03", month=MARCH, summary="走访到户，办理诉求"):
        return submissions.submit_monthly_report(unit=unit or county.units[0], month=month, summary=summary,
                                              by=by or people.nongye, now=at(when))
    return submit


def test_a_unit_submits_its_march_report_on_time_with_the_months_figures(submit):
    s = submit()
    assert (s.status, s.due, s.late) == ("submitted", date(2025, 4, 5), False)
    assert (s.figures["summary"]["visits"], s.figures["summary"]["funds"]) == (2, "5000.00")
    assert [e.action for e in s.events.all()] == ["submitted"]


def test_a_report_submitted_after_the_deadline_is_late(submit):
    assert submit(when="2025-04-06").late is True


def test_a_report_submitted_on_the_deadline_is_on_time(submit):
    assert submit(when="2025-04-05").late is False


def test_a_county_deadline_overrides_the_province_rule(county, submit):
    SubmissionPolicy.objects.create(area=county.county, due_day=10)
    s = submit(when="2025-04-08")
    assert (s.due, s.late) == (date(2025, 4, 10), False)


def test_a_month_that_has_not_ended_cannot_be_submitted(submit):
    with pytest.raises(DomainError, match="尚未结束"):
        submit(when="2025-03-31")


def test_a_report_needs_a_written_summary(submit):
    with pytest.raises(DomainError, match="工作情况"):
        submit(summary="  ")


def test_a_report_waiting_for_review_cannot_be_submitted_again(submit):
    submit()
    with pytest.raises(DomainError, match="等待双联办审核"):
        submit(when="2025-04-04")


def test_only_the_units_administrator_submits_for_it(submit, people):
    with pytest.raises(DomainError, match="本单位管理员"):
        submit(by=people.shuili)


def test_approval_locks_the_month_for_the_units_visits(county, people, submit):
    submissions.approve_submission(submission=submit(), by=people.office, now=at("2025-04-07"))
    with pytest.raises(DomainError, match="2025年3月的月报已审核通过并锁定"):
        check_month_open(unit=county.units[0], start=date(2025, 3, 30), end=date(2025, 4, 2))


def test_an_approved_month_leaves_the_next_month_open(county, people, submit):
    submissions.approve_submission(submission=submit(), by=people.office)
    check_month_open(unit=county.units[0], start=date(2025, 4, 1), end=date(2025, 4, 3))


def test_one_units_locked_month_does_not_lock_another_unit(county, people, submit):
    submissions.approve_submission(submission=submit(), by=people.office)
    check_month_open(unit=county.units[1], start=date(2025, 3, 3), end=date(2025, 3, 5))


def facts_locked(unit, first_month, last_month):
    """Whether a trip's facts, read in their one statement, say one of its months is locked."""
    return trip_facts(cadre_id=0, area_code=unit.area_id, year=first_month.year, household_ids=[],
                      unit_id=unit.pk, months=(first_month, last_month)).locked


def test_a_trips_facts_say_whether_its_months_are_locked(county, people, submit):
    submissions.approve_submission(submission=submit(), by=people.office)
    submit(month=date(2025, 4, 1), when="2025-05-03")  # submitted, not approved: open
    assert facts_locked(county.units[0], date(2025, 2, 1), MARCH) is True
    assert facts_locked(county.units[0], date(2025, 4, 1), date(2025, 4, 1)) is False
    assert facts_locked(county.units[1], MARCH, MARCH) is False


def test_a_submitted_but_unapproved_month_stays_open(county, submit):
    submit()
    check_month_open(unit=county.units[0], start=date(2025, 3, 3), end=date(2025, 3, 5))


def test_the_office_returns_a_report_with_a_comment_and_the_unit_resubmits(people, submit):
    s = submissions.return_submission(submission=submit(), by=people.office, comment="请补充诉求办理情况", now=at("2025-04-04"))
    assert (s.status, s.comment) == ("returned", "请补充诉求办理情况")
    again = submit(when="2025-04-09", summary="已补充")
    assert (again.pk, again.status, again.summary) == (s.pk, "submitted", "已补充")


def test_lateness_is_judged_on_the_first_submission(people, submit):
    submissions.return_submission(submission=submit(when="2025-04-02"), by=people.office, comment="请补充")
    assert submit(when="2025-04-20").late is False


def test_a_return_needs_a_comment(people, submit):
    with pytest.raises(DomainError, match="写明需要修改"):
        submissions.return_submission(submission=submit(), by=people.office, comment="")


def test_reopening_unlocks_the_month_and_the_audit_trail_shows_why(county, people, submit):
    s = submissions.approve_submission(submission=submit(), by=people.office, now=at("2025-04-07"))
    submissions.reopen_month(submission=s, by=people.office, reason="张一补录3月走访", now=at("2025-05-02"))
    check_month_open(unit=county.units[0], start=date(2025, 3, 3), end=date(2025, 3, 5))
    assert [(e.action, e.by.username, e.comment) for e in s.events.all()] == [
        ("submitted", "nongye", ""), ("approved", "office", ""), ("reopened", "office", "张一补录3月走访")]


def test_a_reopened_month_is_locked_again_by_the_next_approval(county, people, submit):
    s = submissions.approve_submission(submission=submit(), by=people.office)
    submissions.reopen_month(submission=s, by=people.office, reason="更正")
    submissions.approve_submission(submission=submit(when="2025-05-03"), by=people.office)
    with pytest.raises(DomainError, match="锁定"):
        check_month_open(unit=county.units[0], start=date(2025, 3, 3), end=date(2025, 3, 5))


def test_reopening_needs_a_reason(people, submit):
    s = submissions.approve_submission(submission=submit(), by=people.office)
    with pytest.raises(DomainError, match="写明原因"):
        submissions.reopen_month(submission=s, by=people.office, reason="")


def test_only_a_submitted_report_can_be_approved(people, submit):
    s = submissions.approve_submission(submission=submit(), by=people.office)
    with pytest.raises(DomainError, match="不能审核通过"):
        submissions.approve_submission(submission=s, by=people.office)


def test_another_countys_office_cannot_approve(people, submit):
    with pytest.raises(DomainError, match="无权审核"):
        submissions.approve_submission(submission=submit(), by=people.maiji_office)


def test_a_leader_reads_but_does_not_approve(people, submit):
    with pytest.raises(DomainError, match="无权审核"):
        submissions.approve_submission(submission=submit(), by=people.leader)


def test_the_office_sees_who_has_not_submitted_and_who_was_late(county, people, submit):
    submit(when="2025-04-07")
    rows = selectors.month_overview(scope=scope_for(people.office), month=MARCH)
    assert [(r.unit.code, r.state, r.submission.late if r.submission else None, r.due) for r in rows] == [
        ("U2", "missing", None, date(2025, 4, 5)), ("U1", "submitted", True, date(2025, 4, 5))]


def test_units_without_pairings_in_the_month_owe_no_report(county, people):
    from tests import factories as f

    f.UnitFactory(code="U9", name="新单位", area=county.county)
    rows = selectors.month_overview(scope=scope_for(people.office), month=MARCH)
    assert "U9" not in [r.unit.code for r in rows]


def test_the_rollup_sums_the_approved_reports_of_the_month(county, people, submit):
    submissions.approve_submission(submission=submit(), by=people.office)
    submissions.approve_submission(submission=submit(unit=county.units[1], by=people.shuili), by=people.office)
    rollup = selectors.rollup(scope=scope_for(people.office), month=MARCH)
    assert [(u["unit__code"], u["visits"], u["cadres_due"], u["demands_collected"]) for u in rollup["units"]] == [
        ("U1", 2, 2, 1), ("U2", 0, 1, 1)]
    assert (rollup["total"]["visits"], rollup["total"]["cadres_due"], rollup["total"]["demands_collected"],
            rollup["total"]["funds"], rollup["total"]["people_trained"]) == (2, 3, 2, 5000, 12)


def test_the_rollup_leaves_out_reports_not_yet_approved(county, people, submit):
    submit()
    assert selectors.rollup(scope=scope_for(people.office), month=MARCH)["count"] == 0


def test_a_unit_administrator_sees_only_its_own_submissions(county, people, submit):
    submit()
    submit(unit=county.units[1], by=people.shuili)
    assert [s.unit.code for s in visible_submissions(scope_for(people.nongye))] == ["U1"]
    assert MonthlySubmission.objects.count() == 2


def test_the_review_form_offers_exactly_the_review_steps_of_the_service():
    from reports.forms import ReviewForm

    assert [key for key, _label in ReviewForm.ACTIONS] == list(submissions.REVIEWS)


def test_a_review_step_through_the_one_entry_point(people, submit):
    s = submissions.review_submission(submission=submit(), action="return", by=people.office, comment="请补充")
    assert (s.status, s.comment) == ("returned", "请补充")
    with pytest.raises(DomainError, match="写明原因"):
        submissions.review_submission(submission=submit(when="2025-04-06"), action="reopen", by=people.office)
