import shutil

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from households.models import Area
from pairing.models import Unit
from reports.models import Report
from reports.services import request_report
from reports.tasks import generate_report
from reports.views import print_context
from shuanglian.errors import DomainError


class Command(BaseCommand):
    help = (
        "生成一份定期报表（月报告、季调度、年总结），与定时任务在 Celery 中运行的是同一个任务，这里同步执行。"
        "同一报表再次生成即替换原报表。-o 以 .html 结尾时写出打印版页面，否则写出 Excel。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=[k.value for k in Report.Kind])
        parser.add_argument("--period", required=True, help="2025-03（月）、2025-Q1（季）或 2025（年）")
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--area", help="区划代码（12位）")
        subject.add_argument("--unit", help="单位代码（为一个联村单位生成）")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx 或 .html）")

    def handle(self, *args, kind, period, area, unit, output, **options):
        with translation.override("zh-hans"):
            subject = {}
            if area:
                subject["area"] = Area.objects.filter(code=area).first()
                if subject["area"] is None:
                    raise CommandError(f"区划代码“{area}”不存在。")
            else:
                subject["unit"] = Unit.objects.filter(code=unit).first()
                if subject["unit"] is None:
                    raise CommandError(f"单位代码“{unit}”不存在。")
            try:
                report = request_report(kind=kind, period=period, enqueue=False, **subject)
            except DomainError as exc:
                raise CommandError("；".join(exc.messages)) from None
            generate_report.apply(args=[report.pk], throw=False)  # the scheduled task, run here (retries included)
            report.refresh_from_db()
            if report.status != Report.Status.DONE:
                raise CommandError(f"报表生成失败：{report.error}")
            try:
                if output.lower().endswith((".html", ".htm")):
                    with open(output, "w", encoding="utf-8") as handle:
                        handle.write(render_to_string("reports/print.html", print_context(report)))
                else:
                    with report.file.open("rb") as source, open(output, "wb") as target:
                        shutil.copyfileobj(source, target)
            except OSError as exc:
                raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
            summary = report.figures["summary"]
            self.stdout.write(f"{report.title}（{report.start:%Y-%m-%d} 至 {report.as_of:%Y-%m-%d}）")
            self.stdout.write(f"走访 {summary['visits']} 次、{summary['visit_days']} 天；达标干部 {summary['cadres_on_track']}/"
                              f"{summary['cadres_due']}；诉求 {summary['demands_collected']} 件；实事 {summary['deeds']} 件")
            self.stdout.write(f"已写入 {output}")
