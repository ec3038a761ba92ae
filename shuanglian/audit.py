"""The audit trail: how its tables are indexed, and its rule for bulk writes.

Every audited model declares ``history = AuditTrail()``: django-simple-history's records,
indexed only by what reads them (see ``AuditTrail``).

Saves through the ORM are recorded by django-simple-history's signals, with the user of the
request (HistoryRequestMiddleware). A roster import writes with bulk_create / bulk_update,
which send no signals; its handlers call ``bulk_create`` and ``bulk_update`` here so that
every row still gets its historical record, in batches, with the same user.
"""
from __future__ import annotations

import functools
from typing import Iterable

from simple_history.models import HistoricalRecords

from shuanglian import prepared
from shuanglian.helpers import BATCH

ROSTER_IMPORT = "花名册导入"


class AuditTrail(HistoricalRecords):
    """simple-history's historical records, indexed only as the trail is read: by the object's
    key (its history page in the admin), by date and by user (whose records a deleted account
    leaves behind), besides the record's own key.

    simple-history copies every index of the live table onto its trail: a cadre's, a household's
    and an idempotency key's, a member's ID number twice on PostgreSQL. Nothing looks a record up
    by them, and on an append-only table each is only cost: every save, every trip logged and
    every row imported writes one more index entry, on a page that lies anywhere in an index as
    large as the trail (a random key's), which after each checkpoint costs a full page in the
    write-ahead log (BENCHMARKS.md, "the audit trail indexed as it is read")."""

    def create_history_model(self, model, inherited):
        self.no_db_index = [f.name for f in model._meta.fields if not f.primary_key]
        return super().create_history_model(model, inherited)


def record(model, objs: Iterable, *, update: bool, reason: str = ROSTER_IMPORT) -> None:
    objs = [o for o in objs if o.pk is not None]
    manager = getattr(model, "history", None)
    if objs and manager is not None:
        manager.bulk_history_create(objs, batch_size=BATCH, update=update, default_change_reason=reason)


def bulk_create(model, objs: list, *, batch_size: int = BATCH, reason: str = ROSTER_IMPORT, **kwargs) -> list:
    created = model.objects.bulk_create(objs, batch_size=batch_size, **kwargs)
    record(model, created, update=False, reason=reason)
    return created


def bulk_update(model, objs: list, fields: list[str], *, batch_size: int = BATCH, reason: str = ROSTER_IMPORT) -> None:
    model.objects.bulk_update(objs, fields, batch_size=batch_size)
    record(model, objs, update=True, reason=reason)


# --- PostgreSQL COPY ---------------------------------------------------------------------------
# The roster's largest sheets (members, incomes: a province loads hundreds of thousands of rows)
# are inserted with COPY on PostgreSQL, several times faster than INSERT … VALUES; the rows and
# their historical records are the ones ``bulk_create`` writes. SQLite keeps ``bulk_create``.

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)


def _copy_converters() -> dict:
    import datetime as dt
    from decimal import Decimal

    return {str: lambda v: v.translate(_COPY_ESCAPES), int: str, Decimal: str, bool: lambda v: "t" if v else "f",
            dt.date: dt.date.isoformat, dt.datetime: dt.datetime.isoformat, dt.time: dt.time.isoformat,
            float: repr, dict: _copy_json, list: _copy_json, type(None): lambda v: "\\N"}


_COPY_TEXT: dict = {}


def _copy_text(value) -> str:
    """A value in COPY's text format; a subclass (a TextChoices member) takes its base's form."""
    if not _COPY_TEXT:
        _COPY_TEXT.update(_copy_converters())
    kind = type(value)
    convert = _COPY_TEXT.get(kind)
    if convert is None:
        bases = [b for b in _COPY_TEXT if b is not type(None) and isinstance(value, b)]
        if not bases:
            raise TypeError(f"no COPY text for {kind.__name__}")
        base = max(bases, key=lambda b: len(b.__mro__))  # bool rather than int, datetime rather than date
        convert = _COPY_TEXT[kind] = _COPY_TEXT[base]
    return convert(value)


def _copy(cursor, table: str, columns: list[str], lines: Iterable[str]) -> None:
    from django.db import DatabaseError, connection

    quote = connection.ops.quote_name
    reader = _Lines(lines)
    try:
        with connection.wrap_database_errors:  # a violated constraint raises IntegrityError, as an INSERT does
            cursor.copy_expert(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                               reader, COPY_READ)
    except DatabaseError:
        # psycopg2 answers a failure while a line was being made by cancelling the COPY; the
        # caller gets the failure itself (a value without a COPY text, a task's time limit).
        if reader.failure is not None:
            raise reader.failure from None
        raise


# Characters COPY asks for at a time: each read makes the next lines while PostgreSQL stores the ones before.
COPY_READ = 64 * 1024


