"""Writes of the reports app.

- Reports: ``request_report`` creates or resets the one report of a kind, period and subject
  and queues it; ``run_report`` computes and stores it. A run claims the report with a fresh
  token and stores its result only while it still holds the token, so running a report again,
  a redelivered message or a requeued stale run all end in one report, never two.
- On-time reporting (按时报送): a unit submits its monthly report, the office approves it (the
  month is then locked) or returns it with a comment, and may reopen an approved month; each
  step is recorded in ``SubmissionEvent``. ``check_month_open`` is the lock that visit logging calls.
- Reminders: the weekly notice to each unit administrator of the unit's cadres behind pace.
"""
from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pairing.models import Cadre, Unit
from shuanglian.errors import DomainError
from shuanglian.helpers import in_batches
from visits.selectors import pace

from . import selectors
from .figures import Subject, report_figures
from .models import MonthlySubmission, Notice, Report, SubmissionEvent, report_storage
from .periods import MONTHLY, Period, first_of_month, month_end, next_month

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the disk was briefly away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


def _period(kind: str, period: str | Period) -> Period:
    return period if isinstance(period, Period) else Period.parse(kind, period)


# --- reports -----------------------------------------------------------------------------------------

def request_report(*, kind: str, period: str | Period, area=None, unit=None, by=None, enqueue: bool = True,
                   today: date | None = None) -> Report:
    """The report of this kind, period and subject, (re)set to pending and queued. Asking again
    for the same report re-runs it in place: its figures and file are replaced."""
    period = _period(kind, period)
    if (area is None) == (unit is None):
        raise DomainError(_("请选择一个区划或一个单位。"))
    today = today or timezone.localdate()
    if period.start > today:
        raise DomainError({"period": _("%(period)s尚未开始，不能生成报表。") % {"period": period.title}})
    now = timezone.now()
    fresh = {"status": Report.Status.PENDING, "progress": 0, "error": "", "requested_by": by, "requested_at": now,
             "run_token": None, "started_at": None, "finished_at": None, "start": period.start, "end": period.end}
    key = {"kind": kind, "period": period.label, "area": area, "unit": unit}
    with transaction.atomic():
        try:
            with transaction.atomic():
                report, created = Report.objects.select_for_update().get_or_create(**key, defaults=fresh)
        except IntegrityError:  # the same report requested at the same moment elsewhere
            report, created = Report.objects.select_for_update().get(**key), False
        if not created:
            for field, value in fresh.items():
                setattr(report, field, value)
            report.save(update_fields=list(fresh))
        if enqueue:
            transaction.on_commit(lambda: enqueue_report(report.pk))
    return report


def dispatch(task, *args) -> None:
    """Hand a task to the workers; without a broker run it in-process at once (retries
    included, instead of raising Retry into the caller). A broker that cannot be reached is
    logged, never shown to the user: what was queued is picked up again by the sweeps."""
    try:
        if task.app.conf.task_always_eager:
            task.apply(args=args, throw=False)
        else:
            # REPORTS_QUEUE lets a deployment give reports workers of their own (default: Celery's queue).
            task.apply_async(args=args, queue=getattr(settings, "REPORTS_QUEUE", None) or None)
    except Exception:  # noqa: BLE001 — the broker's own error types vary by transport
        logger.exception("could not queue %s%r", task.name, args)


def enqueue_report(report_id: int) -> None:
    """Queue the report; if the broker is unreachable it stays pending and the stale-report
    sweep queues it again later."""
    from .tasks import generate_report

    dispatch(generate_report, report_id)


def run_report(*, report_id: int, final: bool = True, today: date | None = None) -> Report | None:
    """Compute the report's figures, write its Excel file and store both. Transient errors go
    back to the caller (the task retries them) with the report set back to pending, or to
    failed on the last try; any other error fails the report with a message.

    A report is an archive: it is written in the site's language (Chinese), whichever language
    the person who asked for it reads, and whether it runs in a worker or in-process."""
    with translation.override(settings.LANGUAGE_CODE):
        return _run_report(report_id=report_id, final=final, today=today)


