"""Visit compliance (docs/domain.md §6), computed in the database in one statement per subject.

The counting rules, in SQL:
- trips of one cadre (or one unit in one village) that share a day are one *stay*: a window
  running the latest end so far starts a new stay only where a trip begins after it, so
  touching trips (one ends the 3rd, the next starts the 4th) stay two; the days of the stays
  are summed in the same pass, each trip adding the days it reaches beyond that latest end
  (one GROUP BY per subject, so that PostgreSQL estimates the rows and joins by hash);
- a stay is a visit in the period where its first day falls; its days, the union of its
  calendar days, are clipped to the period;
- the requirement is pro-rated by paired days, the days of the period on which at least one
  pairing was in force, merged the same way: ceil(min × paired days ÷ period days);
- a cadre's leave (docs/domain.md §11) on days in force comes out of the requirement:
  ceil(min × (days in force − leave days) ÷ period days); leave days on days in force are
  |in force| + |leave| − |in force ∪ leave|, three unions of the same window pass, taken only
  over the keys that have leave in the period (few), so the rest of the plan is unchanged;
- the subjects: a cadre (paired with households), a unit in a village, a resident's posting
  (its stays, its posted days, the cadre's leave);
- the policy is the most specific one for the area (the cadre's unit's, or the village's),
  a policy of the year before one for every year.

Django's ORM cannot say "merge overlapping intervals", so this is documented raw SQL, run on
SQLite and PostgreSQL alike (the few functions that differ are filled in per vendor).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from households.models import Area, Household
from pairing.models import Posting
from shuanglian import prepared
from shuanglian.helpers import in_batches

from .locks import lock_sql
from .models import Visit, VisitPolicy
from .partitions import key_table

VENDOR_SQL = {
    "postgresql": {"days": "({e} - {s})", "max": "GREATEST({a}, {b})", "min": "LEAST({a}, {b})", "like": "{col} LIKE {prefix} || '%%'",
                   "date": "CAST({v} AS DATE)", "next_day": "({d} + 1)"},
    "sqlite": {"days": "CAST(julianday({e}) - julianday({s}) AS INTEGER)", "max": "MAX({a}, {b})", "min": "MIN({a}, {b})",
               "like": "{col} LIKE {prefix} || '%%'", "date": "{v}", "next_day": "date({d}, '+1 day')"},
}
ONE_DAY = timedelta(days=1)



def _vendor_sql() -> dict[str, str]:
    return VENDOR_SQL[connection.vendor if connection.vendor in VENDOR_SQL else "postgresql"]


# The policy in force for an area and a year (docs/domain.md §6), stated once for SQL and
# Python: of the subject's policies for that year or for every year whose area contains the
# area, the most specific area wins, then a policy of the year over one for every year, then the
# newest. The compliance statement ranks them per area; ``policy_for`` takes the first for one.
POLICY_ORDER = "LENGTH(vp.area_prefix) DESC, CASE WHEN vp.year IS NULL THEN 1 ELSE 0 END, vp.id DESC"


def policy_candidates_sql(area: str) -> str:
    """The join condition of ``visits_visitpolicy vp`` for the area in the SQL expression
    ``area``, with the parameters %(subject)s and %(year)s."""
    return ("vp.subject = %(subject)s AND (vp.year = %(year)s OR vp.year IS NULL) AND "
            + _vendor_sql()["like"].format(col=area, prefix="vp.area_prefix"))


def policy_for(*, subject: str, area_code: str, year: int) -> VisitPolicy | None:
    """The policy in force for a cadre's unit's area or a village (``area_code``) in a year."""
    sql = (f"SELECT vp.* FROM {VisitPolicy._meta.db_table} vp WHERE {policy_candidates_sql('%(area)s')} "
           f"ORDER BY {POLICY_ORDER} LIMIT 1")
    found = list(VisitPolicy.objects.raw(sql, {"subject": subject, "year": year, "area": area_code}))
    return found[0] if found else None


@dataclass(frozen=True)
class TripFacts:
    """What the rules of a cadre's new trip read from the database, in one statement: the
    policy in force, the cadre's pairing spans with each named household (by household id), and
    the id of the visit already stored under the trip's idempotency key."""

    policy: VisitPolicy | None
    spans: dict[int, list[tuple[date, date | None]]]
    keyed: int | None = None
    # Whether a month of the trip is locked (``visits.locks``): None when it was not asked, or
    # cannot be asked in SQL.
    locked: bool | None = None
    # The named households ever paired with the cadre, by id, when asked (``with_households``):
    # their id, number, village and head's name, the rest deferred.
    households: dict[int, Household] | None = None


