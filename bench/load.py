"""Load generator: fires prepared HTTP requests at a server from its own process.

    python bench/load.py JOBS.json --concurrency 8

JOBS.json holds {"base": "http://127.0.0.1:PORT", "expect": [200, 302], "requests":
[{"method": "POST", "path": "/visits/new/", "cookie": "...", "body": "a=1&b=2"}, ...]}.
Each thread keeps one connection alive and takes the next request from the list. Prints one
JSON line: requests, seconds, requests/s, p50/p95 latency in ms, and the unexpected statuses
(with "latencies": true in JOBS.json, also every request's latency in ms).
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def run(base: str, requests: list[dict], expect: set[int], concurrency: int) -> dict:
    target = urlsplit(base)
    lock = threading.Lock()
    queue = iter(range(len(requests)))
    latencies: list[float] = []
    unexpected: dict[str, int] = {}

    def worker():
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                break
            job = requests[index]
            headers = {"Cookie": job.get("cookie", ""), "Host": f"{target.hostname}:{target.port}"}
            body = job.get("body")
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                conn.request(job.get("method", "GET"), job["path"], body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status not in expect:
                    unexpected[str(status)] = unexpected.get(str(status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return summary([round(x * 1000, 3) for x in latencies], seconds, unexpected)


def summary(latencies_ms: list[float], seconds: float, unexpected: dict[str, int]) -> dict:
    """Requests over the seconds they took, p50/p95 over every request's latency (ms), and the
    unexpected answers; one run's, or several joined (bench/visit_logging.py)."""
    latencies_ms = sorted(latencies_ms)

    def pct(p: float) -> float:
        return latencies_ms[min(len(latencies_ms) - 1, int(p * len(latencies_ms)))] if latencies_ms else 0.0

    return {"requests": len(latencies_ms), "seconds": seconds,
            "rps": len(latencies_ms) / seconds if seconds else 0.0, "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "unexpected": unexpected, "latencies_ms": latencies_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with open(args.jobs, encoding="utf-8") as handle:
        spec = json.load(handle)
    result = run(spec["base"], spec["requests"], set(spec.get("expect", [200])), args.concurrency)
    if not spec.get("latencies"):  # each request's, when the caller joins several runs
        del result["latencies_ms"]
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
