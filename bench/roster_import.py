"""Roster import throughput: rows per second for a generated workbook.

    .venv/bin/python bench/roster_import.py [--households 5000]

Runs against a fresh scratch database: a temporary SQLite file, or, when BENCH_DATABASE_URL
is set (e.g. postgres://postgres@127.0.0.1:5432/shuanglian_bench), that database, which is
emptied first. Prints the rows of each sheet, the seconds of validation and writing, and the
rows per second (target ≥ 5,000).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="shuanglian-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuanglian.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0) if "BENCH_DATABASE_URL" in os.environ else None
    call_command("migrate", verbosity=0)
    call_command("load_divisions", "--down-to", "village", stdout=io.StringIO())

    workbook, rows = build(args.households)
    from shuanglian.roster.engine import import_workbook
    from shuanglian.scoping import EVERYTHING

    started = time.perf_counter()
    result = import_workbook(io.BytesIO(workbook), scope=EVERYTHING)
    seconds = time.perf_counter() - started
    print(f"database   {os.environ['DATABASE_URL'].split(':')[0]}")
    for sheet, counts in result.counts.items():
        print(f"{sheet:<8} {counts}")
    print(f"rows       {rows}")
    print(f"seconds    {seconds:.2f}")
    print(f"rows/s     {rows / seconds:,.0f}  (target ≥ 5,000)")


def build(households: int) -> tuple[bytes, int]:
    """农户, 家庭成员 (head + two members) and 收入 rows for households spread over Gansu's villages."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    from households.models import Area

    villages = list(Area.objects.filter(level="village").values_list("code", flat=True)[: max(1, households // 20)])

    def id_number(n: int) -> str:
        body = f"620502{1950 + n % 60:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        return body + ric.calc_check_digit(body + "0")

    book = Workbook(write_only=True)
    farm = book.create_sheet("农户")
    farm.append(["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口", "主要致贫原因"])
    members = book.create_sheet("家庭成员")
    members.append(["户编号", "身份证号", "姓名", "与户主关系", "劳动能力", "健康状况"])
    income = book.create_sheet("收入")
    income.append(["户编号", "年度", "总收入", "家庭经营费用支出"])
    used, serial, count = set(), 0, 0

    def fresh() -> str:
        nonlocal serial
        while True:
            serial += 1
            number = id_number(serial)
            if number not in used:
                used.add(number)
                return number

    for i in range(households):
        number = f"B{i:08d}"
        head = fresh()
        farm.append([number, villages[i % len(villages)], "王建国", head, "农村特困户", 3, "因病"])
        members.append([number, head, "王建国", "户主", "普通劳动力", "健康"])
        members.append([number, fresh(), "李秀英", "配偶", "普通劳动力", "长期慢性病"])
        members.append([number, fresh(), "王小军", "子女", "无劳动力", "健康"])
        income.append([number, 2025, 12000 + i % 500, 1500])
        count += 5
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


if __name__ == "__main__":
    main()