def trip_facts(*, cadre_id: int, area_code: str, year: int, household_ids: list[int], key=None,
               unit_id: int | None = None, months: tuple[date, date] | None = None,
               with_households: bool = False) -> TripFacts:
    """The facts of :class:`TripFacts` for a trip of the cadre (whose unit is in ``area_code``)
    in ``year`` naming these households: one row per pairing span, the policy and the keyed
    visit repeated on each (one row of them alone when there is no span). With ``unit_id`` and
    ``months`` (the first days of the trip's first and last months), whether one of those
    months of the unit is locked; ``with_households``, the households themselves."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs a look-up per use
    ids = sorted(set(household_ids)) or [None]
    locks = lock_sql() if unit_id is not None and months is not None else None
    # On PostgreSQL the households are one array, so one text (and one prepared statement per
    # connection) serves any number of them; elsewhere an IN list of their number.
    as_array = db.vendor == "postgresql"
    sql, household_attnames = _facts_sql(db.vendor, 0 if as_array else len(ids), locks, with_households)
    params = {"subject": VisitPolicy.Subject.CADRE, "year": year, "area": area_code, "cadre": cadre_id,
              "key": _key_field().get_db_prep_value(key, db) if key is not None else None,
              **({"households": [pk for pk in ids if pk is not None]} if as_array
                 else {f"h{i}": pk for i, pk in enumerate(ids)})}
    if locks:
        params.update(unit=unit_id, first_month=months[0], last_month=months[1])
    with db.cursor() as cursor:
        prepared.execute(cursor, sql, params)  # every trip logged runs it: parsed and planned once per connection
        rows = cursor.fetchall()
    policy_attnames = _policy_attnames()
    n = len(policy_attnames)
    first = rows[0]
    policy = VisitPolicy.from_db(db.alias, policy_attnames, first[:n]) if first[0] is not None else None
    spans: dict[int, list[tuple[date, date | None]]] = {}
    households: dict[int, Household] = {}
    for row in rows:
        household_id, start, end = row[n + 2:n + 5]
        if household_id is not None:
            spans.setdefault(household_id, []).append((_as_date(start), _as_date(end) if end is not None else None))
            if with_households and household_id not in households:
                households[household_id] = Household.from_db(db.alias, household_attnames, row[n + 5:])
    return TripFacts(policy=policy, spans=spans, keyed=first[n], locked=None if first[n + 1] is None else bool(first[n + 1]),
                     households=households if with_households else None)


@functools.cache
def _policy_fields() -> list:
    return list(VisitPolicy._meta.concrete_fields)


@functools.cache
def _policy_attnames() -> list[str]:
    return [f.attname for f in _policy_fields()]


@functools.cache
def _key_field():
    return Visit._meta.get_field("idempotency_key")


@functools.lru_cache(maxsize=64)
def _facts_sql(vendor: str, households: int, locks: str | None, with_households: bool) -> tuple[str, list[str]]:
    """The text of ``trip_facts`` for so many households (0: all of them as one array,
    ``%(households)s``), the lock's SQL (None: not asked; "": no source, nothing locked) and
    whether the households are read, made once per shape; and the attnames of the households'
    fields it reads, in the model's order (as ``from_db`` takes the values of some of them)."""
    qn = connection.ops.quote_name
    if locks is None:
        locked = "NULL"
    elif not locks:
        locked = "0"  # no source of locks: no month is locked
    else:
        locked = (f"(SELECT COUNT(*) FROM ({locks}) lk WHERE lk.unit_id = %(unit)s "
                  f"AND lk.month >= %(first_month)s AND lk.month <= %(last_month)s)")
    household_fields = [f for f in Household._meta.concrete_fields
                        if with_households and f.attname in ("id", "number", "village_id", "head_name")]
    chosen = (f"IN ({', '.join(f'%(h{i})s' for i in range(households))})" if households
              else "= ANY(%(households)s)")
    sql = (
        f"SELECT {', '.join(f'pol.{qn(f.column)}' for f in _policy_fields())}, k.id, {locked}, "
        f"hp.household_id, hp.{qn('start')}, hp.{qn('end')}"
        f"{''.join(f', h.{qn(f.column)}' for f in household_fields)} "
        f"FROM (SELECT 1 AS one) o "
        f"LEFT JOIN (SELECT vp.* FROM {VisitPolicy._meta.db_table} vp WHERE {policy_candidates_sql('%(area)s')} "
        f"ORDER BY {POLICY_ORDER} LIMIT 1) pol ON 1 = 1 "
        f"LEFT JOIN {qn(key_table(Visit._meta.db_table))} k ON k.{qn(_key_field().column)} = %(key)s "
        f"LEFT JOIN pairing_householdpairing hp ON hp.cadre_id = %(cadre)s AND hp.household_id {chosen}"
        f"{f' LEFT JOIN {qn(Household._meta.db_table)} h ON h.id = hp.household_id' if with_households else ''}")
    return sql, [f.attname for f in household_fields]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))  # SQLite returns text


