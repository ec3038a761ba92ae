"""Celery tasks of the reports app: thin, they take ids and call one service.

Every task may run twice (a redelivered message, a retried one) with the same result:
reports are keyed by kind, period and subject and replaced in place; notices by user and
key. ``acks_late`` with ``reject_on_worker_lost``: a message is acknowledged only when its
task has finished, so a worker killed mid-task hands the report to the next worker, which
runs it again and replaces it. Database and disk hiccups are retried with back-off.
"""
from __future__ import annotations

import smtplib

from celery import shared_task

from .services import notices, runs

COMMON = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}
RETRY = {"autoretry_for": runs.TRANSIENT_ERRORS, "max_retries": 5, "retry_backoff": 10, "retry_backoff_max": 600,
         "retry_jitter": True}


@shared_task(bind=True, soft_time_limit=15 * 60, time_limit=20 * 60, **COMMON, **RETRY)
def generate_report(self, report_id: int) -> None:
    """Compute and store one report (the same code ``make_report`` runs synchronously)."""
    runs.run_report(report_id=report_id, final=self.request.retries >= self.max_retries)


@shared_task(**COMMON, **RETRY)
def run_periodic_reports(kind: str, period: str | None = None) -> None:
    """The schedule's entry point: queue the last complete period's reports of every area and unit."""
    runs.schedule_periodic_reports(kind=kind, period=period)


@shared_task(**COMMON, **RETRY)
def requeue_stale_reports() -> None:
    runs.requeue_stale_reports()


@shared_task(**COMMON, **RETRY)
def send_pace_reminders() -> None:
    notices.send_pace_reminders()
    notices.send_rectification_reminders()  # overdue 限期整改, in the same weekly run


@shared_task(**COMMON, autoretry_for=(*runs.TRANSIENT_ERRORS, smtplib.SMTPException), max_retries=8,
             retry_backoff=60, retry_backoff_max=3600, retry_jitter=True)
def email_notice(notice_id: int) -> None:
    notices.email_notice_now(notice_id=notice_id)


@shared_task(soft_time_limit=3 * 60 * 60, time_limit=4 * 60 * 60, **COMMON, **RETRY)
def warm_dashboards() -> None:
    """Nightly: today's dashboards of the province, cities and counties, into the cache."""
    from .dashboard import warm

    warm()


@shared_task(soft_time_limit=30 * 60, time_limit=40 * 60, **COMMON, **RETRY)
def refresh_dashboards(codes: list[str], subtrees: list[str] = ()) -> None:
    """A minute after a write: today's dashboards of the province, cities and counties it
    touched, and of those within the subtrees it touched ("*": every one)."""
    from .services.refresh import refresh

    refresh(codes=codes, subtrees=subtrees)
