"""The published evaluation results page, ``GET /gongkai/pingyi/<year>/``, under concurrent load
from anonymous visitors, against the minimal view.

A closed round over the county with the most cadres is made (if the database has none) with a
result for each of the county's units and cadres, and published. The same gunicorn as the other
HTTP benchmarks (bench/settings.py) serves two runs from a second process on loopback
(bench/load.py): the minimal view as a signed-in user, then the public page without sign-in and
without ``If-None-Match`` (a browser's first visit: the ETag query, then the body from the
shared cache). Server and this process share the cache through Redis (``CACHE_URL``).
"""
from __future__ import annotations

import json
import random
import subprocess
from datetime import date
from decimal import Decimal

from bench.visit_logging import PYTHON, ROOT, gunicorn_serving

TARGET_RPS = 200


def publish_results(year: int) -> tuple[int, int]:
    """A published closed round of ``year`` over the busiest county; returns (year, results)."""
    from django.db.models import Count
    from django.utils import timezone

    from assessments.models import AppraisalResult, EvaluationRound
    from pairing.models import Cadre, Unit
    from publicity.models import RoundPublication

    rnd = EvaluationRound.objects.filter(year=year, closed_at__isnull=False).order_by("area_id").first()
    if rnd is None:
        county = (Unit.objects.filter(area__level="county").values("area_id").annotate(n=Count("cadres"))
                  .order_by("-n", "area_id").first())["area_id"]
        rnd = EvaluationRound.objects.create(year=year, area_id=county, opens=date(year, 12, 1), closes=date(year, 12, 31),
                                             closed_at=timezone.now())
        pick = random.Random(year)
        grades = ["excellent", "good", "fair", "poor"]
        rows = [AppraisalResult(round=rnd, unit_id=pk, ballots=9, satisfied=7, basic=1, unsatisfied=1,
                                satisfaction=Decimal("88.9"), score=Decimal(pick.randint(55, 98)), grade=pick.choice(grades))
                for pk in Unit.objects.filter(area_id=county).values_list("pk", flat=True)]
        rows += [AppraisalResult(round=rnd, cadre_id=pk, ballots=3, satisfied=3, basic=0, unsatisfied=0,
                                 satisfaction=Decimal("100.0"), score=Decimal(pick.randint(55, 98)),
                                 grade=pick.choice(["excellent", "competent", "basic"]))
                 for pk in Cadre.objects.filter(unit__area_id=county).values_list("pk", flat=True)]
        AppraisalResult.objects.bulk_create(rows, batch_size=2000)
    RoundPublication.objects.update_or_create(round=rnd, defaults={"year": year, "published": True})
    return year, AppraisalResult.objects.filter(round=rnd).count()


def measure(*, database_url: str, year: int, requests: int = 2000, workers: int = 4, concurrency: int = 8,
            log=print) -> dict:
    from django.contrib.sessions.models import Session

    from bench.read_latency import CACHE_URL, _leader_session

    year, results = publish_results(year)
    _user, session_key, cookie = _leader_session()
    measured = {}
    with gunicorn_serving(database_url, workers=workers, prefix="shuanglian-public-", timeout=600,
                          env={"CACHE_URL": CACHE_URL}) as (port, workdir):
        try:
            def fire(name: str, path: str, count: int, cookie_value: str = "") -> dict:
                spec = {"base": f"http://127.0.0.1:{port}", "expect": [200],
                        "requests": [{"method": "GET", "path": path, "cookie": cookie_value}] * count}
                jobs = workdir / f"{name}.json"
                jobs.write_text(json.dumps(spec), encoding="utf-8")
                done = subprocess.run([PYTHON, str(ROOT / "bench" / "load.py"), str(jobs), "--concurrency", str(concurrency)],
                                      capture_output=True, text=True, check=True)
                return json.loads(done.stdout)

            page = f"/gongkai/pingyi/{year}/"
            fire("warm", "/bench/baseline/", workers * 10, cookie)
            fire("warm-page", page, workers * 10)
            log(f"public results: {results:,} results of {year}, {requests} requests each…")
            measured["baseline"] = fire("baseline", "/bench/baseline/", requests, cookie)
            measured["page"] = fire("page", page, requests)
        finally:
            Session.objects.filter(session_key=session_key).delete()
    measured.update(results=results, year=year, log=str(workdir / "gunicorn.log"))
    return measured