@dataclass(frozen=True)
class Subject:
    """How one subject is counted: its pairings (what puts it in force), its trips, the columns
    that key a row, and where its policy's area and its leave come from."""

    pairing_table: str
    trip_table: str
    keys: tuple[str, ...]
    pairing_keys: tuple[str, ...]  # the keys as columns of the pairing table, in the same order
    policy_area: str  # SQL of the area whose policy applies, over ``paired k`` and ``join``
    join: str = ""
    leave: bool = False  # a cadre's leave lowers the requirement (docs/domain.md §11)


SUBJECTS = {
    "cadre": Subject("pairing_householdpairing", "visits_visit", ("cadre_id",), ("p.cadre_id",), "u.area_id",
                     join="JOIN pairing_cadre c ON c.id = k.cadre_id JOIN pairing_unit u ON u.id = c.unit_id", leave=True),
    "unit": Subject("pairing_villagepairing", "visits_unitvisit", ("unit_id", "village_id"), ("p.unit_id", "p.village_id"),
                    "k.village_id"),
    # A resident is counted per posting, in the village of the posting, by its policy there.
    "resident": Subject("pairing_posting", "visits_stay", ("posting_id",), ("p.id",), "pp.village_id",
                        join="JOIN pairing_posting pp ON pp.id = k.posting_id", leave=True),
}


class ComplianceRow(NamedTuple):
    """One row of compliance, as the statement gives it: immutable, compared by its values.

    A tuple, so that a province's 330,000 rows are made in C from the statement's own rows
    (``_make``): as a frozen dataclass, making them took a third of a province's compliance
    (BENCHMARKS.md). The statement's values are integers on both databases, as they come."""

    key: tuple  # (cadre_id,), (unit_id, village_id) or (posting_id,)
    visits: int
    days: int
    paired_days: int  # days in force in the period: paired, or posted
    required_visits: int
    required_days: int
    leave_days: int = 0  # leave days that fell on days in force, taken out of the requirement

    @property
    def met(self) -> bool:
        return self.visits >= self.required_visits and self.days >= self.required_days