class _Lines:
    """A file whose ``read`` makes the next lines of a COPY when it is asked for them, so that
    PostgreSQL stores the first rows on its own core while this one still builds the rest, and
    the lines are never joined into one text. What goes wrong while a line is made is kept in
    ``failure``: psycopg2 reports it only as a cancelled COPY."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self.failure: BaseException | None = None

    def read(self, size: int = -1) -> str:
        parts, length = [], 0
        try:
            for line in self._lines:
                parts.append(line)
                length += len(line) + 1
                if 0 <= size <= length:
                    break
        except BaseException as exc:
            self.failure = exc
            raise
        return "\n".join(parts) + "\n" if parts else ""


def _getters(fields: list) -> list:
    """For each field, what an INSERT would store for it of a new object: ``pre_save`` for
    fields that fill themselves (auto_now), the key of a related object saved after it was
    assigned, else the attribute."""
    from operator import attrgetter

    def filled(field):
        return lambda obj: field.pre_save(obj, True)

    def related(field):
        def value(obj):
            key = getattr(obj, field.attname)
            if key is None and field.is_cached(obj):
                other = getattr(obj, field.name)
                key = other.pk if other is not None else None
            return key
        return value

    return [filled(f) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else related(f) if f.is_relation else attrgetter(f.attname) for f in fields]


def _converters(fields: list) -> list:
    """For each field, its values' COPY text: chosen once by the field's type for the common
    ones, by each value's type otherwise."""
    from django.db import models

    def text(value):  # also a key that is text (an area's code)
        if value is None:
            return "\\N"
        return (value if value.__class__ is str else str(value)).translate(_COPY_ESCAPES)

    def number(value):
        return "\\N" if value is None else str(value)

    kinds = ((models.CharField, text), (models.TextField, text), (models.BooleanField, _copy_text),
             (models.IntegerField, number), (models.DecimalField, number), (models.ForeignKey, text))
    return [next((convert for kind, convert in kinds if isinstance(f, kind)), _copy_text) for f in fields]


def copy_create(model, objs: list, *, reason: str = ROSTER_IMPORT) -> list:
    """Insert new objects with COPY on PostgreSQL (``bulk_create`` elsewhere), keys reserved from
    the table's sequence first so that each object gets its pk, then their historical records
    (created, with the user and reason ``bulk_create`` gives them) with COPY too."""
    from django.db import connection

    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return bulk_create(model, objs, reason=reason)
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [connection.ops.quote_name(meta.db_table), pk.column, len(objs)])
        keys = [row[0] for row in cursor.fetchall()]
        columns = list(zip(_getters(fields), _converters(fields)))
        texts: list[list[str]] = []  # each object's values, again for its historical record

        def lines():
            for obj, key in zip(objs, keys):
                setattr(obj, pk.attname, key)
                text = [convert(get(obj)) for get, convert in columns]
                texts.append(text)
                yield "\t".join(text)

        _copy(cursor, meta.db_table, [f.column for f in fields], lines())
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias
        manager = getattr(model, "history", None)
        if manager is not None:
            _copy_history(cursor, manager.model, objs[0], fields, texts, reason)
    return objs


def _copy_history(cursor, historical, sample, fields: list, texts: list[list[str]], reason: str) -> None:
    from django.conf import settings

    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    position = {f.attname: i for i, f in enumerate(fields)}
    copied, extra = _history_columns(historical, sample, position, reason)
    pick = [position[f.attname] for f in copied]
    tail = "".join("\t" + _copy_text(v) for v in extra.values())
    columns = [f.column for f in copied] + list(extra)
    _copy(cursor, historical._meta.db_table, columns, ("\t".join([t[i] for i in pick]) + tail for t in texts))


def _history_columns(historical, sample, own_fields, reason: str) -> tuple[list, dict]:
    """A new object's historical record, as simple-history's save signal writes it: (the
    record's fields that copy one of the object's, by attname in ``own_fields``; the other
    columns with their values: when, by whom — the user named on ``sample``, else the
    request's —, why, created, and the defaults of any other extra field)."""
    copied, others = _history_layout(historical, frozenset(own_fields))
    return copied, dict(zip([f.column for f in others], _history_values(historical, others, sample, reason)))


_OWN_HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user_id")


@functools.cache
def _history_layout(historical, own_fields: frozenset) -> tuple[list, list]:
    """The fields of ``historical``'s records that copy one of the object's (by attname in
    ``own_fields``), and the others but its own key, in the model's order: the same for every
    record of a model, so found once."""
    from django.db.models import AutoField, BigAutoField, SmallAutoField

    copied, others = [], []
    for f in historical._meta.concrete_fields:
        if f.attname in _OWN_HISTORY_FIELDS:
            others.append(f)
        elif f.attname in own_fields:
            copied.append(f)
        elif not isinstance(f, (AutoField, BigAutoField, SmallAutoField)):
            others.append(f)
    return copied, others


