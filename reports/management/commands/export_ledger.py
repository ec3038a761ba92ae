import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from households.models import Area
from reports.ledger import write_ledger
from shuanglian.scoping import EVERYTHING


class Command(BaseCommand):
    help = (
        "导出图表式扶贫台帐（.xlsx，含原生Excel图表）：村农民收入对比、户增收计划、户增收措施、"
        "按乡镇和村分组小计的扶贫台帐、致贫原因统计。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="区划代码（12位）")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, area, year, output, **options):
        if not Area.objects.filter(code=area).exists():
            raise CommandError(f"区划代码“{area}”不存在。")
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度{year}超出范围。")
        folder = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(folder):
            raise CommandError(f"目录不存在：{folder}")
        try:
            with translation.override("zh-hans"):  # the ledger's headers are Chinese whatever the locale
                written = write_ledger(output, scope=EVERYTHING, year=year, area_code=area)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        for sheet, count in written.items():
            self.stdout.write(f"{sheet}：{count} 行")
        self.stdout.write(f"已写入 {output}")