def _run_report(*, report_id: int, final: bool, today: date | None) -> Report | None:
    token = _claim(report_id)
    if token is None:
        return None
    try:
        return _produce(report_id, token, today or timezone.localdate())
    except TRANSIENT_ERRORS as exc:
        if final:
            _finish_failed(report_id, token, _("生成失败：%(error)s") % {"error": exc})
        else:
            _release(report_id, token, _("暂时出错，稍后自动重试：%(error)s") % {"error": exc})
        raise
    except DomainError as exc:
        # Translators: what separates whole sentences run together on one line.
        _finish_failed(report_id, token, _("；").join(exc.messages))
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        _finish_failed(report_id, token, _("生成失败（%(type)s），详情已记入日志，请联系系统管理员。") % {"type": type(exc).__name__})
    return Report.objects.filter(pk=report_id).first()


def _claim(report_id: int) -> uuid.UUID | None:
    token = uuid.uuid4()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return None
        report.status, report.progress, report.error = Report.Status.RUNNING, 5, ""
        report.started_at, report.finished_at = timezone.now(), None
        report.attempts += 1
        report.run_token = token
        report.save(update_fields=["status", "progress", "error", "started_at", "finished_at", "attempts", "run_token"])
    return token


def _progress(report_id: int, token: uuid.UUID, percent: int) -> None:
    Report.objects.filter(pk=report_id, run_token=token).update(progress=percent)


