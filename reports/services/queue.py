"""Handing work to the Celery workers, by task name.

The services queue tasks by their registered name ("reports.tasks.generate_report") instead of
importing ``reports.tasks``: the tasks call the services, so the import goes one way only. The
tasks are registered when the app is ready (``ReportsConfig.ready`` imports ``reports.tasks``).
"""
from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def dispatch(task_name: str, *args, countdown: int | None = None) -> None:
    """Hand a task to the workers (to run ``countdown`` seconds from now, if given); without a
    broker run it in-process at once (retries included, instead of raising Retry into the
    caller). A broker that cannot be reached is logged, never shown to the user: what was
    queued is picked up again by the sweeps."""
    from shuanglian.celery import app

    task = app.tasks[task_name]  # a name that is not registered is a bug: it raises, it is not "queued later"
    try:
        if task.app.conf.task_always_eager:
            task.apply(args=args, throw=False)
        else:
            # REPORTS_QUEUE lets a deployment give reports workers of their own (default: Celery's queue).
            task.apply_async(args=args, queue=getattr(settings, "REPORTS_QUEUE", None) or None, countdown=countdown)
    except Exception:  # noqa: BLE001 — the broker's own error types vary by transport
        logger.exception("could not queue %s%r", task_name, args)
