"""A report through a real Celery worker and the local Redis, and a worker killed mid-task.

The worker is a separate process: it reaches the tests' database through DATABASE_URL (the
PostgreSQL test database, or on SQLite a file that conftest.py gives the test database when
these tests are selected) and consumes a queue of its own, so runs of the suite on one
machine never take each other's tasks. Without Redis these tests are skipped locally and fail
in CI (.ci/run starts Redis).
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection

from reports.models import Report
from reports.services import runs
from shuanglian.celery import app

# Committed data (the worker is another process); other transactional tests may have flushed
# the rows that migrations create, so the visit policies the figures need are made here.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_TEST_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
TIMEOUT = 90


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {BROKER} ({exc}): .ci/run starts it")
        pytest.skip(f"Redis is not reachable at {BROKER} (redis-server --daemonize yes)")


def database_url() -> str:
    """The tests' database as a URL another process can open."""
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        name = str(s["NAME"])
        assert "memory" not in name, "the SQLite test database must be a file (see tests/reports/conftest.py)"
        return f"sqlite:///{os.path.abspath(name)}"
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def reset_connections() -> None:
    app._after_fork()  # drop pooled broker connections made under the previous settings


@pytest.fixture
def policies(db):
    from visits.models import VisitPolicy

    for subject, visits, days in (("cadre", 4, 15), ("unit", 4, 30)):
        VisitPolicy.objects.get_or_create(area=None, year=None, subject=subject,
                                          defaults={"min_visits": visits, "min_days": days})


@pytest.fixture
def worker(reports_root, tmp_path, settings, policies):
    redis_or_skip()
    queue = f"shuanglian-test-{uuid.uuid4().hex[:10]}"
    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER, "REPORTS_ROOT": str(reports_root),
           "DJANGO_SETTINGS_MODULE": "shuanglian.settings", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.reports.celery_worker", queue, str(hold_dir)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER
    settings.REPORTS_QUEUE = queue
    reset_connections()
    yield SimpleNamespace(process=process, hold_dir=hold_dir, log=log_path, queue=queue)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for key, value in saved.items():
        app.conf[key] = value
    reset_connections()
    import redis

    redis.Redis.from_url(BROKER).delete(queue)


def wait_for(condition, worker, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker.process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.log.read_text(errors='replace')[-6000:]}")


def report_status(pk):
    return Report.objects.filter(pk=pk).values_list("status", "attempts").first()


def test_a_real_worker_runs_a_report_requested_on_the_site(county, worker):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county)
    wait_for(lambda: report_status(report.pk)[0] in ("done", "failed"), worker, "the report")
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("done", 1, "")
    assert report.figures["summary"]["visits"] == 2
    summary = {row[1]: row[2] for row in openpyxl.load_workbook(report.file.path)["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["干部走访天数"] == 5


def test_a_report_survives_its_worker_being_killed_mid_task(county, worker):
    hold = worker.hold_dir / "hold"
    hold.touch()
    report = runs.request_report(kind="monthly", period="2025-03", unit=county.units[0])
    pid_file = wait_for(lambda: next(worker.hold_dir.glob("pid-*"), None), worker, "the task to start")
    assert report_status(report.pk) == ("running", 1)

    os.kill(int(pid_file.read_text()), signal.SIGKILL)  # the pool process dies in the middle of the report
    hold.unlink()

    wait_for(lambda: report_status(report.pk) == ("done", 2), worker, "the report to be run again")
    report.refresh_from_db()
    assert report.figures["behind"] == [{"name": "李二", "visits": 0, "required_visits": 1, "days": 0, "required_days": 4}]
    assert report.file.storage.exists(report.file.name)
