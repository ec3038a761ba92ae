"""A real Celery worker for the worker tests:

    python -m tests.reports.celery_worker QUEUE HOLD_DIR

It runs the project's Celery app (prefork pool, one child) against the broker in
CELERY_BROKER_URL and the database in DATABASE_URL (the tests' database), consuming only
QUEUE and writing report files under REPORTS_ROOT. While HOLD_DIR/hold exists, a report run
pauses right after claiming its report and leaves its process id in HOLD_DIR/pid-<pid>, so a
test can kill the child mid-task. Nothing here changes how reports run.
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuanglian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from reports.services import runs  # noqa: E402
from shuanglian.celery import app  # noqa: E402

queue, hold_dir = sys.argv[1], Path(sys.argv[2])
settings.REPORTS_ROOT = os.environ["REPORTS_ROOT"]
figures = runs.report_figures


def held_figures(**kwargs):
    hold = hold_dir / "hold"
    if hold.exists():
        (hold_dir / f"pid-{os.getpid()}").write_text(str(os.getpid()))
        give_up = time.monotonic() + 120
        while hold.exists() and time.monotonic() < give_up:
            time.sleep(0.05)
    return figures(**kwargs)


runs.report_figures = held_figures  # prefork children are forked after this, so they see it

app.worker_main([
    "worker", "--pool=prefork", "--concurrency=1", f"--queues={queue}", f"--hostname=test-{queue}@%h",
    "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
])
