import os

from django.core.management.base import BaseCommand, CommandError

from households.models import Area
from shuanglian.roster.engine import export_workbook
from shuanglian.scoping import EVERYTHING


class Command(BaseCommand):
    help = "导出花名册工作簿（与导入格式相同，可再次导入）；--area 只导出该区划及以下。"

    def add_arguments(self, parser):
        parser.add_argument("--area", help="区划代码（12位）")
        parser.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, area, output, **options):
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(f"区划代码“{area}”不存在。")
        folder = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(folder):
            raise CommandError(f"目录不存在：{folder}")
        try:
            written = export_workbook(output, scope=EVERYTHING, area_code=area)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        for sheet, count in written.items():
            self.stdout.write(f"{sheet}：{count} 行")
        self.stdout.write(f"已写入 {output}")