def _sql(subject: str, with_area: bool, one: bool = False, pace_too: bool = False, unit_too: bool = False) -> str:
    """The compliance statement; ``pace_too`` adds the requirements against the year's days,
    ``unit_too`` (cadres only) each cadre's unit, last."""
    sub = SUBJECTS[subject]
    keys = sub.keys
    f = _vendor_sql()
    days = lambda s, e: f["days"].format(s=s, e=e)  # noqa: E731
    greatest = lambda a, b: f["max"].format(a=a, b=b)  # noqa: E731
    least = lambda a, b: f["min"].format(a=a, b=b)  # noqa: E731
    cols = ", ".join(keys)
    on = lambda a, b: " AND ".join(f"{a}.{k} = {b}.{k}" for k in keys)  # noqa: E731
    window = lambda by, order="s, e": (  # noqa: E731
        f"MAX(e) OVER (PARTITION BY {by} ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)")
    reach = window(cols)
    # The union needs its intervals only in order of their first days, however ties fall (each
    # adds what lies beyond every end before it). Clipped to the period, a pairing's first day
    # keeps the order of its start, and in that order the pairings come from their index
    # (a cadre's: pairing_by_cadre), unsorted.
    reach_by_since = window(cols, "since")
    if with_area:  # the cadres paired with households of the area count with all their pairings
        area = (
            "AND p.cadre_id IN (SELECT q.cadre_id FROM pairing_householdpairing q WHERE q.start <= %(p1)s"
            " AND (q.\"end\" IS NULL OR q.\"end\" >= %(p0)s) AND q.household_id IN (SELECT h.id FROM households_household h"
            " WHERE " + f["like"].format(col="h.village_id", prefix="%(prefix)s") + "))"
            if subject == "cadre" else "AND " + f["like"].format(col="p.village_id", prefix="%(prefix)s")
        )
    else:
        area = ""
    # Trips only of the pairings counted: for one cadre by the key, for an area through the
    # pairings found; the whole province reads every trip of the period in index order.
    if one:
        area += f" AND {sub.pairing_keys[0]} = %(one)s"
        only = f"AND t.{keys[0]} = %(one)s"
    elif with_area:
        only = f"AND {'(' + ', '.join('t.' + k for k in keys) + ')' if len(keys) > 1 else 't.' + keys[0]} IN (SELECT {cols} FROM paired)"
    else:
        only = ""
    # Each interval, taken in order, adds the days it reaches beyond the latest end before it:
    # the sum is the union of the intervals' days, in one window pass and one GROUP BY.
    added = lambda lo, hi, reach="reach": (  # noqa: E731
        f"CASE WHEN {reach} IS NULL OR {reach} < {lo} THEN {days(lo, hi)} + 1 "
        f"WHEN {hi} > {reach} THEN {days(reach, hi)} ELSE 0 END")
    end = 'p."end"'
    spans = (f"SELECT {', '.join(f'{p} AS {k}' for p, k in zip(sub.pairing_keys, keys))}, "
             f"{greatest('p.start', '%(p0)s')} AS s, {least(f'COALESCE({end}, %(p1)s)', '%(p1)s')} AS e, p.start AS since "
             f"FROM {sub.pairing_table} p WHERE p.start <= %(p1)s AND ({end} IS NULL OR {end} >= %(p0)s) {area}")
    leave_ctes, leave_join, net, leave_days = "", "", "k.paired_days", "0"
    if sub.leave:
        # Leave days on days in force = |in force| + |leave| − |in force ∪ leave|: the unions within
        # each kind and across both, in one window pass over the keys that have leave only (few).
        lend = 'l."end"'
        if subject == "cadre":
            leaves = (f"SELECT l.cadre_id, {greatest('l.start', '%(p0)s')} AS s, {least(lend, '%(p1)s')} AS e "
                      f"FROM pairing_leave l WHERE l.start <= %(p1)s AND {lend} >= %(p0)s"
                      + (" AND l.cadre_id = %(one)s" if one else ""))
        else:  # a resident's leave, per posting of theirs in force
            leaves = (f"SELECT sp.{keys[0]}, {greatest('l.start', '%(p0)s')} AS s, {least(lend, '%(p1)s')} AS e "
                      f"FROM pairing_leave l JOIN (SELECT p.id AS {keys[0]}, p.cadre_id FROM {sub.pairing_table} p "
                      f"WHERE p.start <= %(p1)s AND ({end} IS NULL OR {end} >= %(p0)s) {area}) sp ON sp.cadre_id = l.cadre_id "
                      f"WHERE l.start <= %(p1)s AND {lend} >= %(p0)s")
        leave_ctes = f"""
leaves AS (  -- leave within the period, clipped to it
    {leaves}
),
onleave AS (  -- leave days falling on days in force
    SELECT {cols}, SUM({added('s', 'e', 'reach_kind')}) - SUM({added('s', 'e')}) AS leave_days
    FROM (SELECT {cols}, s, e, {reach} AS reach, {window(cols + ', kind')} AS reach_kind
          FROM (SELECT {cols}, s, e, 0 AS kind FROM ({spans}) own WHERE {keys[0]} IN (SELECT {keys[0]} FROM leaves)
                UNION ALL SELECT {cols}, s, e, 1 AS kind FROM leaves) both_kinds) ordered
    GROUP BY {cols}
),"""
        leave_join = f"LEFT JOIN onleave o ON {on('o', 'k')}"
        net, leave_days = "(k.paired_days - COALESCE(o.leave_days, 0))", "COALESCE(o.leave_days, 0)"
    # A cadre's unit is joined already for its policy's area: kept, it spares a second join.
    unit_column, unit_of_row = (", c.unit_id", ", k.unit_id") if unit_too else ("", "")
    # The same requirement against a second number of days (pace: the days of the whole year).
    pace_columns = (f""",
       (COALESCE(r.min_visits, 0) * {net} + %(pace_days)s - 1) / %(pace_days)s,
       (COALESCE(r.min_days, 0) * {net} + %(pace_days)s - 1) / %(pace_days)s""" if pace_too else "")
    return f"""
WITH spans AS (  -- pairings in force during the period, clipped to it
    {spans}
),
paired AS (  -- days of the period on which at least one pairing was in force
    SELECT {cols}, SUM({added('s', 'e')}) AS paired_days
    FROM (SELECT {cols}, s, e, {reach_by_since} AS reach FROM spans) ordered
    GROUP BY {cols}
),
trips AS (  -- every trip that can reach into the period; earlier ones cannot change it
    SELECT {', '.join('t.' + k for k in keys)}, t.start AS s, t."end" AS e
    FROM {sub.trip_table} t
    WHERE t."end" >= %(p0)s AND t.start <= %(p1)s {only}
),
done AS (  -- a trip that begins after every earlier one has ended starts a stay: a visit if in the period
    SELECT {cols},
           SUM(CASE WHEN (reach IS NULL OR s > reach) AND s >= %(p0)s THEN 1 ELSE 0 END) AS visits,
           SUM({added(greatest('s', '%(p0)s'), least('e', '%(p1)s'))}) AS days
    FROM (SELECT {cols}, s, e, {reach} AS reach FROM trips) ordered
    GROUP BY {cols}
),{leave_ctes}
keyed AS (  -- each row with the area whose policy applies: the cadre's unit's, or the village
    SELECT {', '.join('k.' + k for k in keys)}, k.paired_days, {sub.policy_area} AS area{unit_column} FROM paired k {sub.join}
),
rules AS (  -- the policy in force per area
    SELECT a.area, vp.min_visits, vp.min_days, ROW_NUMBER() OVER (PARTITION BY a.area ORDER BY {POLICY_ORDER}) AS pick
    FROM (SELECT DISTINCT area FROM keyed) a JOIN visits_visitpolicy vp ON {policy_candidates_sql("a.area")}
)
SELECT {', '.join('k.' + k for k in keys)},
       COALESCE(d.visits, 0), COALESCE(d.days, 0), k.paired_days,
       (COALESCE(r.min_visits, 0) * {net} + %(period_days)s - 1) / %(period_days)s,
       (COALESCE(r.min_days, 0) * {net} + %(period_days)s - 1) / %(period_days)s,
       {leave_days}{pace_columns}{unit_of_row}
FROM keyed k
LEFT JOIN rules r ON r.area = k.area AND r.pick = 1
LEFT JOIN done d ON {on('d', 'k')}
{leave_join}
"""


