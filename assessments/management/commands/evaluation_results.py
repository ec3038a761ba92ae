import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Direction
from assessments.selectors import ballot_counts, target_key
from households.models import Area

# The CSV of docs/roster-format.md: its header and the direction names are a contract, in Chinese
# whatever the interface language.
HEADER = ["评议类型", "对象", "名称", "票数", "满意", "基本满意", "不满意", "满意度"]


class Command(BaseCommand):
    help = _(
        "输出一年的双向评议结果（CSV，UTF-8）：每个评议类型和对象一行，票数含纸质票和网上评议，"
        "满意度 =（满意+基本满意）÷ 票数 × 100，保留一位小数；按前两列排序。"
        "--area 只列出该年在该区划内联村联户的对象。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area", help=gettext("区划代码（12位）"))

    def handle(self, *args, year, area, **options):
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(gettext("区划代码“%(code)s”不存在。") % {"code": area})
        if not 1980 <= year <= 2100:
            raise CommandError(gettext("年度%(year)s超出范围。") % {"year": year})
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(HEADER)
        with translation.override(None):
            lines = [
                [str(Direction(c.direction).label), target_key(c.target), c.target.name, c.ballots, c.satisfied, c.basic,
                 c.unsatisfied, "" if c.satisfaction is None else f"{c.satisfaction:.1f}"]
                for c in ballot_counts(year=year, area=area)
            ]
        lines.sort(key=lambda line: (line[0], line[1]))
        out.writerows(lines)