def _history_values(historical, others: list, sample, reason: str) -> list:
    """The values of the ``others`` fields of a new object's record (``_history_layout``)."""
    from django.utils import timezone

    # A user named on the object (simple-history's ``_history_user``) comes before the request's.
    user = getattr(sample, "_history_user", None) or historical.get_default_history_user(sample)
    own = {"history_date": timezone.now(), "history_change_reason": reason, "history_type": "+",
           "history_user_id": user.pk if user is not None else None}
    return [own[f.attname] if f.attname in own else f.get_default() for f in others]


# --- One new object in one statement -------------------------------------------------------------
# A trip logged from the phone is one row, its historical record and a link or two to its
# households. Three INSERTs inside BEGIN … COMMIT are five round trips; on PostgreSQL one
# statement of data-modifying CTEs writes them all, and needs no transaction of its own: a
# statement is atomic, and in autocommit its commit comes back with it.

@functools.cache
def _historical_model(model):
    """The model of ``model``'s historical records (None without any), looked up once:
    simple-history makes a new manager class on every lookup of ``model.history``, which costs
    more than the one insert it serves."""
    manager = getattr(model, "history", None)
    return manager.model if manager is not None else None


def create_with_history(obj, *, related: dict[str, list] | None = None, reason: str = "",
                        then: str | None = None) -> list[tuple] | None:
    """Insert one new object, its historical record (as ``bulk_create`` here records it: the
    request's user, ``reason``) and its many-to-many links (``related``: field name → keys of
    the objects it links to), setting the object's pk. One statement on PostgreSQL; elsewhere
    one INSERT each. The caller holds a transaction when it needs one around it (outside one,
    PostgreSQL's single statement is already atomic).

    ``then``: on PostgreSQL, a call of a set-returning function on the stored row (its columns
    as ``new."column"``), made by the same statement once the row is stored; its rows are
    returned. None when it was not made (no ``then``, or not PostgreSQL)."""
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    model, related = type(obj), {name: list(keys) for name, keys in (related or {}).items() if keys}
    if connection.vendor != "postgresql":
        bulk_create(model, [obj], reason=reason)
        for name, keys in related.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            through.objects.bulk_create([through(**{field.m2m_column_name(): obj.pk, field.m2m_reverse_name(): key})
                                         for key in keys])
        return None
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs a look-up per use
    history = _historical_model(model) is not None and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    sql, fields, getters, others = _one_statement(model, tuple(related), history, then)
    params = [f.get_db_prep_save(get(obj), db) for f, get in zip(fields, getters)]
    if history:
        params.extend(_history_values(_historical_model(model), others, obj, reason))
    params.extend(related.values())
    with db.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        rows = cursor.fetchall()
    obj.pk = rows[0][0]
    obj._state.adding, obj._state.db = False, db.alias
    return None if then is None else [row[1:] for row in rows if any(value is not None for value in row[1:])]


@functools.cache
def _one_statement(model, related: tuple[str, ...], history: bool, then: str | None) -> tuple[str, list, list, list]:
    """The statement of ``create_with_history`` for a model, the many-to-many fields it links,
    whether it keeps a record and what it calls then, made once: (its text; the object's fields
    and how each is read, in the order of their values; the record's fields given as values,
    after them; the keys of each linked field come last, one array each)."""
    from django.db import connection

    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    parts = [f"new AS (INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
             f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING *)"]
    others = []
    if history:
        # The record copies the row as stored (RETURNING *), its own key included.
        historical = _historical_model(model)
        by_attname = {f.attname: f for f in meta.concrete_fields}
        copied, others = _history_layout(historical, frozenset(by_attname))
        columns = [f.column for f in copied] + [f.column for f in others]
        values = [f"new.{quote(by_attname[f.attname].column)}" for f in copied] + ["%s"] * len(others)
        parts.append(f"history AS (INSERT INTO {quote(historical._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                     f"SELECT {', '.join(values)} FROM new)")
    for i, name in enumerate(related):
        field = meta.get_field(name)
        key_type = field.remote_field.model._meta.pk.rel_db_type(connection)
        parts.append(f"link{i} AS (INSERT INTO {quote(field.remote_field.through._meta.db_table)} "
                     f"({quote(field.m2m_column_name())}, {quote(field.m2m_reverse_name())}) "
                     f"SELECT new.{quote(meta.pk.column)}, unnest(%s::{key_type}[]) FROM new)")
    # The call reads ``new``, so it runs once the row is stored: a row of its own pk alone
    # when it returns none.
    tail = f", t.* FROM new LEFT JOIN LATERAL {then} t ON TRUE" if then else " FROM new"
    sql = f"WITH {', '.join(parts)} SELECT new.{quote(meta.pk.column)}{tail}"
    return sql, fields, _getters(fields), others