def visit_compliance(*, start: date, end: date, subject: str = "cadre", area: str | None = None,
                     period_days: int | None = None, one: int | None = None) -> dict[tuple, ComplianceRow]:
    """Compliance of every cadre (or unit–village pairing) that held a pairing in [start, end],
    optionally only those paired with households (villages) in an area's subtree.

    The requirement divides paired days by the period's days; ``period_days`` overrides that
    (pace: the days so far measured against the whole year)."""
    params = _params(start=start, end=end, subject=subject, area=area, period_days=period_days, one=one)
    keys = len(SUBJECTS[subject].keys)
    with connection.cursor() as cursor:
        cursor.execute(_sql(subject, with_area=bool(area), one=one is not None), params)
        make = ComplianceRow._make
        return {(key := row[:keys]): make((key,) + row[keys:]) for row in cursor.fetchall()}


def _params(*, start: date, end: date, subject: str, area: str | None, period_days: int | None = None,
            one: int | None = None) -> dict:
    if subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}")
    return {
        "p0": start, "p1": end, "period_days": period_days or (end - start).days + 1, "year": start.year,
        "subject": subject, "prefix": Area.prefix_of(area) if area else "", "one": one,
    }


def year_compliance(*, year: int, subject: str = "cadre", area: str | None = None) -> dict[tuple, ComplianceRow]:
    return visit_compliance(start=date(year, 1, 1), end=date(year, 12, 31), subject=subject, area=area)


