"""A nightly schedule that computes the dashboards of the province, the cities and the counties
ahead, so that leaders read them from the cache (editable in the admin under 周期性任务)."""
import json

from django.db import migrations
from django.utils import timezone

NAME = "看板预计算（每天凌晨）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    cron, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", minute="0", hour="3", day_of_month="*",
                                                    month_of_year="*", day_of_week="*")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={
        "task": "reports.tasks.warm_dashboards", "kwargs": json.dumps({}), "enabled": True, "crontab": cron,
        "description": "每天凌晨为全省、各市、各县计算当天的看板数据，领导打开看板时直接读取缓存。"})
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_submission_policy_and_schedules")]

    operations = [migrations.RunPython(create, remove)]
