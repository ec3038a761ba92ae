"""API list latency under concurrent load, against a minimal view (BENCHMARKS.md, "API lists").

The gunicorn of the other HTTP benchmarks (bench/settings.py) serves, from a second process on
loopback (bench/load.py), signed in as a province leader (ID numbers masked):
- baseline: GET of a minimal Django view;
- households: GET /api/v1/households/?area=COUNTY&page_size=50, one county's households;
- visits: GET /api/v1/visits/?cadre=ID&page_size=50, one cadre's visits;
- lists: the two alternately, the figure the target judges (p95 < 100 ms at full size).

    .venv/bin/python bench/api_lists.py [--requests 1000]    # DATABASE_URL or BENCH_DATABASE_URL

Reads only, besides the leader's account and role that bench/read_latency.py also makes, and a
session deleted afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 100


def measure(*, database_url: str, requests: int = 1000, workers: int = 4, concurrency: int = 8) -> dict:
    from django.contrib.sessions.models import Session

    from bench.read_latency import _leader_session
    from bench.visit_logging import fire_gets, gunicorn_serving
    from households.models import Area, AreaLevel
    from pairing.models import HouseholdPairing

    counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").values_list("code", flat=True))
    cadres = list(HouseholdPairing.objects.filter(end__isnull=True).values_list("cadre_id", flat=True)
                  .distinct().order_by("cadre_id")[:200])
    _user, session_key, cookie = _leader_session()
    results = {}
    with gunicorn_serving(database_url, workers=workers, prefix="shuanglian-api-lists-", timeout=600) as (port, workdir):
        try:
            def fire(name: str, paths: list[str]) -> dict:
                return fire_gets(port, workdir, name, paths, cookie=cookie, concurrency=concurrency)

            households = [f"/api/v1/households/?area={counties[i % len(counties)]}&page_size=50" for i in range(requests)]
            visits = [f"/api/v1/visits/?cadre={cadres[i % len(cadres)]}&page_size=50" for i in range(requests)]
            mixed = [households[i] if i % 2 == 0 else visits[i] for i in range(requests)]
            fire("warm", ["/bench/baseline/"] * (workers * 10) + mixed[: workers * 10])
            results["baseline"] = fire("baseline", ["/bench/baseline/"] * requests)
            results["households"] = fire("households", households)
            results["visits"] = fire("visits", visits)
            results["lists"] = fire("lists", mixed)
        finally:
            Session.objects.filter(session_key=session_key).delete()
    results.update(counties=len(counties), cadres=len(cadres), workers=workers, concurrency=concurrency,
                   log=str(workdir / "gunicorn.log"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    result = measure(database_url=url, requests=args.requests, workers=args.workers, concurrency=args.concurrency)
    for key in ("baseline", "households", "visits", "lists"):
        got = result[key]
        print(f"{key:<10} p50 {got['p50_ms']:6.1f} ms  p95 {got['p95_ms']:6.1f} ms  {got['rps']:6.0f} req/s"
              f"  unexpected {got['unexpected']}")
    print(json.dumps(result))
    return 0 if result["lists"]["p95_ms"] < TARGET_P95_MS and not result["lists"]["unexpected"] else 1


if __name__ == "__main__":
    sys.exit(main())
