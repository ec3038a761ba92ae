"""The province's default deadline for monthly reports, and the schedules of the periodic
reports and reminders (django-celery-beat rows: editable in the admin under 周期性任务)."""
import json

from django.db import migrations
from django.utils import timezone

TZ = "Asia/Shanghai"

# name: (task, kwargs, crontab or None, minutes between runs or None, description)
SCHEDULES = {
    "双联月报告（每月1日）": (
        "reports.tasks.run_periodic_reports", {"kind": "monthly"},
        {"minute": "30", "hour": "1", "day_of_month": "1", "month_of_year": "*", "day_of_week": "*"}, None,
        "每月1日凌晨为各级区划和各联村单位生成上月的月报告。",
    ),
    "双联季调度（每季首月1日）": (
        "reports.tasks.run_periodic_reports", {"kind": "quarterly"},
        {"minute": "0", "hour": "2", "day_of_month": "1", "month_of_year": "1,4,7,10", "day_of_week": "*"}, None,
        "每季度首月1日生成上一季度的季调度报表。",
    ),
    "双联年总结（每年1月1日）": (
        "reports.tasks.run_periodic_reports", {"kind": "annual"},
        {"minute": "30", "hour": "2", "day_of_month": "1", "month_of_year": "1", "day_of_week": "*"}, None,
        "每年1月1日生成上一年度的年总结。",
    ),
    "走访进度周提醒（每周一）": (
        "reports.tasks.send_pace_reminders", {},
        {"minute": "0", "hour": "8", "day_of_month": "*", "month_of_year": "*", "day_of_week": "1"}, None,
        "每周一上午提醒各单位管理员：本单位走访进度滞后的干部名单（站内提醒，有邮箱的同时发邮件）。",
    ),
    "中断报表重新排队（每10分钟）": (
        "reports.tasks.requeue_stale_reports", {}, None, 10,
        "生成中断（如工作进程被终止）或长时间排队的报表重新排队生成。",
    ),
}


def create(apps, schema_editor):
    SubmissionPolicy = apps.get_model("reports", "SubmissionPolicy")
    SubmissionPolicy.objects.get_or_create(area=None, defaults={
        "area_prefix": "", "due_day": 5, "note": "全省默认：月报于次月5日前报送"})

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, kwargs, cron, minutes, description) in SCHEDULES.items():
        schedule = {}
        if cron:
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone=TZ, **cron)
        else:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.update_or_create(name=name, defaults={
            "task": task, "kwargs": json.dumps(kwargs), "enabled": True, "description": description, **schedule})
    # Tell a running beat that its schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=SCHEDULES).delete()
    apps.get_model("reports", "SubmissionPolicy").objects.filter(area=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports_and_submissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
