"""The month lock: a locked month of a unit refuses changes to its trips.

Visits own the rule — logging, correcting and importing a trip of a unit in a locked month is
refused, with a message naming the months — but not what locks a month: that is decided by an
app above this one (the reports app: an approved monthly report locks its unit's month, see
docs/domain.md). Such an app registers a *lock source* at start-up, in its ``AppConfig.ready``::

    register_lock_source(approved_months, sql=approved_months_sql())
    # fn(unit_ids) -> {(unit id, first day of month)}; sql: the same months as rows of SQL

so visits never import the app that locks, and the layers stay one-way. Every registered
source is asked and their answers are joined; with no source registered no month is locked.

A source may also give its months as a SELECT of ``unit_id`` and ``month`` columns, one row
per locked month (``sql``). When every source does, a logged trip asks whether its months are
locked in the statement that reads its other facts (``lock_sql``, ``selectors.trip_facts``),
not in one statement more; only a trip that touches a locked month asks the sources again, to
name the months in its message.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.utils.translation import gettext as _

from shuanglian.errors import DomainError

LockSource = Callable[[list[int]], set[tuple[int, date]]]

_sources: list[LockSource] = []
_sql_of: dict[LockSource, str] = {}  # a source → its months as SQL, for the sources that give it
# Every source's months as one SELECT, joined once when a source registers, not on every trip:
# "" with no source, None when a source gives no SQL.
_joined_sql: str | None = ""


def register_lock_source(source: LockSource, *, sql: str | None = None) -> None:
    """Add a source of locked months, and optionally the same months as SQL (a SELECT of
    ``unit_id``, ``month`` rows); registering the same one twice (a second ``ready``) is harmless."""
    global _joined_sql
    if source not in _sources:
        _sources.append(source)
    if sql:
        _sql_of[source] = sql
    if any(s not in _sql_of for s in _sources):
        _joined_sql = None
    else:
        _joined_sql = " UNION ALL ".join(f"SELECT unit_id, month FROM ({_sql_of[s]}) s{i}"
                                         for i, s in enumerate(_sources))


def lock_sql() -> str | None:
    """Every locked month as one SELECT of (``unit_id``, ``month``) rows; ``""`` when no source
    is registered (no month is locked), None when a source cannot be asked in SQL."""
    return _joined_sql


def locked_months(*, unit_ids: Iterable[int]) -> set[tuple[int, date]]:
    """(unit id, first day of the month) of every locked month of these units: the roster import
    checks a whole sheet against it at once."""
    ids = sorted(set(unit_ids))
    found: set[tuple[int, date]] = set()
    if ids:
        for source in _sources:
            found |= source(ids)
    return found


def months_of(start: date, end: date) -> list[date]:
    """The first days of the months a trip touches."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)  # day 28 + 4 is always next month
    return months


def check_month_open(*, unit, start: date, end: date) -> None:
    """Refuse a change to the unit's trips in [start, end] if any month it touches is locked.
    The message names the locked months."""
    if not _sources:
        return
    found = locked_months(unit_ids=[unit.pk])
    locked = [m for m in months_of(start, end) if (unit.pk, m) in found]
    if locked:
        raise DomainError(locked_message(unit.name, locked))


def locked_message(unit_name: str, months: list[date]) -> str:
    names = _("、").join(_("%(year)s年%(month)s月") % {"year": m.year, "month": m.month} for m in months)
    return _("%(unit)s%(months)s的月报已审核通过并锁定，该月的走访不能再登记或修改；如需更正，请联系双联办重新开放。") % {
        "unit": unit_name, "months": names}

