"""Fresh figures: how soon the leaders' dashboards show a visit just logged.

    .venv/bin/python bench/fresh_figures.py [--year 2025]

On the seeded province (BENCH_DATABASE_URL, else DATABASE_URL; nothing is left behind: the
visit is deleted again) with a Redis cache of its own (BENCH_FRESH_CACHE_URL, default
redis://127.0.0.1:6379/11, emptied first, so no other benchmark's warmed figures are touched):

1. the dashboards of a paired household's county, city and province, and of another county,
   are computed into the cache, as the nightly warm-up leaves them;
2. a visit to the household is logged through ``log_visit`` in a transaction that commits —
   the renewal of the areas' generations after the commit is timed on its own;
3. each of the three dashboards is read again and must count the visit (the year's visits one
   more): the seconds that read takes are how long after the write its figures are live (the
   worker's refresh a minute later takes the same, so a leader reads them from the cache);
   the other county is read again and must come from the cache.

Before, a logged visit showed on the warmed dashboards after midnight. Prints one line per
measure, read by bench/run.py.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=None, help="the seeded year (default: seed_scale's)")
    parser.add_argument("--top", choices=["province", "city", "county"], default="province",
                        help="the highest area measured (a province's figures take minutes on a busy machine)")
    args = parser.parse_args()
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["CACHE_URL"] = os.environ.get("BENCH_FRESH_CACHE_URL", "redis://127.0.0.1:6379/11")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone

    from households.models import Area
    from reports.dashboard import dashboard
    from seeding import scale
    from shuanglian import freshness
    from visits.services.trips import delete_visits

    year = args.year or scale.DEFAULT_YEAR
    today = timezone.localdate()
    cache.clear()
    household, cadre, on = _a_visit_to_log(year)
    county_code = household.village_id[:6].ljust(12, "0")
    levels = ["province", "city", "county"]
    chain = [Area.objects.get(code=c) for c in freshness.lineage(county_code)  # province, city, county
             ][levels.index(args.top):]
    other = Area.objects.filter(level="county").exclude(code__startswith=county_code[:4]).order_by("code").first()
    print(f"household {household.number} in {county_code}, visit on {on}; other county {other.code}", flush=True)

    before = {}
    for area in [*chain, other]:
        started = time.perf_counter()
        before[area.code] = dashboard(area=area, year=year, today=today)
        print(f"warm {area.level:<9} {time.perf_counter() - started:8.2f} s", flush=True)

    renewals = []
    freshness.areas_touched.connect(lambda sender, codes, **kw: renewals.append(time.perf_counter()), weak=False)
    started = time.perf_counter()
    with transaction.atomic():
        visit = _log(household, cadre, on)
        committing = time.perf_counter()
    print(f"write     {(committing - started) * 1000:8.1f} ms   renewal after commit "
          f"{(renewals[0] - committing) * 1000 if renewals else float('nan'):6.1f} ms", flush=True)
    try:
        for area in chain:
            started = time.perf_counter()
            after = dashboard(area=area, year=year, today=today)
            seconds = time.perf_counter() - started
            moved = after["summary"]["visits"] - before[area.code]["summary"]["visits"]
            print(f"fresh {area.level:<9} {seconds:8.2f} s   visits {before[area.code]['summary']['visits']} → "
                  f"{after['summary']['visits']} (moved {moved})", flush=True)
        started = time.perf_counter()
        kept = dashboard(area=other, year=year, today=today)
        print(f"untouched county {(time.perf_counter() - started) * 1000:8.1f} ms   "
              f"cached {kept['computed_at'] == before[other.code]['computed_at']}", flush=True)
    finally:
        delete_visits([visit])
        visit.history.model.objects.filter(id=visit.pk).delete()  # nor its audit trail
        cache.clear()


def _a_visit_to_log(year: int):
    """A household paired all year with a cadre who logged nothing the week around a day in
    December of the year, whose unit's month is open (the seeded months may be approved)."""
    from households.models import Household
    from pairing.models import CATEGORIES_WITHOUT_HOUSEHOLDS, HouseholdPairing
    from shuanglian.errors import DomainError
    from visits.locks import check_month_open
    from visits.models import Visit

    pairings = (HouseholdPairing.objects.filter(start__lte=date(year, 1, 1), end__isnull=True)
                .exclude(cadre__category__in=CATEGORIES_WITHOUT_HOUSEHOLDS).select_related("cadre__unit")
                .order_by("pk"))
    for pairing in pairings[:200].iterator():
        for day in range(28, 0, -3):
            on = date(year, 12, day)
            try:
                check_month_open(unit=pairing.cadre.unit, start=on, end=on)
            except DomainError:
                continue
            if Visit.objects.filter(cadre=pairing.cadre, start__lte=on + timedelta(days=3),
                                    end__gte=on - timedelta(days=3)).exists():
                continue
            return Household.objects.get(pk=pairing.household_id), pairing.cadre, on
    raise SystemExit("no household to visit")


def _log(household, cadre, on):
    from visits.services.trips import log_visit

    return log_visit(cadre=cadre, households=[household], start=on, end=on, key=None, own_entry=False)


if __name__ == "__main__":
    main()
