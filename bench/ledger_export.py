"""Illustrated ledger export: seconds and peak memory for a county of N households.

    .venv/bin/python bench/ledger_export.py [--households 5000] [--compare]

Builds one county (20 townships of 15 villages, a cadre for every two households, two years
of income, a plan per household) in a fresh scratch database: a temporary SQLite file, or,
when BENCH_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/shuanglian_bench),
that database, emptied first. Then it writes the ledger twice: once timed, once under
tracemalloc for the peak of Python memory the export allocates. --compare repeats both with
XlsxWriter's default (in-memory) mode instead of constant-memory mode.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTY = "620502"
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--compare", action="store_true", help="also measure XlsxWriter's in-memory mode")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="shuanglian-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.households)
    print(f"database    {os.environ['DATABASE_URL'].split(':')[0]}")
    print(f"households  {args.households:,}  (built in {time.perf_counter() - started:.1f} s)")

    modes = [("constant_memory", True)] + ([("in_memory", False)] if args.compare else [])
    for label, constant in modes:
        seconds, peak, size, rows = measure(Path(scratch) / f"ledger-{label}.xlsx", constant)
        print(f"{label:<16} {seconds:6.2f} s   peak Python memory {peak / 2**20:7.1f} MiB   file {size / 2**20:5.1f} MiB   "
              f"ledger rows {rows:,}")
    print(f"max RSS of the process  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def measure(path: Path, constant: bool) -> tuple[float, int, int, int]:
    from reports import excel
    from reports.ledger import write_ledger
    from shuanglian.scoping import EVERYTHING

    excel.WORKBOOK_OPTIONS["constant_memory"] = constant
    area = f"{COUNTY}000000"
    started = time.perf_counter()
    written = write_ledger(str(path), scope=EVERYTHING, year=YEAR, area_code=area)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    write_ledger(str(path), scope=EVERYTHING, year=YEAR, area_code=area)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, path.stat().st_size, written["扶贫台帐"]


def build(households: int) -> None:
    """One county in bulk: areas, units paired with villages, cadres, households, pairings,
    two years of income and this year's plans."""
    import random

    from stdnum.cn import ric

    from households.models import Area, Household, HouseholdPlan, IncomeRecord
    from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing

    rnd = random.Random(5)
    codes = ["620000000000", "620500000000", f"{COUNTY}000000"]
    townships = [f"{COUNTY}{t:03d}000" for t in range(100, 120)]
    villages = [f"{t[:9]}{v:03d}" for t in townships for v in range(1, 16)]
    Area.objects.bulk_create([Area(code=c, name=n, level=Area.level_of(c), parent_id=Area.parent_code_of(c))
                              for c, n in zip(codes, ["甘肃省", "天水市", "秦州区"], strict=True)])
    Area.objects.bulk_create([Area(code=t, name=f"第{i + 1}镇", level="township", parent_id=f"{COUNTY}000000")
                              for i, t in enumerate(townships)])
    Area.objects.bulk_create([Area(code=v, name=f"{v[-3:]}村", level="village", parent_id=v[:9] + "000") for v in villages])
    units = Unit.objects.bulk_create([Unit(code=f"B{i:03d}", name=f"帮扶单位{i}", level="county", kind="organ",
                                           area_id=f"{COUNTY}000000") for i in range(30)])
    VillagePairing.objects.bulk_create([VillagePairing(unit=units[i % 30], village_id=v, start=date(2024, 1, 1))
                                        for i, v in enumerate(villages)])

    def id_number(n: int, region: str) -> str:
        born = date(1950, 1, 1) + timedelta(days=n % 20000)  # unique for the first 20 million n
        body = f"{region}{born:%Y%m%d}{n // 20000 % 1000:03d}"
        return body + ric.calc_check_digit(body + "0")

    cadres = Cadre.objects.bulk_create([Cadre(id_number=id_number(n, "620102"), name=f"干部{n}", unit=units[n % 30],
                                              rank="other", category="civil") for n in range((households + 1) // 2)])
    causes = ["illness", "disability", "schooling", "skills", "capital", "labour", "water", "transport", "drive"]
    homes = Household.objects.bulk_create([
        Household(number=f"{villages[n % len(villages)]}{n:05d}", village_id=villages[n % len(villages)],
                  head_name=f"户主{n}", head_id_number=id_number(n, "620502"), resident_population=1 + n % 5,
                  main_cause=causes[n % len(causes)], other_causes=[causes[(n + 3) % len(causes)]],
                  status="exited" if n % 7 == 0 else "registered", exit_year=YEAR if n % 7 == 0 else None)
        for n in range(households)], batch_size=2000)
    HouseholdPairing.objects.bulk_create([HouseholdPairing(cadre=cadres[n // 2], household=h, start=date(2024, 1, 1))
                                          for n, h in enumerate(homes)], batch_size=2000)
    incomes = []
    for h in homes:
        base = Decimal(rnd.randint(6000, 14000))
        for year, total in ((YEAR - 1, base), (YEAR, (base * Decimal("1.12")).quantize(Decimal("0.01")))):
            record = IncomeRecord(household=h, year=year, resident_population=h.resident_population, total_income=total,
                                  operating_costs=(base * Decimal("0.18")).quantize(Decimal("0.01")))
            record.compute()
            incomes.append(record)
    IncomeRecord.objects.bulk_create(incomes, batch_size=2000)
    HouseholdPlan.objects.bulk_create([
        HouseholdPlan(household=h, year=YEAR, target_income=Decimal(rnd.randint(3000, 6000)),
                      measures="种植花椒3亩；养殖基础母羊2只；劳务输转1人", exit_deadline=YEAR + 1)
        for h in homes if h.status != "exited"], batch_size=2000)


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
