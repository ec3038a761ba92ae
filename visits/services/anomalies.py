"""Anomalies of trips, flagged for the office's review: trips of one cadre sharing a day, and
days on which a cadre's trips reach two villages."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.utils.translation import gettext

from shuanglian import prepared
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches

from ..models import LONGEST_TRIP_DAYS, AnomalyFlag, Visit


def trips_sharing_a_day_call() -> str:
    """On PostgreSQL, the call that a new trip's write makes (``audit.create_with_history``'s
    ``then``) to return the cadre's other trips sharing a day with it, as (other trip, first
    shared day) rows, in its own statement. The function (migration 0013) first waits for any
    trip of the cadre being written at the same time to commit, and then reads with a snapshot
    of its own: of two trips written at once, the second sees the first, as a look after the
    commit would."""
    qn = connection.ops.quote_name
    start, end = qn("start"), qn("end")
    return (f"visits_trips_sharing_a_day(new.id, new.cadre_id, new.{start}, new.{end}, "
            f"new.{start} - {LONGEST_TRIP_DAYS - 1})")


def flag_anomalies(*, visits: list[Visit], villages: dict[int, set[str]] | None = None, new: bool = False,
                   overlaps: list[tuple[int, int, date]] | None = None) -> int:
    """Flag, for review, trips of the same cadre that share a day, and days on which a cadre's
    trips reach households of two villages. Returns the number of new flags.

    A fixed number of queries per batch of visits, whatever the batch holds: a province's
    roster import flags its trips in one pass instead of a few queries per trip. ``villages``:
    the villages of some of the visits when the caller knows them (a trip just logged with its
    households); ``new``: the visits were stored just now, so no flag names them yet. A trip
    logged alone that shares no day with another thus costs one query, and none when its write
    has found the trips sharing a day with it already (``overlaps``: (visit, other trip, first
    shared day), see ``trips_sharing_a_day_call``).
    """
    ids = [v.pk for v in visits if v.pk]
    if not ids:
        return 0
    pairs = _overlapping_trips(visits) if overlaps is None else overlaps
    known_villages = villages or {}
    villages = {**_villages_of([pk for pk in ids + [other for _, other, _ in pairs] if pk not in known_villages]),
                **{pk: v for pk, v in known_villages.items() if pk in ids}}
    starts = {v.pk: v.start for v in visits}
    findings = {(AnomalyFlag.Kind.TWO_VILLAGES, pk, None, starts[pk]) for pk in ids if len(villages.get(pk, ())) > 1}
    for pk, other, day in pairs:
        first, second = min(pk, other), max(pk, other)
        findings.add((AnomalyFlag.Kind.OVERLAP, first, second, day))
        if villages.get(pk, set()) != villages.get(other, set()):
            findings.add((AnomalyFlag.Kind.TWO_VILLAGES, first, second, day))
    if not findings:
        return 0
    known = set()
    if not new:
        for batch in in_batches(sorted({f[1] for f in findings})):
            known.update(AnomalyFlag.objects.filter(visit_id__in=batch).values_list("kind", "visit_id", "other_id", "day"))
    new_flags = [AnomalyFlag(kind=kind, visit_id=first, other_id=second, day=day)
                 for kind, first, second, day in sorted(findings - known, key=str)]
    AnomalyFlag.objects.bulk_create(new_flags, batch_size=BATCH, ignore_conflicts=True)
    return len(new_flags)


def _overlapping_trips(visits: list[Visit]) -> list[tuple[int, int, date]]:
    """(visit, other trip of the same cadre sharing a day, first shared day) for the visits.

    The visits' own first days (and, when every one is known, their last days) bound the
    query by constants, so that PostgreSQL reads only the year partitions that can hold them
    (``visits.partitions``) instead of probing every year's for each id, and plans only those:
    the other trip too, since no trip is longer than ``LONGEST_TRIP_DAYS`` (a constraint of the
    table), begins at most that many days before the first of the visits."""
    qn = connection.ops.quote_name
    table = qn(Visit._meta.db_table)
    start, end = qn("start"), qn("end")
    by_id = {v.pk: v for v in visits if v.pk}
    found = []
    for batch in in_batches(sorted(by_id), 1000):
        starts = [by_id[pk].start for pk in batch]
        ends = [by_id[pk].end for pk in batch]
        sql = (f"SELECT v.id, o.id, CASE WHEN v.{start} > o.{start} THEN v.{start} ELSE o.{start} END "
               f"FROM {table} v JOIN {table} o ON o.cadre_id = v.cadre_id AND o.id <> v.id "
               f"AND o.{start} <= v.{end} AND o.{end} >= v.{start} "
               f"WHERE v.id IN ({', '.join(['%s'] * len(batch))}) AND v.{start} >= %s AND v.{start} <= %s "
               f"AND o.{start} >= %s")
        params = [*batch, min(starts), max(starts), min(starts) - timedelta(days=LONGEST_TRIP_DAYS - 1)]
        if all(ends):  # a trip ends on or after its first day: no other trip sharing a day begins later
            sql += f" AND o.{start} <= %s"
            params.append(max(ends))
        with connection.cursor() as cursor:
            prepared.execute(cursor, sql, params)  # after every trip logged: parsed and planned once per connection
            found.extend((pk, other, _as_date(day)) for pk, other, day in cursor.fetchall())
    return found


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))  # SQLite returns text


def _villages_of(ids: list[int]) -> dict[int, set[str]]:
    villages: dict[int, set[str]] = {}
    if not ids:
        return villages
    through = Visit.households.through
    for batch in in_batches(sorted(set(ids))):
        for pk, village in through.objects.filter(visit_id__in=batch).values_list("visit_id", "household__village_id"):
            villages.setdefault(pk, set()).add(village)
    return villages


def check_review(*, status: str) -> None:
    if status not in AnomalyFlag.Status.values or status == AnomalyFlag.Status.OPEN:
        raise DomainError({"status": gettext("请选择“已核实无误”或“确认有误”。")})


def review_flag(*, flag: AnomalyFlag, status: str, note: str, by) -> AnomalyFlag:
    check_review(status=status)
    flag.status, flag.note, flag.reviewed_by = status, note, by
    flag.save(update_fields=["status", "note", "reviewed_by"])
    return flag
