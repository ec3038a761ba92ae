from django.core.management.base import BaseCommand, CommandError

from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import EVERYTHING


class Command(BaseCommand):
    help = (
        "导入花名册工作簿（docs/roster-format.md）：先校验全部工作表，有任何错误则不做任何修改，"
        "逐行输出“工作表!行号: 问题”并以状态1退出；否则在一个事务中全部导入并输出各表数量。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="花名册 .xlsx 文件")

    def handle(self, *args, file, **options):
        try:
            result = import_workbook(file, scope=EVERYTHING)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{file}") from None
        except RosterRejected as rejected:
            for problem in rejected.result.problems:
                self.stdout.write(str(problem))
            self.stderr.write(f"共 {len(rejected.result.problems)} 处错误，未导入任何数据。")
            raise SystemExit(1)
        for notice in result.notices:
            self.stderr.write(notice)
        for sheet, counts in result.counts.items():
            self.stdout.write(f"{sheet}：{counts}")
