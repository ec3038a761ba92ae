from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.partitions import TABLES, add_year, partitioned, years


class Command(BaseCommand):
    help = _(
        "PostgreSQL：为干部走访、单位进村和驻村考勤按年分区，补建到指定年度（默认今年后五年）为止缺少的年度分区；"
        "已落在默认分区中的该年记录移入新分区。SQLite 不分区，无需执行。"
    )

    def add_arguments(self, parser):
        parser.description = str(self.help)  # argparse formats plain strings only, not lazy ones
        parser.add_argument("--until", type=int, default=timezone.localdate().year + 5, help=gettext("补建到该年度为止"))

    def handle(self, *args, until, **options):
        if not partitioned():
            self.stdout.write(gettext("数据库未按年分区，无需补建。"))
            return
        if not 2000 <= until <= 2100:
            raise CommandError(gettext("年度%(year)s超出范围。") % {"year": until})
        for table in TABLES:
            have = years(table)
            for year in range(min(have), until + 1):
                moved = add_year(table, year)
                if moved is not None:
                    self.stdout.write(gettext("%(table)s：新建 %(year)s 年分区，移入 %(moved)s 条记录。")
                                      % {"table": table, "year": year, "moved": moved})
