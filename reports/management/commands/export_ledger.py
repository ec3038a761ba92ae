import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from households.models import Area
from reports.ledger import write_ledger
from shuanglian.scoping import EVERYTHING


class Command(BaseCommand):
    help = _(
        "导出图表式扶贫台帐（.xlsx，含原生Excel图表）：村农民收入对比、户增收计划、户增收措施、"
        "按乡镇和村分组小计的扶贫台帐、致贫原因统计。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--area", required=True, help=gettext("区划代码（12位）"))
        parser.add_argument("--year", type=int, required=True, help=gettext("年度，如 2025"))
        parser.add_argument("-o", "--output", required=True, help=gettext("输出的 .xlsx 文件"))

    def handle(self, *args, area, year, output, **options):
        if not Area.objects.filter(code=area).exists():
            raise CommandError(gettext("区划代码“%(code)s”不存在。") % {"code": area})
        if not 2000 <= year <= 2100:
            raise CommandError(gettext("年度%(year)s超出范围。") % {"year": year})
        folder = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(folder):
            raise CommandError(gettext("目录不存在：%(folder)s") % {"folder": folder})
        try:
            with translation.override("zh-hans"):  # the ledger's headers are Chinese whatever the locale
                written = write_ledger(output, scope=EVERYTHING, year=year, area_code=area)
        except OSError as exc:
            raise CommandError(gettext("无法写入 %(path)s：%(reason)s") % {
                "path": output, "reason": exc.strerror or exc}) from None
        for sheet, count in written.items():
            self.stdout.write(ngettext("%(sheet)s：%(count)s 行", "%(sheet)s：%(count)s 行", count) % {
                "sheet": sheet, "count": count})
        self.stdout.write(gettext("已写入 %(path)s") % {"path": output})
