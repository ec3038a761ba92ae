import shutil

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.models import Area
from pairing.models import Unit
from reports.models import Report
from reports.selectors import print_context
from reports.services.runs import request_report
from reports.tasks import generate_report
from shuanglian.errors import DomainError


class Command(BaseCommand):
    help = _(
        "生成一份定期报表（月报告、季调度、年总结），与定时任务在 Celery 中运行的是同一个任务，这里同步执行。"
        "同一报表再次生成即替换原报表。-o 以 .html 结尾时写出打印版页面，否则写出 Excel。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--kind", required=True, choices=[k.value for k in Report.Kind])
        parser.add_argument("--period", required=True, help=gettext("2025-03（月）、2025-Q1（季）或 2025（年）"))
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--area", help=gettext("区划代码（12位）"))
        subject.add_argument("--unit", help=gettext("单位代码（为一个联村单位生成）"))
        parser.add_argument("-o", "--output", required=True, help=gettext("输出文件（.xlsx 或 .html）"))

    def handle(self, *args, kind, period, area, unit, output, **options):
        with translation.override("zh-hans"):
            subject = {}
            if area:
                subject["area"] = Area.objects.filter(code=area).first()
                if subject["area"] is None:
                    raise CommandError(gettext("区划代码“%(code)s”不存在。") % {"code": area})
            else:
                subject["unit"] = Unit.objects.filter(code=unit).first()
                if subject["unit"] is None:
                    raise CommandError(gettext("单位代码“%(code)s”不存在。") % {"code": unit})
            try:
                report = request_report(kind=kind, period=period, enqueue=False, **subject)
            except DomainError as exc:
                raise CommandError(gettext("；").join(exc.messages)) from None
            generate_report.apply(args=[report.pk], throw=False)  # the scheduled task, run here (retries included)
            report.refresh_from_db()
            if report.status != Report.Status.DONE:
                raise CommandError(gettext("报表生成失败：%(error)s") % {"error": report.error})
            try:
                if output.lower().endswith((".html", ".htm")):
                    with open(output, "w", encoding="utf-8") as handle:
                        handle.write(render_to_string("reports/print.html", print_context(report)))
                else:
                    with report.file.open("rb") as source, open(output, "wb") as target:
                        shutil.copyfileobj(source, target)
            except OSError as exc:
                raise CommandError(gettext("无法写入 %(path)s：%(reason)s") % {
                    "path": output, "reason": exc.strerror or exc}) from None
            summary = report.figures["summary"]
            self.stdout.write(gettext("%(title)s（%(start)s 至 %(end)s）") % {
                "title": report.title, "start": f"{report.start:%Y-%m-%d}", "end": f"{report.as_of:%Y-%m-%d}"})
            self.stdout.write(gettext("走访 %(visits)s 次、%(days)s 天；达标干部 %(on_track)s/%(due)s；诉求 %(demands)s 件；"
                                      "实事 %(deeds)s 件") % {
                "visits": summary["visits"], "days": summary["visit_days"], "on_track": summary["cadres_on_track"],
                "due": summary["cadres_due"], "demands": summary["demands_collected"], "deeds": summary["deeds"]})
            self.stdout.write(gettext("已写入 %(path)s") % {"path": output})
