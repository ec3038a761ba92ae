import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.models import Area
from households.selectors import household_line_tests, incidence_shown, thresholds_for, village_poverty_tests
from shuanglian.helpers import BATCH

# The CSV of docs/roster-format.md: its header and 是/否 are a contract, Chinese whatever the interface language.
VILLAGE_HEADER = ["区划代码", "名称", "贫困发生率", "农民人均纯收入", "集体经济收入", "符合贫困村标准"]
HOUSEHOLD_HEADER = ["户编号", "户主姓名", "人均纯收入", "省定标准", "低于省定标准", "低于国家标准"]


def yes_no(value: bool) -> str:
    return "是" if value else "否"


class Command(BaseCommand):
    help = _(
        "按当年（当年未设定则按此前最近一年）的扶贫标准输出贫困村、贫困户测算结果（CSV，UTF-8），按第一列排序："
        "village（默认）为有当年村情的村，household 为有当年收入记录的农户。--area 只列该区划内的村或农户。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area", help=gettext("区划代码（12位）"))
        parser.add_argument("--subject", choices=["village", "household"], default="village")

    def handle(self, *args, year, area, subject, **options):
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(gettext("区划代码“%(code)s”不存在。") % {"code": area})
        if not 1980 <= year <= 2100:
            raise CommandError(gettext("年度%(year)s超出范围。") % {"year": year})
        thresholds = thresholds_for(year)
        out = csv.writer(self.stdout, lineterminator="\n")
        if subject == "village":
            out.writerow(VILLAGE_HEADER)
            rows = village_poverty_tests(area, year, thresholds=thresholds).values_list(
                "village_id", "name", "poor_population", "population", "per_capita_income", "collective_income", "meets")
            for code, name, poor, population, income, collective, meets in rows.iterator(chunk_size=BATCH):
                out.writerow([code, name, incidence_shown(poor, population), f"{income:.2f}", f"{collective:.2f}",
                              yes_no(meets)])
        else:
            out.writerow(HOUSEHOLD_HEADER)
            line = f"{thresholds.province_line:.2f}"
            rows = household_line_tests(area, year, thresholds=thresholds).values_list(
                "number", "head_name", "per_capita_income", "below_province", "below_national")
            for number, head, income, below_province, below_national in rows.iterator(chunk_size=BATCH):
                out.writerow([number, head, f"{income:.2f}", line, yes_no(below_province), yes_no(below_national)])