def pace(*, on: date, subject: str = "cadre", area: str | None = None, one: int | None = None) -> dict[tuple, ComplianceRow]:
    """Progress of the year up to a date: done so far against ceil(min × paired days so far ÷
    days of the year). A row that has not ``met`` is behind (滞后) at that date."""
    year_start = date(on.year, 1, 1)
    return visit_compliance(start=year_start, end=on, subject=subject, area=area, period_days=_days_in_year(on.year),
                            one=one)


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def year_so_far(*, on: date, subject: str = "cadre", area: str | None = None,
                ) -> tuple[dict[tuple, ComplianceRow], dict[tuple, ComplianceRow]]:
    """``visit_compliance(start=1 January, end=on)`` and ``pace(on=on)`` from one statement.

    The two are the same period, so the same rows, visits, days, paired days and leave days;
    they differ only in the days the requirement is divided by (the days so far, the days of the
    year), and the statement computes both requirements side by side."""
    year_start = date(on.year, 1, 1)
    params = {**_params(start=year_start, end=on, subject=subject, area=area), "pace_days": _days_in_year(on.year)}
    keys = len(SUBJECTS[subject].keys)
    done, so_far = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(_sql(subject, with_area=bool(area), pace_too=True), params)
        for row in cursor.fetchall():
            key = row[:keys]
            visits, days, paired_days, required_visits, required_days, leave_days, pace_visits, pace_days = row[keys:]
            done[key] = ComplianceRow(key, visits, days, paired_days, required_visits, required_days, leave_days)
            so_far[key] = ComplianceRow(key, visits, days, paired_days, pace_visits, pace_days, leave_days)
    return done, so_far


@dataclass(frozen=True)
class CadreTally:
    """Cadres' rows of ``year_so_far`` summed: how many, how many on pace (``pace``'s ``met``),
    their visits and days of the year so far, and how many visited at all."""

    cadres: int = 0
    on_track: int = 0
    visits: int = 0
    days: int = 0
    visited: int = 0


def year_so_far_tallies(*, on: date, area: str | None = None, children_of: str | None = None,
                        child_length: int = 0) -> tuple[dict[int, CadreTally], dict[str, CadreTally]]:
    """The cadres' ``year_so_far(on=on, area=area)`` summed in the database instead of returned
    row by row: per unit (each cadre's own unit), and per child area of ``children_of`` (by the
    first ``child_length`` digits of the village code) for each cadre the engine selects for that
    child, paired with a household of it by a pairing in force on a day of the year so far (a
    cadre may count in several children). The child tallies hold only cadres and on_track.

    A province's 330,000 cadres come back as a few thousand rows, so nothing is summed in Python."""
    f = _vendor_sql()
    year_start = date(on.year, 1, 1)
    params = {**_params(start=year_start, end=on, subject="cadre", area=area), "pace_days": _days_in_year(on.year),
              "children_of": Area.prefix_of(children_of) if children_of else "", "child_length": child_length}
    met = "CASE WHEN e.visits >= e.pace_visits AND e.days >= e.pace_days THEN 1 ELSE 0 END"
    children = ""
    if children_of:
        children = f"""
UNION ALL
SELECT 1, NULL, k.part, COUNT(*), SUM({met}), 0, 0, 0
FROM e JOIN (SELECT DISTINCT q.cadre_id, SUBSTR(h.village_id, 1, %(child_length)s) AS part
             FROM pairing_householdpairing q JOIN households_household h ON h.id = q.household_id
             WHERE q.start <= %(p1)s AND (q."end" IS NULL OR q."end" >= %(p0)s)
               AND {f["like"].format(col="h.village_id", prefix="%(children_of)s")}) k ON k.cadre_id = e.cadre_id
GROUP BY k.part"""
    sql = f"""
WITH e (cadre_id, visits, days, paired_days, required_visits, required_days, leave_days, pace_visits, pace_days,
       unit_id) AS (
{_sql("cadre", with_area=bool(area), pace_too=True, unit_too=True)}
)
SELECT 0, e.unit_id, NULL, COUNT(*), SUM({met}), SUM(e.visits), SUM(e.days),
       SUM(CASE WHEN e.visits > 0 THEN 1 ELSE 0 END)
FROM e
GROUP BY e.unit_id{children}
"""
    units: dict[int, CadreTally] = {}
    parts: dict[str, CadreTally] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, unit_id, part, *counts in cursor.fetchall():
            tally = CadreTally(*(int(v or 0) for v in counts))
            if kind == 0:
                units[unit_id] = tally
            else:
                parts[part] = tally
    return units, parts


# --- visits and days month by month ----------------------------------------------------------------------

