"""Roster import throughput: rows per second for a generated workbook.

    .venv/bin/python bench/roster_import.py [--households 5000]

Runs against a fresh scratch database: a temporary SQLite file, or, when BENCH_DATABASE_URL
is set (e.g. postgres://postgres@127.0.0.1:5432/shuanglian_bench), that database, which is
emptied first. Prints the rows of each sheet, the seconds of validation and writing, and the
rows per second (target ≥ 10,000 on PostgreSQL); then, as the baseline, the rows per second of writing the
same rows with bulk_create alone. bench/run.py runs it with --json.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line (bench/run.py)")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="shuanglian-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0) if "BENCH_DATABASE_URL" in os.environ else None
    call_command("migrate", verbosity=0)
    call_command("load_divisions", "--down-to", "village", stdout=io.StringIO())

    result = measure(args.households)
    if args.json:
        print(json.dumps(result))
        return
    print(f"database   {result['database']}")
    for sheet, counts in result["sheets"].items():
        print(f"{sheet:<8} {counts}")
    print(f"rows       {result['rows']}")
    print(f"seconds    {result['seconds']:.2f}")
    print(f"rows/s     {result['rows_per_second']:,.0f}  (target ≥ 10,000 on PostgreSQL)")
    print(f"baseline   {result['baseline_rows_per_second']:,.0f} rows/s: the same rows through bulk_create alone "
          f"(import takes {result['ratio']:.2f}× as long)")


def measure(households: int) -> dict:
    """Import a generated workbook; then, as the baseline, write the same rows again with
    Django's bulk_create alone (no reading, no validation) and compare the seconds."""
    from django.db import connection, transaction

    from households.models import Household, IncomeRecord, Member
    from shuanglian.roster.engine import import_workbook
    from shuanglian.scoping import EVERYTHING

    workbook, rows = build(households)
    started = time.perf_counter()
    result = import_workbook(io.BytesIO(workbook), scope=EVERYTHING)
    seconds = time.perf_counter() - started

    stored = {model: list(model.objects.values()) for model in (Household, Member, IncomeRecord)}
    with transaction.atomic():
        IncomeRecord.objects.all().delete()
        Member.objects.all().delete()
        Household.objects.all().delete()
        started = time.perf_counter()
        for model in (Household, Member, IncomeRecord):
            model.objects.bulk_create([model(**values) for values in stored[model]], batch_size=2000)
        baseline = time.perf_counter() - started
    return {
        "database": connection.vendor, "sheets": {k: str(v) for k, v in result.counts.items()}, "rows": rows,
        "seconds": seconds, "rows_per_second": rows / seconds, "baseline_seconds": baseline,
        "baseline_rows_per_second": rows / baseline, "ratio": seconds / baseline,
    }


def build(households: int) -> tuple[bytes, int]:
    """农户, 家庭成员 (head + two members) and 收入 rows for households spread over Gansu's villages."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    from households.models import Area

    villages = list(Area.objects.filter(level="village").values_list("code", flat=True)[: max(1, households // 20)])

    def id_number(n: int) -> str:
        # A thousand order numbers per birth date, then the next day: unique for any size.
        born = date(1950, 1, 1) + timedelta(days=n // 1000)
        body = f"620502{born:%Y%m%d}{n % 1000:03d}"
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
