"""Year partitions of the trip tables on PostgreSQL (migration 0011): cadres' visits, units'
trips and residents' stays are RANGE partitions on ``start``, one a year, with a DEFAULT
partition for trips outside the years made. On SQLite there are none.

A year is added before its first trip is expected (the command ``partition_years``, run once a
year, or at each release); a year whose trips already sit in the DEFAULT partition is added by
moving them into it, in one transaction that holds the table's lock for the move."""
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
    from the DEFAULT partition. Rows keep their ids and keys: the move runs with the triggers
    off (session_replication_role), so the idempotency keys' table is left as it is."""
    if year in years(table):
        return None
    q = connection.ops.quote_name
    part, default = q(f"{table}_y{year}"), q(f"{table}_default")
    bounds, where = (date(year, 1, 1), date(year + 1, 1, 1)), '"start" >= %s AND "start" < %s'
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {q(table)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT COUNT(*) FROM {default} WHERE {where}", bounds)
        waiting = cursor.fetchone()[0]
        if not waiting:
            cursor.execute(f"CREATE TABLE {part} PARTITION OF {q(table)} FOR VALUES FROM (%s) TO (%s)", bounds)
            return 0
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"ALTER TABLE {q(table)} DETACH PARTITION {default}")
        cursor.execute(f"CREATE TABLE {part} PARTITION OF {q(table)} FOR VALUES FROM (%s) TO (%s)", bounds)
        cursor.execute(f"INSERT INTO {part} SELECT * FROM {default} WHERE {where}", bounds)
        cursor.execute(f"DELETE FROM {default} WHERE {where}", bounds)
        cursor.execute(f"ALTER TABLE {q(table)} ATTACH PARTITION {default} DEFAULT")
        cursor.execute("SET LOCAL session_replication_role = origin")
    return waiting