def monthly_visits(*, year: int, through: date, area: str | None = None) -> dict[int, tuple[int, int]]:
    """Cadres' visits and days per month of a year, from January to the month of ``through``
    (all twelve when ``through`` is after the year), in one statement: for each month exactly
    the sums over the rows of ``visit_compliance(start=month start, end=min(month end, through),
    area=area)``, without running it once per month.

    - the cadres of a month: those with a pairing in force on a day of the month (with an area:
      a pairing with a household of the area; such a cadre counts with all their trips);
    - their trips of the year are merged into stays in one window pass, by the engine's rule (a
      trip that begins after the latest end before it starts a stay; touching trips are two
      stays), and each trip adds the days it reaches beyond that latest end, as in the engine;
    - a stay is a visit of the month of its first day; a trip's added days are clipped to each
      month they reach, so that a month's days are the union of the stays' days in it;
    - trips alike in what they add (the day their stay began, the days they add, the months
      their cadre was paired in) are counted together before they are split into months: the
      province's two million trips become a few thousand rows, and no trip is sorted or joined
      to the months one by one.

    Returns {month: (visits, days)} for every month counted, zeros included."""
    f = _vendor_sql()
    days = lambda s, e: f["days"].format(s=s, e=e)  # noqa: E731
    greatest = lambda a, b: f["max"].format(a=a, b=b)  # noqa: E731
    least = lambda a, b: f["min"].format(a=a, b=b)  # noqa: E731
    last = through.month if through.year == year else 12
    params: dict = {"prefix": Area.prefix_of(area) if area else ""}
    months = []
    for month in range(1, last + 1):
        params[f"s{month}"] = date(year, month, 1)
        params[f"e{month}"] = min(date(year + month // 12, month % 12 + 1, 1) - ONE_DAY, through)
        months.append(f"({month}, {f['date'].format(v=f'%(s{month})s')}, {f['date'].format(v=f'%(e{month})s')})")
    params["p0"], params["p1"] = params["s1"], params[f"e{last}"]
    end = 'p."end"'

    def held() -> str:  # pairings (with a household of the area) in force on a day of the months
        where = f"p.start <= %(p1)s AND ({end} IS NULL OR {end} >= %(p0)s)"
        if area:
            return (f"pairing_householdpairing p JOIN households_household h ON h.id = p.household_id "
                    f"WHERE {where} AND " + f["like"].format(col="h.village_id", prefix="%(prefix)s"))
        return f"pairing_householdpairing p WHERE {where}"

    # A cadre's months with a pairing in force, as the bits of one number (bit m: month m): a
    # pairing in force during the months overlaps month m when it starts by the month's last day
    # and has not ended before its first.
    date_of = lambda name: f["date"].format(v=f"%({name})s")  # noqa: E731
    mask = " + ".join(f"MAX(CASE WHEN p.start <= {date_of(f'e{m}')} AND COALESCE({end}, %(p1)s) >= {date_of(f's{m}')} "
                      f"THEN {1 << m} ELSE 0 END)" for m in range(1, last + 1))
    after_reach = f"COALESCE({f['next_day'].format(d='reach')}, s)"
    sql = f"""
WITH months (m, ms, me) AS (  -- each month of the year so far, the last one cut at ``through``
    VALUES {', '.join(months)}
),
counted AS (  -- each cadre with a pairing (with a household of the area) in force in the months, and in which
    SELECT p.cadre_id, {mask} AS paired
    FROM {held()}
    GROUP BY p.cadre_id
),
added AS (  -- per trip: the day its stay began (if it began one in the months), and the days it adds
    SELECT paired, CASE WHEN (reach IS NULL OR s > reach) AND s >= %(p0)s THEN s END AS began,
           {greatest(greatest('s', '%(p0)s'), after_reach)} AS d0, {least('e', '%(p1)s')} AS d1
    FROM (SELECT t.cadre_id, t.start AS s, t."end" AS e, c.paired,
                 MAX(t."end") OVER (PARTITION BY t.cadre_id ORDER BY t.start, t."end"
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM visits_visit t JOIN counted c ON c.cadre_id = t.cadre_id
          WHERE t."end" >= %(p0)s AND t.start <= %(p1)s) w
),
alike AS (  -- trips alike in what they add, counted: a few thousand rows instead of every trip
    SELECT paired, began, d0, d1, COUNT(*) AS n FROM added WHERE began IS NOT NULL OR d1 >= d0
    GROUP BY paired, began, d0, d1
)
SELECT mo.m,
       SUM(CASE WHEN g.began >= mo.ms AND g.began <= mo.me THEN g.n ELSE 0 END),
       SUM(CASE WHEN {least('g.d1', 'mo.me')} >= {greatest('g.d0', 'mo.ms')}
                THEN g.n * ({days(greatest('g.d0', 'mo.ms'), least('g.d1', 'mo.me'))} + 1) ELSE 0 END)
FROM alike g JOIN months mo ON ((g.paired >> mo.m) & 1) = 1  -- the months the cadre was paired in
GROUP BY mo.m
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {int(m): (int(v or 0), int(d or 0)) for m, v, d in cursor.fetchall()}
    return {month: found.get(month, (0, 0)) for month in range(1, last + 1)}


@dataclass(frozen=True)
class DueRow:
    cadre: object
    progress: ComplianceRow
    year: ComplianceRow

    @property
    def visits_behind(self) -> int:
        return max(0, self.progress.required_visits - self.progress.visits)

    @property
    def days_behind(self) -> int:
        return max(0, self.progress.required_days - self.progress.days)


def due_list(*, cadres, on: date, area: str | None = None) -> list[DueRow]:
    """The cadres (of a scoped queryset) behind pace at a date, furthest behind first."""
    progress = pace(on=on, area=area)
    year = year_compliance(year=on.year, area=area)
    behind = {key[0]: row for key, row in progress.items() if not row.met}
    rows = [
        DueRow(c, behind[c.pk], year[(c.pk,)])
        for batch in in_batches(behind)
        for c in cadres.filter(pk__in=batch).select_related("unit")
    ]
    rows.sort(key=lambda r: (-r.visits_behind, -r.days_behind, r.cadre.id_number))
    return rows


def office_due_list(*, cadres, own_area: str | None, area: str = "", on: date | None = None,
                    ) -> tuple[list[DueRow], dict]:
    """An office's due list: of ``cadres`` (those it sees, perhaps of one unit), those behind pace
    at a date (today by default, never later), computed for ``area`` (one the office sees; its own
    area, ``own_area``, by default). Also the filters as applied, for the page."""
    if not area and own_area:
        area = own_area  # compute for the office's own area only
    today = timezone.localdate()
    on = min(on or today, today)
    return due_list(cadres=cadres, on=on, area=area or None), {"area": area, "on": on}


@dataclass(frozen=True)
class CadreProgress:
    """What a cadre sees on the phone: this year so far, against the whole year and the pace."""

    year: ComplianceRow | None
    now: ComplianceRow | None

    @property
    def behind(self) -> bool:
        return self.now is not None and not self.now.met

    @property
    def leave_days(self) -> int:
        """Leave days of the year on paired days, already taken out of the year's requirement."""
        return self.year.leave_days if self.year else 0


def cadre_progress(*, cadre_id: int, on: date) -> CadreProgress:
    year = visit_compliance(start=date(on.year, 1, 1), end=date(on.year, 12, 31), one=cadre_id).get((cadre_id,))
    return CadreProgress(year=year, now=pace(on=on, one=cadre_id).get((cadre_id,)))


def saved_visit_keys(*, cadre_id: int, limit: int = 20) -> list[str]:
    """The submission keys of a cadre's latest stored visits. The phone keeps a draft under the
    key it last sent and drops it once the server lists that key here (static/js/visit_form.js);
    a phone keeps one draft, so its last submission is always among the latest."""
    keys = (Visit.objects.filter(cadre_id=cadre_id, idempotency_key__isnull=False)
            .order_by("-created_at", "-pk").values_list("idempotency_key", flat=True)[:limit])
    return [str(key) for key in keys]


# --- residents behind pace (驻村, docs/domain.md §11) ----------------------------------------------------

@dataclass(frozen=True)
class ResidentDueRow:
    posting: object  # pairing.Posting, with its cadre and village
    progress: ComplianceRow

    @property
    def days_behind(self) -> int:
        return max(0, self.progress.required_days - self.progress.days)


def resident_due_list(*, postings, on: date, area: str | None = None) -> list[ResidentDueRow]:
    """The postings (of a scoped queryset) of residents behind pace at a date: days in the
    village so far against the year's requirement so far, less leave. One compliance statement
    for the area, then the postings behind in batches; furthest behind first."""
    behind = {key[0]: row for key, row in pace(on=on, subject="resident", area=area).items() if not row.met}
    rows = [
        ResidentDueRow(p, behind[p.pk])
        for batch in in_batches(behind)
        for p in postings.filter(pk__in=batch).select_related("cadre", "village")
    ]
    rows.sort(key=lambda r: (-r.days_behind, r.posting.cadre.id_number, r.posting.pk))
    return rows


def resident_progress(*, cadre, on: date) -> list[tuple[object, ComplianceRow]]:
    """A resident's postings of the year so far with their pace (docs/domain.md §11): days in the
    village against the requirement net of leave, and the leave days taken off."""
    rows = []
    for posting in Posting.objects.filter(cadre=cadre).select_related("village").order_by("-start"):
        rows += [(posting, row) for row in pace(on=on, subject="resident", one=posting.pk).values()]
    return rows