def _produce(report_id: int, token: uuid.UUID, today: date) -> Report:
    from .workbook import write_report_workbook

    report = Report.objects.select_related("area", "unit").get(pk=report_id)
    period = report.period_obj
    as_of = min(period.end, today)
    subject = Subject(area_code=report.area_id, unit_id=report.unit_id)
    figures = report_figures(subject=subject, period=period, as_of=as_of)
    figures.update({"title": report.title, "subject": report.subject_name, "period_title": period.title,
                    "start": period.start.isoformat(), "end": period.end.isoformat(),
                    "generated_at": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    _progress(report_id, token, 60)
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="report-")
    os.close(handle)
    try:
        write_report_workbook(path, report=report, figures=figures)
        _progress(report_id, token, 90)
        return _store(report_id, token, path, figures, as_of)
    finally:
        os.unlink(path)


def _store(report_id: int, token: uuid.UUID, path: str, figures: dict, as_of: date) -> Report:
    """Replace the report's figures and file, only if this run still owns the report."""
    new_name = None
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.run_token != token:
                return report  # a newer run took the report over; its result is the one kept
            old_name = report.file.name
            code = report.area_id or report.unit.code
            with open(path, "rb") as handle:
                report.file.save(f"{report.kind}-{report.period}-{code}-{token.hex[:8]}.xlsx", File(handle), save=False)
            new_name = report.file.name
            report.figures, report.as_of = figures, as_of
            report.status, report.progress, report.error = Report.Status.DONE, 100, ""
            report.finished_at = timezone.now()
            report.save(update_fields=["file", "figures", "as_of", "status", "progress", "error", "finished_at"])
            if old_name and old_name != new_name:
                transaction.on_commit(lambda: report_storage.delete(old_name))
            return report
    except Exception:
        if new_name:
            report_storage.delete(new_name)
        raise


def _finish_failed(report_id: int, token: uuid.UUID, error: str) -> None:
    try:
        Report.objects.filter(pk=report_id, run_token=token).update(
            status=Report.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    except DatabaseError:
        logger.exception("could not mark report %s failed", report_id)


def _release(report_id: int, token: uuid.UUID, note: str) -> None:
    """Back to pending while the task waits to retry."""
    try:
        Report.objects.filter(pk=report_id, run_token=token).update(status=Report.Status.PENDING, progress=0, error=note[:2000])
    except DatabaseError:
        logger.exception("could not set report %s back to pending", report_id)


def requeue_stale_reports(*, now=None) -> int:
    """Reports whose run was cut off (a worker killed mid-task, a message lost) go back to
    pending and are queued again: running for longer than a run may take, or pending for
    hours. Returns how many were requeued."""
    now = now or timezone.now()
    running_limit = now - timedelta(minutes=getattr(settings, "REPORTS_STALE_RUNNING_MINUTES", 30))
    pending_limit = now - timedelta(minutes=getattr(settings, "REPORTS_STALE_PENDING_MINUTES", 360))
    stale = Report.objects.filter(status=Report.Status.RUNNING, started_at__lt=running_limit) | Report.objects.filter(
        status=Report.Status.PENDING, requested_at__lt=pending_limit)
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            changed = Report.objects.filter(pk=pk, status__in=[Report.Status.RUNNING, Report.Status.PENDING]).update(
                status=Report.Status.PENDING, progress=0, run_token=None, requested_at=now,
                error=_("上次生成中断，已重新排队。"))
            if changed:
                transaction.on_commit(lambda pk=pk: enqueue_report(pk))
    return len(ids)


def schedule_periodic_reports(*, kind: str, period: str | None = None, today: date | None = None) -> int:
    """The scheduled run: the last complete period's report for every area level holding
    households (province, city, county, township) and every unit active in the period."""
    today = today or timezone.localdate()
    period = _period(kind, period) if period else Period.last_complete(kind, today)
    count = 0
    for area in selectors.reporting_areas().iterator():
        request_report(kind=kind, period=period, area=area, today=today)
        count += 1
    for unit in selectors.active_units(start=period.start, end=period.end).order_by("code").iterator():
        request_report(kind=kind, period=period, unit=unit, today=today)
        count += 1
    logger.info("queued %s %s reports for %s", count, kind, period.label)
    return count


# --- on-time reporting (按时报送) ----------------------------------------------------------------------

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


def _review(submission: MonthlySubmission, by, expected: str, verb: str) -> MonthlySubmission:
    locked = MonthlySubmission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
    if by is not None and not selectors.may_review(by, locked.unit):
        raise DomainError(_("您无权审核该单位的月报。"))
    if locked.status != expected:
        raise DomainError(_("该月报当前为“%(status)s”，不能%(verb)s。") % {"status": locked.get_status_display(), "verb": verb})
    return locked


@transaction.atomic
def approve_submission(*, submission: MonthlySubmission, by, comment: str = "", now=None) -> MonthlySubmission:
    """The office approves a submitted report; the unit's month is locked from then on."""
    now = now or timezone.now()
    submission = _review(submission, by, MonthlySubmission.Status.SUBMITTED, pgettext("review step", "审核通过"))
    submission.status, submission.reviewed_at, submission.reviewed_by = MonthlySubmission.Status.APPROVED, now, by
    submission.comment = (comment or "").strip()
    submission.save(update_fields=["status", "reviewed_at", "reviewed_by", "comment"])
    _event(submission, SubmissionEvent.Action.APPROVED, by, now, submission.comment)
    return submission


@transaction.atomic
def return_submission(*, submission: MonthlySubmission, by, comment: str, now=None) -> MonthlySubmission:
    """The office sends a report back to the unit, saying what to correct."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    if not comment:
        raise DomainError({"comment": _("退回时请写明需要修改的内容。")})
    submission = _review(submission, by, MonthlySubmission.Status.SUBMITTED, pgettext("review step", "退回"))
    submission.status, submission.reviewed_at, submission.reviewed_by = MonthlySubmission.Status.RETURNED, now, by
    submission.comment = comment
    submission.save(update_fields=["status", "reviewed_at", "reviewed_by", "comment"])
    _event(submission, SubmissionEvent.Action.RETURNED, by, now, comment)
    return submission


@transaction.atomic
def reopen_month(*, submission: MonthlySubmission, by, reason: str, now=None) -> MonthlySubmission:
    """The office unlocks an approved month (the reason is kept in the audit trail); the unit
    corrects its visits and submits again, and approval locks the month again."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("重新开放时请写明原因。")})
    submission = _review(submission, by, MonthlySubmission.Status.APPROVED, pgettext("review step", "重新开放"))
    submission.status, submission.reviewed_at, submission.reviewed_by = MonthlySubmission.Status.REOPENED, now, by
    submission.comment = reason
    submission.save(update_fields=["status", "reviewed_at", "reviewed_by", "comment"])
    _event(submission, SubmissionEvent.Action.REOPENED, by, now, reason)
    return submission


def check_due_day(due_day: int | None) -> None:
    """A monthly report falls due on a day that every month has."""
    if due_day is None or not 1 <= due_day <= 28:
        raise DomainError({"due_day": _("次月截止日应为1到28之间的日期。")})


def check_month_open(*, unit: Unit, start: date, end: date) -> None:
    """Refuse a change to the unit's visits in [start, end] if any month it touches has an
    approved (locked) monthly report. The message names the locked months."""
    locked = list(MonthlySubmission.objects.filter(
        unit=unit, status=MonthlySubmission.Status.APPROVED, month__gte=_month(start), month__lte=end,
    ).order_by("month").values_list("month", flat=True))
    if locked:
        raise DomainError(locked_message(unit.name, locked))


def locked_message(unit_name: str, months: list[date]) -> str:
    names = _("、").join(_("%(year)s年%(month)s月") % {"year": m.year, "month": m.month} for m in months)
    return _("%(unit)s%(months)s的月报已审核通过并锁定，该月的走访不能再登记或修改；如需更正，请联系双联办重新开放。") % {
        "unit": unit_name, "months": names}


def locked_months(*, unit_ids) -> set[tuple[int, date]]:
    """(unit id, first day of the month) of every locked month of these units: the roster import
    checks a whole sheet against it at once."""
    found: set[tuple[int, date]] = set()
    for batch in in_batches(sorted(set(unit_ids))):
        found.update(MonthlySubmission.objects.filter(unit_id__in=batch, status=MonthlySubmission.Status.APPROVED)
                     .values_list("unit_id", "month"))
    return found


def months_of(start: date, end: date) -> list[date]:
    """The first days of the months a trip touches."""
    months, month = [], _month(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


# --- notices and reminders ------------------------------------------------------------------------

def notify(*, user, key: str, title: str, body: str, link: str = "") -> Notice | None:
    """A notice to one user, once per key; e-mailed as well when the user has an address."""
    notice, created = Notice.objects.get_or_create(user=user, key=key, defaults={"title": title, "body": body, "link": link})
    if not created:
        return None
    if user.email:
        from .tasks import email_notice

        transaction.on_commit(lambda: dispatch(email_notice, notice.pk))
    return notice


def email_notice_now(*, notice_id: int) -> bool:
    """Send a notice by e-mail once; an SMTP failure propagates (the task retries it)."""
    notice = Notice.objects.select_related("user").filter(pk=notice_id, emailed_at__isnull=True).first()
    if notice is None or not notice.user.email:
        return False
    body = notice.body + (f"\n\n{notice.link}" if notice.link else "")
    send_mail(notice.title, body, None, [notice.user.email])
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    return True


def mark_read(*, user, notice_ids: list[int]) -> int:
    return Notice.objects.filter(user=user, pk__in=notice_ids, read_at__isnull=True).update(read_at=timezone.now())


def send_pace_reminders(*, today: date | None = None) -> int:
    """Tell each unit administrator which of the unit's cadres are behind pace (one statement
    for the whole province), once per ISO week. Returns the number of notices sent."""
    today = today or timezone.localdate()
    behind = {key[0]: row for key, row in pace(on=today).items() if not row.met}
    by_unit: dict[int, list[tuple[str, object]]] = {}
    for batch in in_batches(sorted(behind)):
        for pk, name, unit_id in Cadre.objects.filter(pk__in=batch).values_list("pk", "name", "unit_id"):
            by_unit.setdefault(unit_id, []).append((name, behind[pk]))
    year, week, _weekday = today.isocalendar()
    sent = 0
    for role in selectors.unit_admins(by_unit):
        cadres = sorted(by_unit[role.unit_id], key=lambda c: (c[1].visits - c[1].required_visits, c[1].days - c[1].required_days, c[0]))
        lines = [_("%(name)s：已走访 %(v)s 次（应 %(rv)s 次），累计 %(d)s 天（应 %(rd)s 天）") % {
            "name": name, "v": r.visits, "rv": r.required_visits, "d": r.days, "rd": r.required_days} for name, r in cadres]
        title = ngettext("%(unit)s有 %(n)s 名干部走访进度滞后", "%(unit)s有 %(n)s 名干部走访进度滞后", len(cadres)) % {
            "unit": role.unit.name, "n": len(cadres)}
        body = _("截至%(day)s，按全年要求折算到今天，以下干部进度滞后：") % {"day": today.isoformat()} + "\n" + "\n".join(lines)
        link = reverse("visits-due") + f"?unit={role.unit.code}"
        if notify(user=role.user, key=f"pace-{year}-W{week:02d}", title=title, body=body, link=link):
            sent += 1
    return sent
