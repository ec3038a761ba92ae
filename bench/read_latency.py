"""Dashboard and API list latency under concurrent load, against a minimal view.

The same gunicorn as the visit-logging benchmark (bench/settings.py) serves three runs from a
second process on loopback (bench/load.py), each signed in as a province leader:
- baseline: GET of a minimal Django view (session, sign-in, nothing else);
- dashboard: GET /dashboard/?area=… over the province, its cities and its counties, after the
  nightly warm-up (``reports.dashboard.warm``) has computed them, as leaders would find them;
- API: GET /api/v1/households/?area=COUNTY&page_size=50 and /api/v1/visits/?cadre=…, lists of
  one county's households and one cadre's visits, as another system pages through them.

Server and this process share the cache through Redis (``CACHE_URL``, set by bench/run.py
before Django starts), as production's workers do; without it each gunicorn worker would hold
its own.
"""
from __future__ import annotations

import os

from bench.visit_logging import fire_gets, gunicorn_serving

CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7")


def _leader_session():
    """A province leader signed in by creating the session the way ``login()`` does."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from households.models import Area, AreaLevel
    from pairing.models import Role

    province = Area.objects.filter(level=AreaLevel.PROVINCE).order_by("code").first()
    user, _ = get_user_model().objects.get_or_create(username="bench_leader", defaults={"is_staff": True})
    Role.objects.update_or_create(user=user, defaults={"kind": Role.Kind.LEADER, "area": province, "unit": None})
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return user, session.session_key, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure(*, database_url: str, requests: int = 2000, workers: int = 4, concurrency: int = 8, log=print) -> dict:
    from django.contrib.sessions.models import Session

    from pairing.models import HouseholdPairing
    from reports.dashboard import warm
    from reports.selectors import reporting_areas

    areas = list(reporting_areas().filter(level__in=["province", "city", "county"]).values_list("code", "level"))
    counties = [code for code, level in areas if level == "county"] or [code for code, _ in areas]
    cadres = list(HouseholdPairing.objects.filter(end__isnull=True).values_list("cadre_id", flat=True)
                  .distinct().order_by("cadre_id")[:200])
    user, session_key, cookie = _leader_session()
    results = {}
    with gunicorn_serving(database_url, workers=workers, prefix="shuanglian-reads-", timeout=600,
                          env={"CACHE_URL": CACHE_URL}) as (port, workdir):
        try:
            log(f"reads: warming {len(areas)} dashboards as the nightly schedule does…")
            results["warmed"] = warm()  # this process caches in the same Redis (bench/run.py sets CACHE_URL)

            def fire(name: str, paths: list[str], expect=(200,)) -> dict:
                return fire_gets(port, workdir, name, paths, cookie=cookie, concurrency=concurrency, expect=expect)

            dashboards = [f"/dashboard/?area={areas[i % len(areas)][0]}" for i in range(requests)]
            api = [f"/api/v1/households/?area={counties[i % len(counties)]}&page_size=50" if i % 2 == 0
                   else f"/api/v1/visits/?cadre={cadres[i % len(cadres)]}&page_size=50" for i in range(requests)]
            fire("warm", ["/bench/baseline/"] * (workers * 10) + dashboards[: workers * 5] + api[: workers * 5])
            results["baseline"] = fire("baseline", ["/bench/baseline/"] * requests)
            results["dashboard"] = fire("dashboard", dashboards)
            results["api"] = fire("api", api)
        finally:
            Session.objects.filter(session_key=session_key).delete()
    results.update(areas=len(areas), workers=workers, concurrency=concurrency, log=str(workdir / "gunicorn.log"))
    return results
