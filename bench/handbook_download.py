"""The county's help handbooks (帮扶手册) as one streamed file: seconds and peak memory for a
county of N households.

    .venv/bin/python bench/handbook_download.py [--households 5000]

Builds the county of bench/ledger_export.py (20 townships of 15 villages, a cadre for every
two households, two years of income, a plan per household) and adds what a handbook prints:
two more members per household, four visits, a deed and, for every other household, a demand.
Then an office of the county downloads every handbook through the page
(``papers.views.handbook_download``: a StreamingHttpResponse built batch by batch), consuming
the stream as a client would: once timed (total seconds, time to the first byte, largest
chunk), once under tracemalloc for the peak of Python memory while streaming. Database: a
temporary SQLite file, or BENCH_DATABASE_URL, emptied first (as bench/ledger_export.py).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ledger_export import COUNTY, YEAR, build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
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
    add_records()
    print(f"database    {os.environ['DATABASE_URL'].split(':')[0]}")
    print(f"households  {args.households:,}  (built in {time.perf_counter() - started:.1f} s)")

    seconds, first, largest, size, books = measure(trace=False)
    _s, _f, _l, _size, _b = measure(trace=True)
    peak = _PEAK[0]
    print(f"handbooks   {seconds:6.2f} s   first byte {first:5.2f} s   peak Python memory {peak / 2**20:6.1f} MiB   "
          f"largest chunk {largest / 2**20:5.1f} MiB   file {size / 2**20:6.1f} MiB   handbooks {books:,}")
    print(f"max RSS of the process  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


_PEAK = [0]


def measure(*, trace: bool) -> tuple[float, float, int, int, int]:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from pairing.models import Role
    from papers.views import handbook_download

    user, created = get_user_model().objects.get_or_create(username="bench_office")
    if created:
        Role.objects.create(user=user, kind=Role.Kind.OFFICE, area_id=f"{COUNTY}000000")
    request = RequestFactory().get("/papers/handbooks/", {"area": f"{COUNTY}000000"})
    request.user = user
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = handbook_download(request)
    assert response.streaming, "the handbooks must stream"
    first = None
    largest = size = books = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        largest, size = max(largest, len(chunk)), size + len(chunk)
        books += chunk.count(b'class="book"')
    seconds = time.perf_counter() - started
    if trace:
        _PEAK[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, first or 0.0, largest, size, books


def add_records() -> None:
    """Members, visits (with the 吃住在村 box and tasks), deeds and demands for every household."""
    from households.models import Household, Member
    from pairing.models import HouseholdPairing
    from visits.models import Deed, Demand, Visit

    pairs = list(HouseholdPairing.objects.values_list("household_id", "cadre_id", "household__village_id"))
    Member.objects.bulk_create([
        Member(household_id=h, id_number=f"6205032{n:010d}X", name=f"成员{n}", relation="子女",
               birth_date=date(2000, 1, 1) + timedelta(days=n % 3000))
        for n, (h, _c, _v) in enumerate(pairs * 2)], batch_size=2000)
    visits = Visit.objects.bulk_create([
        Visit(cadre_id=c, start=date(YEAR, 1 + k * 3, 5 + n % 20), end=date(YEAR, 1 + k * 3, 5 + n % 20),
              stayed=k == 0, tasks=["policy", "development"], help_given="协调春耕化肥", notes="了解家庭收入情况")
        for n, (_h, c, _v) in enumerate(pairs) for k in range(4)], batch_size=2000)
    Visit.households.through.objects.bulk_create([
        Visit.households.through(visit_id=v.pk, household_id=pairs[i // 4][0]) for i, v in enumerate(visits)],
        batch_size=5000)
    Deed.objects.bulk_create([
        Deed(cadre_id=c, household_id=h, village_id=v, on=date(YEAR, 6, 1), category="funds", description="协调产业资金",
             money=500) for h, c, v in pairs], batch_size=2000)
    Demand.objects.bulk_create([
        Demand(cadre_id=c, household_id=h, village_id=v, category="housing", text="房屋漏雨需维修")
        for n, (h, c, v) in enumerate(pairs) if n % 2 == 0], batch_size=2000)
    assert Household.objects.count() == len(pairs)


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
