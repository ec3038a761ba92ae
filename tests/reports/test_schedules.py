"""The schedules live in django-celery-beat, created by a data migration, and point at real tasks."""
import json

import pytest
from django_celery_beat.models import PeriodicTask

import reports.tasks  # noqa: F401 — registers the tasks with the app
from reports.models import SubmissionPolicy
from shuanglian.celery import app

pytestmark = pytest.mark.django_db


def schedule(name):
    return PeriodicTask.objects.select_related("crontab", "interval").get(name=name)


def test_the_monthly_report_runs_on_the_first_of_every_month():
    task = schedule("双联月报告（每月1日）")
    assert (task.task, json.loads(task.kwargs), task.crontab.day_of_month, task.crontab.month_of_year, str(task.crontab.timezone)) == (
        "reports.tasks.run_periodic_reports", {"kind": "monthly"}, "1", "*", "Asia/Shanghai")


def test_the_quarterly_dispatch_runs_on_the_first_day_of_each_quarter():
    task = schedule("双联季调度（每季首月1日）")
    assert (json.loads(task.kwargs), task.crontab.day_of_month, task.crontab.month_of_year) == ({"kind": "quarterly"}, "1", "1,4,7,10")


def test_the_annual_summary_runs_on_the_first_of_january():
    task = schedule("双联年总结（每年1月1日）")
    assert (json.loads(task.kwargs), task.crontab.day_of_month, task.crontab.month_of_year) == ({"kind": "annual"}, "1", "1")


def test_the_pace_reminder_runs_every_monday_morning():
    task = schedule("走访进度周提醒（每周一）")
    assert (task.task, task.crontab.day_of_week, task.crontab.hour) == ("reports.tasks.send_pace_reminders", "1", "8")


def test_cut_off_reports_are_swept_every_ten_minutes():
    task = schedule("中断报表重新排队（每10分钟）")
    assert (task.task, task.interval.every, task.interval.period) == ("reports.tasks.requeue_stale_reports", 10, "minutes")


def test_every_scheduled_task_is_a_registered_task():
    names = set(PeriodicTask.objects.filter(task__startswith="reports.").values_list("task", flat=True))
    assert names and names <= set(app.tasks)


def test_report_tasks_acknowledge_late_and_give_back_work_of_a_lost_worker():
    task = app.tasks["reports.tasks.generate_report"]
    assert (task.acks_late, task.reject_on_worker_lost, task.max_retries) == (True, True, 5)


def test_the_province_default_deadline_is_the_fifth_of_the_next_month():
    assert SubmissionPolicy.objects.get(area=None).due_day == 5
