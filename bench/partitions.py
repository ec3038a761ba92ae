"""Visits partitioned by year (migration 0011): what the province's compliance reads, and its time.

    DATABASE_URL=postgres://…/sl_part_double .venv/bin/python bench/partitions.py [--year 2025] [--dashboard]

Prints the visit partitions the year's compliance query reads (EXPLAIN of the hand-written
query of bench/compliance.py, whose WHERE on visits_visit is the selector's), the rows in them,
then ``compare()`` (selector vs hand-written SQL, identical rows) and, with --dashboard, the
province's dashboard computed cold (``reports.dashboard.compute``). bench/run.py reports the
partition check as one of its rows (``partition_check``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class PartitionCheck:
    partitioned: bool
    total: int = 0  # partitions of visits_visit
    read: list[str] | None = None  # partitions the year's compliance reads
    year: int = 0

    @property
    def later_read(self) -> list[str]:
        """Partitions of years after ``year`` that the query reads (none when pruning works)."""
        return [p for p in self.read or [] if (m := re.search(r"_y(\d{4})$", p)) and int(m.group(1)) > self.year]


def partition_check(year: int) -> PartitionCheck:
    """Which visit partitions the province's compliance for ``year`` reads (PostgreSQL)."""
    from django.db import connection

    from bench.compliance import hand_written_sql
    from visits.partitions import partitioned, years

    if not partitioned():
        return PartitionCheck(partitioned=False, year=year)
    d0, d1 = date(year, 1, 1), date(year, 12, 31)
    epoch = date(1970, 1, 1).toordinal()
    params = {"d0": d0, "d1": d1, "p0": d0.toordinal() - epoch, "p1": d1.toordinal() - epoch,
              "n": (d1 - d0).days + 1, "year": year}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + hand_written_sql(), params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    read: set[str] = set()

    def walk(node):
        name = node.get("Relation Name", "")
        if name.startswith("visits_visit_y") or name == "visits_visit_default":
            read.add(name)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return PartitionCheck(partitioned=True, total=len(years("visits_visit")) + 1, read=sorted(read), year=year)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dashboard", action="store_true", help="also compute the province's dashboard, cold")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.compliance import compare

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM visits_visit")
        visits = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM households_household")
        households = cursor.fetchone()[0]
    check = partition_check(args.year)
    print(f"{connection.settings_dict['NAME']}: {households:,} households, {visits:,} visits; "
          + (f"{check.total} visit partitions, compliance {args.year} reads {', '.join(check.read)}"
             if check.partitioned else "visits not partitioned"), flush=True)
    result = compare(year=args.year, rounds=args.rounds)
    print(f"compliance {args.year}: selector {result.selector_seconds:.2f} s, hand-written SQL {result.sql_seconds:.2f} s "
          f"(ratio {result.ratio:.2f}), {result.rows:,} cadres, {result.met:,} met, identical rows", flush=True)
    if args.dashboard:
        from households.models import Area, AreaLevel
        from reports.dashboard import compute

        province = Area.objects.get(level=AreaLevel.PROVINCE)
        started = time.perf_counter()
        compute(area=province, year=args.year, as_of=date(args.year, 12, 31))
        print(f"dashboard {province.name} {args.year}, cold: {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
