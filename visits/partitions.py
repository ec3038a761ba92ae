"""Year partitions of the trip tables on PostgreSQL (migration 0011): cadres' visits, units'
trips and residents' stays are RANGE partitions on ``start``, one a year, with a DEFAULT
partition for trips outside the years made. On SQLite there are none.

A year is added before its first trip is expected (the command ``partition_years``, run once a
year, or at each release); a year whose trips already sit in the DEFAULT partition is added by
moving them into it, in one transaction that holds the table's lock for the move, with every
row's triggers running as they would for any delete and insert."""
from __future__ import annotations

import re
from datetime import date

from django.db import connection, transaction

TABLES = ("visits_visit", "visits_unitvisit", "visits_stay")


def partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLES[0]])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def key_table(table: str, column: str = "idempotency_key") -> str:
    """Where ``column``'s keys of ``table`` are looked up with their ids (columns ``column``, id):
    on PostgreSQL the small keys table the partitioning keeps beside the trips, one index probe
    where the trips would take one per year partition and a plan over all of them; on SQLite the
    table itself. The keys table is part of the schema on PostgreSQL once the migrations are
    applied (migration 0011 names it the same way: keep the two in step)."""
    return f"{table}_{column}s" if connection.vendor == "postgresql" else table


def years(table: str) -> list[int]:
    """The years that have a partition of their own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = %s::regclass", [table])
        names = [row[0] for row in cursor.fetchall()]
    pattern = re.compile(rf"^{re.escape(table)}_y(\d{{4}})$")
    return sorted(int(m.group(1)) for name in names if (m := pattern.match(name)))


def add_year(table: str, year: int) -> int | None:
    """Make ``year``'s partition of ``table``; None if it exists, else the trips moved into it
    from the DEFAULT partition. Rows keep their ids and keys.

    The trips waiting in the DEFAULT partition leave it and come back through the table once
    the year's partition exists, in one transaction holding the table's lock: each row's
    triggers run as for any delete and insert (the idempotency keys' table loses and regains
    the same keys), so the move needs no setting reserved to a superuser and no trigger is
    bypassed."""
    if year in years(table):
        return None
    q = connection.ops.quote_name
    part, default = q(f"{table}_y{year}"), q(f"{table}_default")
    bounds, where = (date(year, 1, 1), date(year + 1, 1, 1)), '"start" >= %s AND "start" < %s'
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {q(table)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT COUNT(*) FROM {default} WHERE {where}", bounds)
        waiting = cursor.fetchone()[0]
        if waiting:
            columns = ", ".join(q(c.name) for c in connection.introspection.get_table_description(cursor, table))
            cursor.execute(f"CREATE TEMPORARY TABLE moving_trips AS SELECT {columns} FROM {default} WHERE {where}",
                           bounds)
            cursor.execute(f"DELETE FROM {default} WHERE {where}", bounds)
        cursor.execute(f"CREATE TABLE {part} PARTITION OF {q(table)} FOR VALUES FROM (%s) TO (%s)", bounds)
        if waiting:
            cursor.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM moving_trips")
            cursor.execute("DROP TABLE moving_trips")  # now, not at the commit: a caller's transaction may move more
    return waiting
