"""Independent reads run side by side, each on a connection of its own, all reading one snapshot.

A province's dashboard is a dozen independent aggregate statements (the compliance engine,
the trend, stays and tasks, incomes, the areas' rows…). PostgreSQL runs one statement on one
core; run one after another they leave the other cores idle. ``together`` hands them to a small
pool of threads instead, each with its own connection, and makes every connection read the
same moment of the database: the calling connection opens a REPEATABLE READ transaction and
exports its snapshot (``pg_export_snapshot``), and each worker imports it (``SET TRANSACTION
SNAPSHOT``) before its first statement, as ``pg_dump --jobs`` does. The reads therefore count
exactly what one connection would have counted at that moment, only sooner.

Like every statement of the application, the reads run without JIT compilation (the
connection's option, set in ``shuanglian.settings``). Side by side, each runs without parallel
workers of its own: the connections already keep the cores busy.

Side by side only where it can be: on PostgreSQL, outside a transaction (a worker cannot see
what the caller has not committed, so inside one, as in the tests' transactions, the calls run
in order on the caller's connection, as they are), and with ``FIGURES_CONNECTIONS`` above 1
(else in order, in one REPEATABLE READ transaction). The calls must only read.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.conf import settings
from django.db import connection, connections, transaction

T = TypeVar("T")


def connections_for_reads() -> int:
    """How many connections ``together`` may use at once (``FIGURES_CONNECTIONS``)."""
    return max(1, settings.FIGURES_CONNECTIONS)


def side_by_side() -> bool:
    """Whether ``together`` would run its calls on several connections here and now."""
    return _own_transaction() and connections_for_reads() > 1


def _own_transaction() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def together(calls: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """Each call's result by its name. The calls start in the order given (put the longest
    first), on up to ``FIGURES_CONNECTIONS`` connections reading one snapshot, or one after
    another on this connection where that cannot be (see the module's note)."""
    if not _own_transaction():
        return {name: call() for name, call in calls.items()}
    apart = side_by_side() and len(calls) > 1
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Before the transaction's first query, which takes the snapshot all the reads share.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            snapshot = None
            if apart:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        if snapshot is None:
            return {name: call() for name, call in calls.items()}
        # The exporting transaction stays open until every worker has imported the snapshot:
        # here, until every call has returned.
        waiting = list(calls.items())
        results: dict[str, T] = {}
        failures: list[BaseException] = []
        lock = threading.Lock()

        def work() -> None:
            try:
                while not failures:
                    with lock:
                        if not waiting:
                            return
                        name, call = waiting.pop(0)
                    results[name] = _in_snapshot(snapshot, call)
            except BaseException as exc:  # re-raised in the caller's thread below
                failures.append(exc)
            finally:
                connections.close_all()  # the thread's own connection, opened by its first call

        workers = [threading.Thread(target=work, name=f"figures-{i}")
                   for i in range(min(connections_for_reads(), len(calls)))]
        for worker in workers:
            worker.start()
        try:
            for worker in workers:
                worker.join()
        except BaseException as exc:  # interrupted (a task's time limit): no call starts after this
            failures.append(exc)
            for worker in workers:
                worker.join()
            raise
    if failures:
        raise failures[0]
    return {name: results[name] for name in calls}


def _in_snapshot(snapshot: str, call: Callable[[], T]) -> T:
    """Run ``call`` on this thread's connection in a transaction of its own reading ``snapshot``."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            # The calls keep as many cores busy as there are connections: a statement's own
            # parallel workers would only compete with them.
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        return call()
