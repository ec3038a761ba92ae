"""A leaders' dashboard computed from nothing (``reports.dashboard.compute``, no cache) for the
province, its busiest city and its busiest county (the most households), against one province
compliance run for the year (``visits.selectors.year_compliance``) in the same run.

    DATABASE_URL=postgres://…/shuanglian_scale .venv/bin/python bench/dashboard_cold.py [--year 2025]

Each is timed ``rounds`` times (median) with the queries counted; ``--dump DIR`` also writes each
area's figures as JSON (without the moment they were computed), to compare two versions of the
code on the same data. The target is the province's: at most twice the compliance run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0


@dataclass
class Measured:
    level: str
    code: str
    name: str
    seconds: float
    queries: int
    ratio: float  # against one province compliance run


def busiest(level: str) -> tuple[str, str]:
    """The area of a level holding the most households (the first by code on a tie)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from households.models import LEVEL_PREFIX_LENGTH, Area, Household
    from shuanglian.helpers import pad_area_code

    length = LEVEL_PREFIX_LENGTH[level]
    counted = (Household.objects.annotate(part=Substr("village_id", 1, length)).values("part")
               .annotate(n=Count("pk")).order_by("-n", "part").first())
    code = pad_area_code(counted["part"])
    return code, Area.objects.get(code=code).name


def measure(*, year: int, rounds: int = 1, as_of: date | None = None, dump: Path | None = None,
            log=print) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.models import Area, AreaLevel
    from reports.dashboard import compute
    from visits.selectors import year_compliance

    as_of = as_of or date(year, 12, 31)
    times = []
    for _ in range(max(rounds, 2)):  # the first run also brings the tables into memory
        started = time.perf_counter()
        cadres = len(year_compliance(year=year))
        times.append(time.perf_counter() - started)
    baseline = statistics.median(times[1:])
    log(f"province compliance {year}: {baseline:.2f} s ({cadres:,} cadres)")
    province = Area.objects.filter(level=AreaLevel.PROVINCE).order_by("code").first()
    areas = [(AreaLevel.PROVINCE, province.code, province.name), (AreaLevel.CITY, *busiest(AreaLevel.CITY)),
             (AreaLevel.COUNTY, *busiest(AreaLevel.COUNTY))]
    results = []
    for level, code, name in areas:
        area = Area.objects.get(code=code)
        seconds = []
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                figures = compute(area=area, year=year, as_of=as_of)
                seconds.append(time.perf_counter() - started)
        found = Measured(str(level), code, name, statistics.median(seconds), len(queries),
                         statistics.median(seconds) / baseline if baseline else 0.0)
        log(f"cold dashboard {level} {code} {name}: {found.seconds:.2f} s, {found.queries} queries, "
            f"ratio {found.ratio:.2f}")
        results.append(found)
        if dump is not None:
            figures.pop("computed_at", None)
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{code}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True))
    return {"baseline_seconds": baseline, "cadres": cadres, "areas": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dump", type=Path, default=None, help="write each area's figures as JSON here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from seeding import scale

    result = measure(year=args.year or scale.DEFAULT_YEAR, rounds=args.rounds, dump=args.dump)
    province = result["areas"][0]
    return 0 if province.ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
