from django.core.management.base import BaseCommand, CommandError

from seeding.scale import DEFAULT_SEED, DEFAULT_YEAR, SIZES, Refused, seed_province, size_of, verify


class Command(BaseCommand):
    help = (
        "生成一个可复现的合成省份（真实区划上的贫困村、农户、家庭成员、收入、单位、干部及账号、联村联户、"
        "一年的走访、单位进村、民情诉求和实事），用于规模测试和基准测试。--size full 为全省规模"
        "（约6,220个贫困村、40万户、160万人、1.5万个单位、40万名干部、约180万次走访）。"
        "数据库中已有农户等数据时拒绝执行，除非加 --flush（先清空双联数据及其审计记录，区划和标准保留）；"
        "--flush 还须以 --disposable 写出当前数据库的名称，确认它可以丢弃，否则拒绝执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="small",
                            help="规模：" + "，".join(f"{k} {v:,} 户" for k, v in SIZES.items()) + "（默认 small）")
        parser.add_argument("--households", type=int, help="直接指定户数，其余数量按 户数÷400,000 等比例缩放")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help=f"走访所在年度（默认 {DEFAULT_YEAR}）")
        parser.add_argument("--flush", action="store_true", help="先清空已有的双联数据及其审计记录再生成（须同时加 --disposable）")
        parser.add_argument("--disposable", metavar="DATABASE",
                            help="确认 --flush 要清空的数据库可以丢弃：写出它的名称（PostgreSQL 库名，SQLite 文件名）")
        parser.add_argument("--no-history", action="store_true", help="不写审计记录（默认每行写一条“新增”记录，与花名册导入一致）")
        parser.add_argument("--no-verify", action="store_true", help="不做生成后的抽样校验")

    def handle(self, *args, size, households, seed, year, flush, disposable, no_history, no_verify, **options):
        try:
            chosen = size_of(size, households)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        chatty = options["verbosity"] >= 2  # every chunk as it is written
        try:
            report = seed_province(size=chosen, seed=seed, year=year, flush=flush, disposable=disposable,
                                   history=not no_history, log=self.stdout.write if chatty else lambda line: None)
        except Refused as exc:
            raise CommandError(str(exc)) from None
        tables = [t for t in {**report.counts, **report.seconds} if t != "audit trail"]
        for table in tables + (["audit trail"] if "audit trail" in report.counts else []):
            rows, seconds = report.counts.get(table), report.seconds.get(table)
            self.stdout.write(f"{table:<28} {'' if rows is None else f'{rows:,}':>11}"
                              + ("" if seconds is None else f" {seconds:8.1f} s"))
        self.stdout.write(f"合成省份：{chosen.households:,} 户，用时 {report.total_seconds:.1f} 秒")
        if not no_verify:
            check = verify()
            for line in check.problems:
                self.stderr.write(line)
            if check.problems:
                raise CommandError(f"抽样校验发现 {len(check.problems)} 个问题。")
            self.stdout.write(f"抽样校验：{check.sampled} 条记录及全部走访的结对关系均符合规则")
