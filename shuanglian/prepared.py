"""Statements of our own SQL that PostgreSQL prepares once per connection.

A trip logged from the phone runs the same few statements again and again: the user's role and
cadre, the trip's facts, the write, the check for trips sharing a day. For each, PostgreSQL
parses, analyses and plans the text anew, and on the full province that costs it more than
running the statement (BENCHMARKS.md, "its statements prepared once per connection"). ``execute`` prepares a
statement the first time a connection runs it (``PREPARE``) and from then on only ``EXECUTE``s
it with the values: the text is parsed once per connection, and planned once too, since the
connections ask for generic plans (``plan_cache_mode`` in the settings' connection options: a
trip's year partitions are then chosen as the statement starts, not by planning it again).

psycopg2 binds values on the client, so the values travel as the literals of ``EXECUTE`` and
take the types PostgreSQL inferred for the parameters when it prepared the statement. Elsewhere
(SQLite) the statement simply runs.

A prepared statement lives as long as its connection, whatever happens to the transactions
around it (a rolled-back ``PREPARE`` stays prepared), so the names prepared are remembered per
connection object: a new connection prepares again. The name is derived from the text, so a
text that changes is another statement. The ``PREPARE`` itself goes straight to the driver's
cursor: it is bookkeeping of the connection, not one of the statements a request asks, and it
is sent only by the first request of each connection, so counting it would make a request's
number of statements depend on which connection served it.
"""
from __future__ import annotations

import functools
import hashlib
import re
import weakref

_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # driver connection → names prepared on it

_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, str, tuple[str, ...] | int]:
    """(name, the text with $1, $2… for its placeholders, how the values are ordered: the
    names of ``%(name)s`` placeholders in order of their numbers, or how many ``%s`` there are)."""
    names: list[str] = []
    positional = 0

    def number(match: re.Match) -> str:
        nonlocal positional
        if match.group(0) == "%%":
            return "%"
        if match.group(1) is None:
            positional += 1
            return f"${positional}"
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    text = _PLACEHOLDER.sub(number, sql)
    if names and positional:
        raise ValueError("a statement's placeholders are all named or all positional")
    name = "shuanglian_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    return name, text, tuple(names) if names else positional


def execute(cursor, sql: str, params: list | tuple | dict = ()) -> None:
    """Run ``sql`` (``%s`` or ``%(name)s`` placeholders, as ``cursor.execute`` takes them) with
    ``params`` on ``cursor`` (a cursor Django made, on any connection), prepared once per connection on
    PostgreSQL; the results are read from the cursor as usual."""
    db = cursor.db  # the connection itself: the proxy ``connection`` costs a look-up per use
    if db.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    name, text, order = _numbered(sql)
    values = [params[key] for key in order] if isinstance(order, tuple) else list(params)
    if isinstance(order, int) and len(values) != order:
        raise ValueError(f"{order} placeholders, {len(values)} values")
    driver = db.connection
    names = _prepared.setdefault(driver, set())
    if name not in names:
        with db.wrap_database_errors, driver.cursor() as preparing:
            preparing.execute(f"PREPARE {name} AS {text}")
        names.add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(values))})" if values else f"EXECUTE {name}", values)
