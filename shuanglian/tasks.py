"""Celery tasks of the shuanglian app: thin, they take ids and call one service."""
from __future__ import annotations

from celery import shared_task

from .roster import jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=60 * 60, time_limit=65 * 60)
def import_roster(job_id: int) -> None:
    """Import one uploaded roster workbook (shuanglian/roster/jobs.py)."""
    jobs.run_import(job_id)
