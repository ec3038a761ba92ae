"""Reports: ``request_report`` creates or resets the one report of a kind, period and subject
and queues it; ``run_report`` computes and stores it. A run claims the report with a fresh
token and stores its result only while it still holds the token, so running a report again,
a redelivered message or a requeued stale run all end in one report, never two.
``requeue_stale_reports`` and ``schedule_periodic_reports`` are the sweeps and the schedule.
"""
from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shuanglian.errors import DomainError

from .. import selectors
from ..figures import Subject, report_figures
from ..models import Report, report_storage
from ..periods import Period
from .queue import dispatch

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


def enqueue_report(report_id: int) -> None:
    """Queue the report; if the broker is unreachable it stays pending and the stale-report
    sweep queues it again later."""
    dispatch("reports.tasks.generate_report", report_id)


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
    from ..workbook import write_report_workbook

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
