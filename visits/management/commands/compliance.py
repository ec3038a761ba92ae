import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.models import Area
from pairing.models import Cadre, Posting, Unit
from shuanglian.helpers import in_batches
from visits.selectors import year_compliance

# The CSV of docs/roster-format.md: its header and 是/否 are a contract, Chinese whatever the interface language.
CADRE_HEADER = ["身份证号", "姓名", "单位代码", "走访次数", "累计天数", "应走访次数", "应累计天数", "是否达标"]
UNIT_HEADER = ["单位代码", "村代码", "走访次数", "累计天数", "应走访次数", "应累计天数", "是否达标"]
RESIDENT_HEADER = ["身份证号", "姓名", "村代码", "在村天数", "应在村天数", "是否达标"]


class Command(BaseCommand):
    help = _(
        "输出一年的走访达标情况（CSV，UTF-8）：每名在年内有结对的干部一行（默认），或每个单位—村结对一行；"
        "或每个年内在岗的驻村一行（resident）；按第一列排序。--area 只统计该区划内农户（村）的结对或驻村。"
        "应达数按在岗天数减去其中的请假天数折算。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area", help=gettext("区划代码（12位）"))
        parser.add_argument("--subject", choices=["cadre", "unit", "resident"], default="cadre")

    def handle(self, *args, year, area, subject, **options):
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(gettext("区划代码“%(code)s”不存在。") % {"code": area})
        if not 1980 <= year <= 2100:
            raise CommandError(gettext("年度%(year)s超出范围。") % {"year": year})
        rows = year_compliance(year=year, subject=subject, area=area)
        out = csv.writer(self.stdout, lineterminator="\n")
        if subject == "cadre":
            out.writerow(CADRE_HEADER)
            cadres = {}
            for batch in in_batches(k[0] for k in rows):
                cadres.update({pk: rest for pk, *rest in Cadre.objects.filter(pk__in=batch).values_list("pk", "id_number", "name", "unit__code")})
            lines = [[*cadres[key[0]], r.visits, r.days, r.required_visits, r.required_days, "是" if r.met else "否"]
                     for key, r in rows.items()]
        elif subject == "resident":
            out.writerow(RESIDENT_HEADER)
            postings = {}
            for batch in in_batches(k[0] for k in rows):
                postings.update({pk: rest for pk, *rest in Posting.objects.filter(pk__in=batch).values_list(
                    "pk", "cadre__id_number", "cadre__name", "village_id")})
            lines = [[*postings[key[0]], r.days, r.required_days, "是" if r.met else "否"] for key, r in rows.items()]
        else:
            out.writerow(UNIT_HEADER)
            codes = {}
            for batch in in_batches({k[0] for k in rows}):
                codes.update(Unit.objects.filter(pk__in=batch).values_list("pk", "code"))
            lines = [[codes[unit_id], village, r.visits, r.days, r.required_visits, r.required_days, "是" if r.met else "否"]
                     for (unit_id, village), r in rows.items()]
        lines.sort(key=lambda line: (line[0], line[1], line[2]))  # a resident may hold two postings
        out.writerows(lines)
