"""Province-scale benchmarks (BENCHMARKS.md): each measured against a baseline in the same run.

    .venv/bin/python bench/run.py --quick        # small province on a temporary SQLite file (minutes)
    .venv/bin/python bench/run.py                # full province on PostgreSQL

Without --quick the database is BENCH_DATABASE_URL or --database-url (default
postgres://postgres@127.0.0.1:5432/shuanglian_scale, created if missing); a database that
already holds the seeded province is reused, one without households is seeded first
(``seed_scale``), --reseed replaces what is there. The roster import runs in a scratch
database of its own (the scale database's name + "_import", or a temporary SQLite file).

Benchmarks and their baselines:
- compliance: province compliance for a year through the app's selector vs one hand-written
  SQL query on the same data; both must give identical rows (target ≤ 1.5×, < 5 s at full size);
  the same for the residents' postings (subject "resident", target ≤ 1.5×);
- visit logging: POST /visits/new/ as signed-in cadres vs a minimal Django view on the same
  gunicorn, from a second process on loopback (requests/s; target ≥ 0.5× and p95 < 50 ms);
- roster import: rows/s of ``import_workbook`` vs the same rows through bulk_create alone
  (target ≥ 10,000 rows/s at full size);
- dashboard and API list latency (p50 / p95) against the same minimal view, after the nightly
  warm-up; the API lists alone (bench/api_lists.py; target p95 < 100 ms); ledger export (bench/ledger_export.py), else "not yet available";
- the published evaluation results page, GET /gongkai/pingyi/<year>/ without sign-in, against
  the same minimal view (bench/public_results.py; target ≥ 200 requests/s).
- the county's help handbooks as one streamed file (bench/handbook_download.py: 5,000
  households in under a minute, peak memory bounded).
- the leaders' dashboard computed from nothing for the province (and, informative, its busiest
  city and county) against one province compliance run (bench/dashboard_cold.py; target ≤ 2×).
- fresh figures (bench/fresh_figures.py): a visit logged through the service, then its county's,
  city's and province's dashboards read again: seconds until they count it (target < 60 s;
  before, after midnight), and another county's still cached.
- visits partitioned by year (bench/partitions.py): the year's compliance reads no partition of
  a later year (PostgreSQL).
Prints a table and exits 1 if a comparison disagrees or a target is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/shuanglian_scale"
NOT_YET = "not yet available"


@dataclass
class Row:
    name: str
    measured: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool | None = None  # None: nothing to judge

    @property
    def verdict(self) -> str:
        return {True: "ok", False: "MISSED", None: ""}[self.ok]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small province on a temporary SQLite file")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--size", help="seed_scale size when seeding (default: small with --quick, else full)")
    parser.add_argument("--reseed", action="store_true",
                        help="empty the benchmark database (campaign data and audit trail) and seed it afresh")
    parser.add_argument("--year", type=int, default=None, help="the seeded year (default: seed_scale's)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each compliance query (median)")
    parser.add_argument("--compliance-timeout", type=int, default=120, help="seconds before a compliance query is stopped")
    parser.add_argument("--requests", type=int, default=None, help="requests per HTTP benchmark")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections of the load process")
    parser.add_argument("--import-households", type=int, default=None, help="households in the roster import workbook")
    parser.add_argument("--skip", action="append", default=[], choices=["compliance", "reads", "visits", "import", "ledger", "publication", "handbooks", "fresh", "partitions"],
                        help="leave a benchmark out (repeatable)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="shuanglian-run-"))
    if args.quick:
        url = f"sqlite:///{scratch}/scale.sqlite3"
        size = args.size or "small"
    else:
        url = args.database_url
        size = args.size or "full"
        _create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from bench.read_latency import CACHE_URL

    os.environ["CACHE_URL"] = CACHE_URL  # the dashboards warmed here are read by the benchmark's gunicorn
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from seeding import scale

    year = args.year or scale.DEFAULT_YEAR
    rows: list[Row] = []
    print(f"database: {connection.vendor} {_without_password(url)}", flush=True)
    call_command("migrate", verbosity=0)

    # -- the province --
    if args.reseed or not scale.campaign_rows():
        print(f"seeding a {size} province…", flush=True)
        started = time.perf_counter()
        # --reseed on the database named by --database-url / BENCH_DATABASE_URL (never DATABASE_URL):
        # that is the caller naming it as disposable.
        scale.seed_province(size=scale.size_of(size), year=year, flush=args.reseed,
                            disposable=scale.database_name(), log=lambda line: None)
        seconds = time.perf_counter() - started
        full = scale.size_of(size).households == scale.FULL_HOUSEHOLDS
        rows.append(Row("seed_scale", f"{seconds / 60:.1f} min", target="< 20 min at full size",
                        ok=(seconds < 20 * 60) if full else None))
    counts = scale.summary()
    print("province: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()), flush=True)

    # -- compliance --
    if "compliance" not in args.skip:
        rows.append(_compliance(year, args.rounds, args.compliance_timeout, full=not args.quick))
        rows.append(_compliance(year, args.rounds, args.compliance_timeout, full=not args.quick, subject="resident"))

    # -- dashboard and API latency --
    if "reads" not in args.skip:
        rows.extend(_reads(url, requests=args.requests or (300 if args.quick else 1000), workers=args.workers,
                           concurrency=args.concurrency, judge=not args.quick))

    if "reads" not in args.skip:
        rows.append(_api_lists(url, requests=args.requests or (300 if args.quick else 1000), workers=args.workers,
                               concurrency=args.concurrency, judge=not args.quick))

    # -- visit logging --
    if "visits" not in args.skip:
        rows.append(_visit_logging(url, requests=args.requests or (600 if args.quick else 2000),
                                   workers=args.workers, concurrency=args.concurrency))

    # -- roster import --
    if "import" not in args.skip:
        households = args.import_households or (2000 if args.quick else 5000)
        import_url = f"sqlite:///{scratch}/import.sqlite3" if args.quick else _sibling(url, "_import")
        rows.append(_roster_import(import_url, households, create=not args.quick, judge=not args.quick))

    # -- ledger export --
    if "ledger" not in args.skip:
        ledger_url = None if args.quick else _sibling(url, "_ledger")
        rows.append(_ledger_export(ledger_url))

    # -- the published results page --
    if "publication" not in args.skip:
        rows.append(_public_results(url, year=year - 1, requests=args.requests or (1000 if args.quick else 2000),
                                    workers=args.workers, concurrency=args.concurrency))
    # -- the county's handbooks, streamed --
    if "handbooks" not in args.skip:
        rows.append(_handbook_download(None if args.quick else _sibling(url, "_handbooks")))

    # -- the leaders' dashboard computed cold, against one province compliance run --
    if "compliance" not in args.skip:
        rows.extend(_dashboard_cold(year, args.rounds, full=not args.quick))
    # -- fresh figures: a visit on its areas' dashboards --
    if "fresh" not in args.skip:
        rows.append(_fresh_figures(url, year=year))
    # -- visits partitioned by year --
    if "partitions" not in args.skip:
        rows.append(_partitions(year))

    _print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


# --- benchmarks ---------------------------------------------------------------------------------

def _compliance(year: int, rounds: int, timeout: int, full: bool, subject: str = "cadre") -> Row:
    from django.db import OperationalError, connection, transaction

    from bench.compliance import compare

    name = "compliance (province, a year)" if subject == "cadre" else f"compliance, {subject}s (province, a year)"
    what = "cadres" if subject == "cadre" else "postings"
    # Residents are ~6,000 postings: only the ratio is a target, not the seconds.
    target = "≤ 1.5× and < 5 s (full)" if subject == "cadre" else "≤ 1.5× (full)"
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = '{int(timeout)}s'")
            result = compare(year=year, rounds=rounds, subject=subject)
    except OperationalError as exc:
        if "statement timeout" not in str(exc):
            raise
        from bench.compliance import hand_written

        started = time.perf_counter()
        rows = len(hand_written(year=year, subject=subject))
        sql = time.perf_counter() - started
        print(f"{name} ratio > {timeout / sql:.0f}: the selector ran longer than {timeout} s (statement_timeout), "
              f"the hand-written SQL took {sql:.2f} s for {rows:,} {what}", flush=True)
        return Row(name, f"> {timeout} s (stopped)", baseline=f"{sql:.2f} s hand-written SQL", ratio=f"> {timeout / sql:.0f}",
                   target=target, ok=False)
    except AssertionError as exc:
        print(f"{name} ratio: not measured, the answers differ: {exc}", flush=True)
        return Row(name, "answers differ", target="identical rows", ok=False)
    print(f"{name} ratio {result.ratio:.2f}: selector {result.selector_seconds:.2f} s, hand-written SQL "
          f"{result.sql_seconds:.2f} s, {result.rows:,} {what} ({result.met:,} met the rule), identical rows", flush=True)
    fast = result.selector_seconds < 5 if subject == "cadre" else True
    ok = (result.ratio <= 1.5 and fast) if full else None  # the targets are for the full size
    return Row(name, f"{result.selector_seconds:.2f} s ({result.rows:,} {what})",
               baseline=f"{result.sql_seconds:.2f} s hand-written SQL", ratio=f"{result.ratio:.2f}",
               target=target, ok=ok)


def _visit_logging(url: str, *, requests: int, workers: int, concurrency: int) -> Row:
    from bench.visit_logging import measure

    print(f"visit logging: gunicorn with {workers} workers, {concurrency} connections, {requests} requests each…",
          flush=True)
    result = measure(database_url=url, requests=requests, workers=workers, concurrency=concurrency)
    visits, base = result["visits"], result["baseline"]
    problems = {**{f"visit {k}": v for k, v in visits["unexpected"].items()},
                **{f"baseline {k}": v for k, v in base["unexpected"].items()}}
    if problems or result["stored"] != visits["requests"]:
        print(f"visit logging: unexpected answers {problems}, {result['stored']} of {visits['requests']} visits stored "
              f"(server log: {result['log']})", flush=True)
    ratio = visits["rps"] / base["rps"] if base["rps"] else 0.0
    print(f"visit logging ratio {ratio:.2f}: {visits['rps']:.0f} visits/s (p95 {visits['p95_ms']:.0f} ms) vs baseline "
          f"{base['rps']:.0f} requests/s (p95 {base['p95_ms']:.0f} ms)", flush=True)
    fast = ratio >= VISIT_TARGET_RATIO and visits["p95_ms"] < VISIT_TARGET_P95_MS
    return Row("visit logging (POST /visits/new/)", f"{visits['rps']:.0f} req/s, p95 {visits['p95_ms']:.0f} ms",
               baseline=f"{base['rps']:.0f} req/s minimal view", ratio=f"{ratio:.2f}",
               target=f"≥ {VISIT_TARGET_RATIO}× and p95 < {VISIT_TARGET_P95_MS} ms",
               ok=not problems and result["stored"] == visits["requests"] and fast)


# Visit logging: at least half the minimal view's requests/s on the same gunicorn, and p95 under 50 ms.
VISIT_TARGET_RATIO = 0.5
VISIT_TARGET_P95_MS = 50


def _reads(url: str, *, requests: int, workers: int, concurrency: int, judge: bool) -> list[Row]:
    from bench.read_latency import measure

    print(f"dashboard and API reads: gunicorn with {workers} workers, {concurrency} connections, {requests} requests "
          f"each…", flush=True)
    result = measure(database_url=url, requests=requests, workers=workers, concurrency=concurrency)
    base = result["baseline"]
    rows = []
    for key, name in (("dashboard", "dashboard latency (p50 / p95)"), ("api", "API list latency (p50 / p95)")):
        got = result[key]
        problems = {**got["unexpected"], **{f"baseline {k}": v for k, v in base["unexpected"].items()}}
        if problems:
            print(f"{key}: unexpected answers {problems} (server log: {result['log']})", flush=True)
        ratio = got["p95_ms"] / base["p95_ms"] if base["p95_ms"] else 0.0
        print(f"{key} p95 ratio {ratio:.2f}: p50 {got['p50_ms']:.0f} ms, p95 {got['p95_ms']:.0f} ms vs baseline "
              f"p50 {base['p50_ms']:.0f} ms, p95 {base['p95_ms']:.0f} ms", flush=True)
        rows.append(Row(name, f"{got['p50_ms']:.0f} / {got['p95_ms']:.0f} ms ({got['rps']:.0f} req/s)",
                        baseline=f"{base['p50_ms']:.0f} / {base['p95_ms']:.0f} ms minimal view", ratio=f"{ratio:.2f}",
                        target="p95 < 300 ms", ok=(not problems and (got["p95_ms"] < 300 if judge else True))))
    return rows


def _api_lists(url: str, *, requests: int, workers: int, concurrency: int, judge: bool) -> Row:
    """bench/api_lists.py: a county's households and a cadre's visits, 50 a page, as a province leader."""
    from bench.api_lists import TARGET_P95_MS, measure

    print(f"API lists: gunicorn with {workers} workers, {concurrency} connections, {requests} requests each…", flush=True)
    result = measure(database_url=url, requests=requests, workers=workers, concurrency=concurrency)
    got, base = result["lists"], result["baseline"]
    problems = {**{f"{key} {k}": v for key in ("households", "visits", "lists") for k, v in result[key]["unexpected"].items()},
                **{f"baseline {k}": v for k, v in base["unexpected"].items()}}
    if problems:
        print(f"API lists: unexpected answers {problems} (server log: {result['log']})", flush=True)
    ratio = got["p95_ms"] / base["p95_ms"] if base["p95_ms"] else 0.0
    each = ", ".join(f"{key} p50 {result[key]['p50_ms']:.0f} / p95 {result[key]['p95_ms']:.0f} ms"
                     for key in ("households", "visits"))
    print(f"API lists p95 ratio {ratio:.2f}: p50 {got['p50_ms']:.0f} ms, p95 {got['p95_ms']:.0f} ms ({each}) vs baseline "
          f"p50 {base['p50_ms']:.0f} ms, p95 {base['p95_ms']:.0f} ms", flush=True)
    return Row("API lists p95 < 100 ms (a county's households, a cadre's visits; p50 / p95)",
               f"{got['p50_ms']:.0f} / {got['p95_ms']:.0f} ms ({got['rps']:.0f} req/s)",
               baseline=f"{base['p50_ms']:.0f} / {base['p95_ms']:.0f} ms minimal view", ratio=f"{ratio:.2f}",
               target=f"p95 < {TARGET_P95_MS} ms (full)",
               ok=not problems and (got["p95_ms"] < TARGET_P95_MS if judge else True))


def _public_results(url: str, *, year: int, requests: int, workers: int, concurrency: int) -> Row:
    from bench.public_results import TARGET_RPS, measure

    print(f"public results page: gunicorn with {workers} workers, {concurrency} connections…", flush=True)
    result = measure(database_url=url, year=year, requests=requests, workers=workers, concurrency=concurrency)
    page, base = result["page"], result["baseline"]
    problems = {**page["unexpected"], **{f"baseline {k}": v for k, v in base["unexpected"].items()}}
    if problems:
        print(f"public results: unexpected answers {problems} (server log: {result['log']})", flush=True)
    ratio = page["rps"] / base["rps"] if base["rps"] else 0.0
    print(f"public results ratio {ratio:.2f}: {page['rps']:.0f} requests/s (p95 {page['p95_ms']:.0f} ms) vs baseline "
          f"{base['rps']:.0f} requests/s (p95 {base['p95_ms']:.0f} ms), {result['results']:,} results", flush=True)
    return Row(f"published results page (GET /gongkai/pingyi/{result['year']}/, {result['results']:,} results)",
               f"{page['rps']:.0f} req/s, p95 {page['p95_ms']:.0f} ms",
               baseline=f"{base['rps']:.0f} req/s minimal view", ratio=f"{ratio:.2f}", target=f"≥ {TARGET_RPS} req/s",
               ok=not problems and page["rps"] >= TARGET_RPS)


# Rows per second the roster import must reach at full size (PostgreSQL).
ROSTER_IMPORT_TARGET = 10_000


def _roster_import(url: str, households: int, create: bool, judge: bool) -> Row:
    if create:
        _create_database(url)
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    print(f"roster import: {households:,} households…", flush=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "roster_import.py"), "--households", str(households), "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        print(done.stderr[-2000:], flush=True)
        return Row("roster import", "failed", ok=False)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"roster import ratio {result['ratio']:.2f}: {result['rows_per_second']:,.0f} rows/s vs bulk_create "
          f"{result['baseline_rows_per_second']:,.0f} rows/s ({result['rows']:,} rows)", flush=True)
    return Row("roster import (农户, 家庭成员, 收入)", f"{result['rows_per_second']:,.0f} rows/s ({result['rows']:,} rows)",
               baseline=f"{result['baseline_rows_per_second']:,.0f} rows/s bulk_create", ratio=f"{result['ratio']:.2f}",
               target=f"≥ {ROSTER_IMPORT_TARGET:,} rows/s", ok=result["rows_per_second"] >= ROSTER_IMPORT_TARGET if judge else None)


LEDGER_LINE = re.compile(r"^(?P<mode>\w+)\s+(?P<seconds>[\d.]+) s\s+peak Python memory\s+(?P<peak>[\d.]+) MiB")


def _ledger_export(url: str | None) -> Row:
    """bench/ledger_export.py, when it exists: one county of 5,000 households, seconds and peak
    memory, constant-memory mode against XlsxWriter's in-memory mode (--compare)."""
    name = "ledger export (a county, 5,000 households)"
    script = ROOT / "bench" / "ledger_export.py"
    if not script.exists():
        return Row(name, NOT_YET, target="< 10 s and < 300 MB")
    env = dict(os.environ)
    env.pop("BENCH_DATABASE_URL", None)
    if url:
        _create_database(url)
        env["BENCH_DATABASE_URL"] = url
    print("ledger export: a county of 5,000 households…", flush=True)
    done = subprocess.run([sys.executable, str(script), "--households", "5000", "--compare"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    found = {m["mode"]: m for line in done.stdout.splitlines() if (m := LEDGER_LINE.match(line.strip()))}
    rss = re.search(r"max RSS of the process\s+(\d+) MiB", done.stdout)
    if done.returncode or "constant_memory" not in found:
        return Row(name, f"{NOT_YET} (bench/ledger_export.py did not report)", target="< 10 s and < 300 MB")
    mine = found["constant_memory"]
    seconds, peak = float(mine["seconds"]), float(mine["peak"])
    other = found.get("in_memory")
    memory = f", max RSS {rss[1]} MiB" if rss else ""
    return Row(name, f"{seconds:.2f} s, peak {peak:.0f} MiB{memory}",
               baseline=f"{float(other['seconds']):.2f} s, peak {float(other['peak']):.0f} MiB in-memory" if other else "",
               ratio=f"{seconds / float(other['seconds']):.2f}" if other and float(other["seconds"]) else "",
               target="< 10 s and < 300 MB", ok=seconds < 10 and peak < 300 and (not rss or int(rss[1]) < 300))


HANDBOOK_LINE = re.compile(r"^handbooks\s+(?P<seconds>[\d.]+) s\s+first byte\s+(?P<first>[\d.]+) s\s+"
                           r"peak Python memory\s+(?P<peak>[\d.]+) MiB")


def _handbook_download(url: str | None) -> Row:
    """bench/handbook_download.py: a county's 5,000 handbooks downloaded as one streamed file."""
    name = "handbooks of a county, one streamed file (5,000 households)"
    target = "< 60 s, peak < 100 MiB"
    env = dict(os.environ)
    env.pop("BENCH_DATABASE_URL", None)
    if url:
        _create_database(url)
        env["BENCH_DATABASE_URL"] = url
    print("handbooks: a county of 5,000 households…", flush=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "handbook_download.py"), "--households", "5000"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    found = next((m for line in done.stdout.splitlines() if (m := HANDBOOK_LINE.match(line.strip()))), None)
    if done.returncode or found is None:
        return Row(name, f"{NOT_YET} (bench/handbook_download.py did not report)", target=target)
    seconds, first, peak = float(found["seconds"]), float(found["first"]), float(found["peak"])
    return Row(name, f"{seconds:.1f} s, first byte {first:.2f} s, peak {peak:.0f} MiB", target=target,
               ok=seconds < 60 and peak < 100)


def _dashboard_cold(year: int, rounds: int, full: bool) -> list[Row]:
    """bench/dashboard_cold.py: the dashboard of the province, its busiest city and its busiest
    county computed from nothing, each against one province compliance run of the same run. The
    province's is the target (≤ 2×, at full size); the city's and the county's are informative."""
    from bench.dashboard_cold import TARGET_RATIO, measure

    print("cold dashboards: the province, its busiest city and county…", flush=True)
    result = measure(year=year, rounds=max(1, rounds // 2), log=lambda line: print(line, flush=True))
    baseline = f"{result['baseline_seconds']:.2f} s province compliance"
    rows = []
    for found in result["areas"]:
        province = found.level == "province"
        rows.append(Row(f"cold dashboard ({found.level}, {found.name})", f"{found.seconds:.2f} s, {found.queries} queries",
                        baseline=baseline, ratio=f"{found.ratio:.2f}", target=f"≤ {TARGET_RATIO:g}×" if province else "",
                        ok=(found.ratio <= TARGET_RATIO if full else None) if province else None))
    return rows
FRESH_LINE = re.compile(r"^fresh (?P<level>\w+)\s+(?P<seconds>[\d.]+) s\s+visits \d+ → \d+ \(moved (?P<moved>-?\d+)\)")
RENEWAL_LINE = re.compile(r"renewal after commit\s+(?P<ms>[\d.]+) ms")
UNTOUCHED_LINE = re.compile(r"^untouched county\s+(?P<ms>[\d.]+) ms\s+cached (?P<cached>\w+)")


def _fresh_figures(url: str, *, year: int) -> Row:
    """bench/fresh_figures.py: a visit logged through the service, then its county's, city's and
    province's dashboards read again — seconds until they count it (before: after midnight)."""
    name = "fresh figures: a logged visit on its province's dashboard"
    target = "< 60 s, others cached"
    print("fresh figures: a visit, then its areas' dashboards…", flush=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "fresh_figures.py"), "--year", str(year)],
                          capture_output=True, text=True, env={**os.environ, "BENCH_DATABASE_URL": url}, cwd=ROOT)
    lines = [line.strip() for line in done.stdout.splitlines()]
    fresh = {m["level"]: m for line in lines if (m := FRESH_LINE.match(line))}
    renewal = next((m for line in lines if (m := RENEWAL_LINE.search(line))), None)
    untouched = next((m for line in lines if (m := UNTOUCHED_LINE.match(line))), None)
    if done.returncode or "province" not in fresh or renewal is None or untouched is None:
        return Row(name, "failed (bench/fresh_figures.py did not report)", target=target, ok=False)
    seconds = {level: float(m["seconds"]) for level, m in fresh.items()}
    moved = all(m["moved"] == "1" for m in fresh.values())
    cached = untouched["cached"] == "True"
    measured = (f"{seconds['province']:.1f} s (county {seconds.get('county', 0):.1f} s, city {seconds.get('city', 0):.1f} s), "
                f"renewal {float(renewal['ms']):.1f} ms" + ("" if moved else ", figure did not move")
                + ("" if cached else ", another county recomputed"))
    return Row(name, measured, baseline="after midnight (the warm-up's keep-time)", target=target,
               ok=moved and cached and seconds["province"] < 60)


# --- helpers --------------------------------------------------------------------------------------

def _partitions(year: int) -> Row:
    """Visits partitioned by year on PostgreSQL (migration 0011): the year's compliance must not
    read the partitions of later years; on SQLite there is nothing to judge."""
    from bench.partitions import partition_check

    name = "visits partitioned by year (compliance's partitions)"
    check = partition_check(year)
    if not check.partitioned:
        from django.db import connection

        sqlite = connection.vendor != "postgresql"
        return Row(name, "not partitioned (SQLite)" if sqlite else "not partitioned", target="partitioned (PostgreSQL)",
                   ok=None if sqlite else False)
    print(f"visit partitions: {check.total}, compliance {year} reads {', '.join(check.read)}", flush=True)
    return Row(name, f"{len(check.read)} of {check.total} read", baseline="unpartitioned: the whole table",
               target=f"none after {year}", ok=not check.later_read)


def _print_table(rows: list[Row]) -> None:
    header = Row("benchmark", "measured", "baseline", "ratio", "target")
    columns = ["name", "measured", "baseline", "ratio", "target"]
    table = [header, *rows]
    widths = [max(_width(getattr(r, c)) for r in table) for c in columns]
    print()
    for i, row in enumerate(table):
        cells = [_pad(getattr(row, c), w) for c, w in zip(columns, widths)]
        print("  ".join(cells) + ("  " + row.verdict if i else ""))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK characters take two columns


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _sibling(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def _create_database(url: str) -> None:
    """Create the PostgreSQL database of the URL if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(dbname="postgres", user=parts.username, password=parts.password, host=parts.hostname,
                             port=parts.port or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


if __name__ == "__main__":
    sys.exit(main())
