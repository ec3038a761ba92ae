"""On-time reporting (按时报送): a unit submits its monthly report, the office approves it (the
month is then locked: ``selectors.approved_months`` is the lock source ``visits.locks`` asks) or
returns it with a comment, and may reopen an approved month; each step is recorded in
``SubmissionEvent``. The page and the admin review through ``review_submission``.
"""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pairing.models import Unit, VillagePairing
from shuanglian import freshness
from shuanglian.errors import DomainError

from .. import selectors
from ..figures import Subject, report_figures
from ..models import MonthlySubmission, SubmissionEvent
from ..periods import MONTHLY, Period, first_of_month, month_end


def _month(value: date) -> date:
    return first_of_month(value)


def _event(submission: MonthlySubmission, action: str, by, at, comment: str = "") -> None:
    SubmissionEvent.objects.create(submission=submission, action=action, by=by, at=at, comment=comment)


@transaction.atomic
def submit_monthly_report(*, unit: Unit, month: date, summary: str, by, now=None) -> MonthlySubmission:
    """A unit submits (or, after a return or a reopening, resubmits) its report for a month that
    has ended. The figures of the month are taken at submission, as the unit reported them.
    Lateness is judged on the first submission against the deadline then in force."""
    now = now or timezone.now()
    month = _month(month)
    summary = (summary or "").strip()
    if by is not None and not selectors.may_submit(by, unit):
        raise DomainError(_("只有本单位管理员可以报送本单位的月报。"))
    if month_end(month) >= timezone.localtime(now).date():
        raise DomainError({"month": _("%(year)s年%(month)s月尚未结束，月报在月末之后报送。") % {
            "year": month.year, "month": month.month}})
    if not summary:
        raise DomainError({"summary": _("请填写本月工作情况。")})
    existing = MonthlySubmission.objects.select_for_update().filter(unit=unit, month=month).first()
    if existing is not None and existing.status == MonthlySubmission.Status.SUBMITTED:
        raise DomainError(_("本月月报已报送，正在等待双联办审核。"))
    if existing is not None and existing.status == MonthlySubmission.Status.APPROVED:
        raise DomainError(_("本月月报已审核通过并锁定；如需修改，请双联办先重新开放。"))
    figures = report_figures(subject=Subject(unit_id=unit.pk), period=Period.containing(MONTHLY, month), as_of=month_end(month))
    figures = {"summary": figures["summary"], "behind": figures.get("behind", [])}
    if existing is None:
        due = selectors.deadline(unit=unit, month=month)
        submission = MonthlySubmission.objects.create(
            unit=unit, month=month, due=due, summary=summary, figures=figures, first_submitted_at=now, submitted_at=now,
            submitted_by=by, late=timezone.localtime(now).date() > due)
        _event(submission, SubmissionEvent.Action.SUBMITTED, by, now)
        return submission
    existing.status, existing.summary, existing.figures = MonthlySubmission.Status.SUBMITTED, summary, figures
    existing.submitted_at, existing.submitted_by = now, by
    existing.save(update_fields=["status", "summary", "figures", "submitted_at", "submitted_by"])
    _event(existing, SubmissionEvent.Action.RESUBMITTED, by, now)
    return existing


def _review(submission: MonthlySubmission, by, *, expected: str, verb: str, becomes: str, action: str, comment: str,
            now) -> MonthlySubmission:
    """One review step: the reviewer may review the unit, the report is in the state the step
    starts from; the new state, the reviewer and the comment are stored and the step is logged."""
    locked = MonthlySubmission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
    if by is not None and not selectors.may_review(by, locked.unit):
        raise DomainError(_("您无权审核该单位的月报。"))
    if locked.status != expected:
        raise DomainError(_("该月报当前为“%(status)s”，不能%(verb)s。") % {"status": locked.get_status_display(), "verb": verb})
    now = now or timezone.now()
    locked.status, locked.reviewed_at, locked.reviewed_by, locked.comment = becomes, now, by, comment
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "comment"])
    _event(locked, action, by, now, comment)
    _touch_unit(locked.unit)
    return locked


def _touch_unit(unit: Unit) -> None:
    """A review locks or unlocks a unit's month: the figures of the areas it answers for (its
    own area and the villages it pairs) are computed anew."""
    villages = VillagePairing.objects.filter(unit=unit).values_list("village_id", flat=True)
    freshness.touch_areas([unit.area_id, *villages])


def _required(text: str, field: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError({field: message})
    return text


@transaction.atomic
def approve_submission(*, submission: MonthlySubmission, by, comment: str = "", now=None) -> MonthlySubmission:
    """The office approves a submitted report; the unit's month is locked from then on."""
    return _review(submission, by, expected=MonthlySubmission.Status.SUBMITTED, verb=pgettext("review step", "审核通过"),
                   becomes=MonthlySubmission.Status.APPROVED, action=SubmissionEvent.Action.APPROVED,
                   comment=(comment or "").strip(), now=now)


@transaction.atomic
def return_submission(*, submission: MonthlySubmission, by, comment: str, now=None) -> MonthlySubmission:
    """The office sends a report back to the unit, saying what to correct."""
    comment = _required(comment, "comment", _("退回时请写明需要修改的内容。"))
    return _review(submission, by, expected=MonthlySubmission.Status.SUBMITTED, verb=pgettext("review step", "退回"),
                   becomes=MonthlySubmission.Status.RETURNED, action=SubmissionEvent.Action.RETURNED, comment=comment, now=now)


@transaction.atomic
def reopen_month(*, submission: MonthlySubmission, by, reason: str, now=None) -> MonthlySubmission:
    """The office unlocks an approved month (the reason is kept in the audit trail); the unit
    corrects its visits and submits again, and approval locks the month again."""
    reason = _required(reason, "reason", _("重新开放时请写明原因。"))
    return _review(submission, by, expected=MonthlySubmission.Status.APPROVED, verb=pgettext("review step", "重新开放"),
                   becomes=MonthlySubmission.Status.REOPENED, action=SubmissionEvent.Action.REOPENED, comment=reason, now=now)


REVIEWS = {"approve": approve_submission, "return": return_submission, "reopen": reopen_month}


def review_submission(*, submission: MonthlySubmission, action: str, by, comment: str = "", now=None) -> MonthlySubmission:
    """One review step by the office, whichever door it comes through (the 按时报送 page or the
    admin): ``approve`` (the comment optional), ``return`` (the comment says what to correct) or
    ``reopen`` (the comment is the reason)."""
    if action not in REVIEWS:
        raise ValueError(f"unknown review action {action!r}")
    if action == "reopen":
        return reopen_month(submission=submission, by=by, reason=comment, now=now)
    return REVIEWS[action](submission=submission, by=by, comment=comment, now=now)


def check_due_day(due_day: int | None) -> None:
    """A monthly report falls due on a day that every month has."""
    if due_day is None or not 1 <= due_day <= 28:
        raise DomainError({"due_day": _("次月截止日应为1到28之间的日期。")})
