"""Visit logging throughput: cadres post the real visit form to gunicorn, against a baseline.

Both go to the same gunicorn (bench/settings.py: DEBUG off, the app's URLs plus
/bench/baseline/), from a second process on loopback (bench/load.py), with the same signed-in
sessions, the same form body and the same concurrency, in alternating blocks (``ROUNDS`` of
each), so that a machine whose speed drifts during the run (a shared host) weighs on both alike:
- baseline: POST to a minimal Django view that only passes the middleware (session, sign-in,
  CSRF) and answers "ok";
- visits: POST /visits/new/ — the real form, validated and stored by ``log_visit`` (pairing
  and date rules, the idempotency key, the anomaly check), answered with the redirect to the
  cadre's workspace. Every trip is one day within the back-dating window, a different day per
  request of a cadre, naming one or two of the households paired with that cadre.

Cadres are signed in by creating their sessions the way ``login()`` does (their accounts have
no usable password; hashing one per cadre would only measure the password hasher). The visits
and sessions are deleted afterwards.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from shuanglian.keys import new_key

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, seconds: float = 180) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench/baseline/")
            if conn.getresponse().status in (200, 302):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


@contextmanager
def gunicorn_serving(database_url: str, *, workers: int, prefix: str, timeout: int = 120, env: dict | None = None):
    """Our app on gunicorn (bench/settings.py) on a free loopback port for the length of the block;
    yields (port, work folder), where ``gunicorn.log`` is its log. The server signs and checks the
    sessions made in this process, so it gets this process's secret key."""
    from django.conf import settings

    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings",
                   "DJANGO_SECRET_KEY": settings.SECRET_KEY, **(env or {})}
    with open(workdir / "gunicorn.log", "w") as server_log:
        server = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "shuanglian.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", str(timeout)],
            cwd=ROOT, env=environment, stdout=server_log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(port, server)
            yield port, workdir
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def signed_in_cadres(count: int, window_start):
    """(session key, CSRF token, cadre, household ids) for cadres paired since before the window."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from pairing.models import CATEGORIES_WITHOUT_HOUSEHOLDS, Cadre, HouseholdPairing

    pairings = (HouseholdPairing.objects.filter(end__isnull=True, start__lte=window_start)
                .exclude(cadre__category__in=CATEGORIES_WITHOUT_HOUSEHOLDS).filter(cadre__user__isnull=False))
    total = pairings.values("cadre_id").distinct().count()
    stride = max(1, total // max(1, count))
    chosen = list(pairings.values_list("cadre_id", flat=True).distinct().order_by("cadre_id")[: stride * count: stride])
    households: dict[int, list[int]] = {}
    for cadre_id, household_id in pairings.filter(cadre_id__in=chosen).values_list("cadre_id", "household_id"):
        households.setdefault(cadre_id, []).append(household_id)
    signed = []
    for cadre in Cadre.objects.filter(pk__in=chosen).select_related("user").order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(cadre.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = cadre.user.get_session_auth_hash()
        session.create()
        token = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={token}"
        signed.append((session.session_key, token, cookie, sorted(households[cadre.pk])))
    return signed


def measure(*, database_url: str, requests: int = 2000, cadres: int = 100, workers: int = 4, concurrency: int = 8,
            log=print) -> dict:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from visits.models import Visit

    today = timezone.localdate()
    days = 28  # distinct days per cadre inside the 30-day back-dating window; the last one is for the warm-up
    cadres = max(cadres, -(-requests // (days - 1)))  # enough cadres that no two trips of one cadre share a day
    signed = signed_in_cadres(cadres, today - timedelta(days=days + 1))
    if not signed:
        raise RuntimeError("no cadre with an open pairing to sign in")
    keys: list[str] = []  # every idempotency key sent, to delete what was stored afterwards

    def jobs(path: str, n: int, offset: int) -> list[dict]:
        out = []
        for i in range(n):
            session_key, token, cookie, households = signed[(offset + i) % len(signed)]
            day = today - timedelta(days=1 + ((offset + i) // len(signed)) % days)
            key = str(new_key())  # as the form makes it (shuanglian/keys.py)
            keys.append(key)
            named = households[:2] if i % 3 == 0 else households[:1]
            body = [("csrfmiddlewaretoken", token), *(("households", h) for h in named), ("start", day.isoformat()),
                    ("end", day.isoformat()), ("tasks", "policy"), ("tasks", "opinion"), ("help_given", ""),
                    ("notes", "了解家庭收入和种养情况"), ("key", key)]
            out.append({"method": "POST", "path": path, "cookie": cookie, "body": urlencode(body)})
        return out

    results = {}
    tidy_trip_tables()  # a run left behind by an older bench, or stopped half-way, weighs nothing
    with gunicorn_serving(database_url, workers=workers, prefix="shuanglian-load-") as (port, workdir):
        try:
            def fire(name: str, spec: dict) -> dict:
                path = workdir / f"{name}.json"
                path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
                done = subprocess.run([PYTHON, str(ROOT / "bench" / "load.py"), str(path), "--concurrency", str(concurrency)],
                                      capture_output=True, text=True, check=True)
                return json.loads(done.stdout)

            base = f"http://127.0.0.1:{port}"
            # Warm every worker up on both paths (imports, connections), then measure both in turns.
            # The warm-up trips use the last days of the window, the measured ones the others.
            warm = max(workers * 10, 20)
            fire("warm", {"base": base, "expect": [200, 302],
                          "requests": jobs("/bench/baseline/", warm, 0) + jobs("/visits/new/", warm, len(signed) * (days - 1))})
            rounds = {"baseline": [], "visits": []}
            measured_keys: list[str] = []
            size = -(-requests // ROUNDS)
            for first in range(0, requests, size):
                n = min(size, requests - first)
                rounds["baseline"].append(fire("baseline", {"base": base, "expect": [200], "latencies": True,
                                                            "requests": jobs("/bench/baseline/", n, first)}))
                rounds["visits"].append(fire("visits", {"base": base, "expect": [302], "latencies": True,
                                                        "requests": jobs("/visits/new/", n, first)}))
                measured_keys.extend(keys[-n:])
            results.update({name: joined(runs) for name, runs in rounds.items()})
            results["stored"] = Visit.objects.filter(idempotency_key__in=measured_keys).count()
        finally:
            Visit.objects.filter(idempotency_key__in=keys).delete()
            Session.objects.filter(session_key__in=[s[0] for s in signed]).delete()
            tidy_trip_tables()
    results.update(workers=workers, concurrency=concurrency, cadres=len(signed), log=str(workdir / "gunicorn.log"))
    return results


def tidy_trip_tables() -> None:
    """Vacuum what the benchmark's trips and sessions leave behind once deleted, on PostgreSQL.

    Each run stores and deletes thousands of trips. Where autovacuum is off (as on our CI
    machine) or has not come round yet, their dead rows stay in the year's partition, the
    links, the keys and the sessions, and every later look-up of a cadre's trips, of a key or
    of a session steps over them: each run would then measure a slower database than the one
    before, and the reads and API lists measured after it too. Vacuumed, every run starts
    from the same tables. On SQLite nothing is done."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    from visits.models import AnomalyFlag, Visit
    from visits.partitions import key_table

    if connection.vendor != "postgresql":
        return
    tables = [Visit._meta.db_table, Visit.households.through._meta.db_table, key_table(Visit._meta.db_table),
              AnomalyFlag._meta.db_table, Session._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(connection.ops.quote_name(t) for t in tables)}")


# Blocks of each kind of request, alternating: baseline, visits, baseline, visits…
ROUNDS = 5


def joined(runs: list[dict]) -> dict:
    """One summary of several runs of bench/load.py (``load.summary``): their requests over
    their seconds, percentiles over every request's latency, the unexpected answers added up."""
    from bench.load import summary

    unexpected: dict[str, int] = {}
    for run in runs:
        for status, count in run["unexpected"].items():
            unexpected[status] = unexpected.get(status, 0) + count
    return summary([x for run in runs for x in run["latencies_ms"]], sum(run["seconds"] for run in runs), unexpected)


def fire_gets(port: int, workdir, name: str, paths: list[str], *, cookie: str, concurrency: int,
              expect=(200,)) -> dict:
    """GET each path once from the load process (bench/load.py) against the gunicorn on ``port``,
    as the session in ``cookie``; its summary (requests/s, p50, p95) as a dict."""
    spec = {"base": f"http://127.0.0.1:{port}", "expect": list(expect),
            "requests": [{"method": "GET", "path": p, "cookie": cookie} for p in paths]}
    path = workdir / f"{name}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run([PYTHON, str(ROOT / "bench" / "load.py"), str(path), "--concurrency", str(concurrency)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)
