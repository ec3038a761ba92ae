"""Visit compliance (DOMAIN §6), computed in the database in one statement per subject.

The counting rules, in SQL:
- trips of one cadre (or one unit in one village) that share a day are one *stay*: a window
  running the latest end so far starts a new stay only where a trip begins after it, so
  touching trips (one ends the 3rd, the next starts the 4th) stay two;
- a stay is a visit in the period where its first day falls; its days, the union of its
  calendar days, are clipped to the period;
- the requirement is pro-rated by paired days, the days of the period on which at least one
  pairing was in force, merged the same way: ceil(min × paired days ÷ period days);
- the policy is the most specific one for the area (the cadre's unit's, or the village's),
  a policy of the year before one for every year.

Django's ORM cannot say "merge overlapping intervals", so this is documented raw SQL, run on
SQLite and PostgreSQL alike (the few functions that differ are filled in per vendor).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from households.models import Area

VENDOR_SQL = {
    "postgresql": {"days": "({e} - {s})", "max": "GREATEST({a}, {b})", "min": "LEAST({a}, {b})", "like": "{col} LIKE {prefix} || '%%'"},
    "sqlite": {"days": "CAST(julianday({e}) - julianday({s}) AS INTEGER)", "max": "MAX({a}, {b})", "min": "MIN({a}, {b})",
               "like": "{col} LIKE {prefix} || '%%'"},
}

SUBJECTS = {
    # subject: (pairing table, trip table, partition columns, policy area column of the pairing)
    "cadre": ("pairing_householdpairing", "visits_visit", ("cadre_id",), "u.area_id"),
    "unit": ("pairing_villagepairing", "visits_unitvisit", ("unit_id", "village_id"), "k.village_id"),
}


@dataclass(frozen=True)
class ComplianceRow:
    key: tuple  # (cadre_id,) or (unit_id, village_id)
    visits: int
    days: int
    paired_days: int
    required_visits: int
    required_days: int

    @property
    def met(self) -> bool:
        return self.visits >= self.required_visits and self.days >= self.required_days


def _sql(subject: str, with_area: bool, one: bool = False) -> str:
    pairing_table, trip_table, keys, policy_area = SUBJECTS[subject]
    f = VENDOR_SQL[connection.vendor if connection.vendor in VENDOR_SQL else "postgresql"]
    days = lambda s, e: f["days"].format(s=s, e=e)  # noqa: E731
    cols = ", ".join(keys)
    part = f"PARTITION BY {cols} ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    if with_area:
        area = (
            "AND p.household_id IN (SELECT h.id FROM households_household h WHERE " + f["like"].format(col="h.village_id", prefix="%(prefix)s") + ")"
            if subject == "cadre" else "AND " + f["like"].format(col="p.village_id", prefix="%(prefix)s")
        )
    else:
        area = ""
    if one:  # a single cadre (or unit): a phone's own progress, not the province
        area += f" AND p.{keys[0]} = %(one)s"
    unit_join = "JOIN pairing_cadre c ON c.id = k.cadre_id JOIN pairing_unit u ON u.id = c.unit_id" if subject == "cadre" else ""
    policy = (
        "(SELECT vp.{field} FROM visits_visitpolicy vp WHERE vp.subject = %(subject)s"
        " AND (vp.year = %(year)s OR vp.year IS NULL) AND " + f["like"].format(col=policy_area, prefix="vp.area_prefix") +
        " ORDER BY LENGTH(vp.area_prefix) DESC, CASE WHEN vp.year IS NULL THEN 1 ELSE 0 END, vp.id DESC LIMIT 1)"
    )
    return f"""
WITH keys AS (
    SELECT DISTINCT {', '.join('p.' + k for k in keys)} FROM {pairing_table} p
    WHERE p.start <= %(p1)s AND (p."end" IS NULL OR p."end" >= %(p0)s) {area}
),
spans AS (  -- pairings in force during the period, clipped to it
    SELECT {', '.join('p.' + k for k in keys)}, {f['max'].format(a='p.start', b='%(p0)s')} AS s,
           {f['min'].format(a='COALESCE(p."end", %(p1)s)', b='%(p1)s')} AS e
    FROM {pairing_table} p JOIN keys x ON {' AND '.join(f'x.{k} = p.{k}' for k in keys)}
    WHERE p.start <= %(p1)s AND (p."end" IS NULL OR p."end" >= %(p0)s)
),
span_marks AS (
    SELECT {cols}, s, e, CASE WHEN s <= MAX(e) OVER ({part}) THEN 0 ELSE 1 END AS fresh FROM spans
),
span_groups AS (
    SELECT {cols}, s, e, SUM(fresh) OVER (PARTITION BY {cols} ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS grp FROM span_marks
),
paired AS (
    SELECT {cols}, SUM({days('s0', 'e0')} + 1) AS paired_days
    FROM (SELECT {cols}, grp, MIN(s) AS s0, MAX(e) AS e0 FROM span_groups GROUP BY {cols}, grp) merged
    GROUP BY {cols}
),
trips AS (  -- every trip that can reach into the period; earlier ones cannot change it
    SELECT {', '.join('t.' + k for k in keys)}, t.start AS s, t."end" AS e
    FROM {trip_table} t JOIN keys x ON {' AND '.join(f'x.{k} = t.{k}' for k in keys)}
    WHERE t."end" >= %(p0)s AND t.start <= %(p1)s
),
trip_marks AS (
    SELECT {cols}, s, e, CASE WHEN s <= MAX(e) OVER ({part}) THEN 0 ELSE 1 END AS fresh FROM trips
),
trip_groups AS (
    SELECT {cols}, s, e, SUM(fresh) OVER (PARTITION BY {cols} ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS grp FROM trip_marks
),
stays AS (
    SELECT {cols}, MIN(s) AS s, MAX(e) AS e FROM trip_groups GROUP BY {cols}, grp
),
done AS (
    SELECT {cols},
           SUM(CASE WHEN s >= %(p0)s THEN 1 ELSE 0 END) AS visits,
           SUM({days(f['max'].format(a='s', b='%(p0)s'), f['min'].format(a='e', b='%(p1)s'))} + 1) AS days
    FROM stays GROUP BY {cols}
),
rules AS (
    SELECT {', '.join('k.' + k for k in keys)},
           {policy.format(field='min_visits')} AS min_visits,
           {policy.format(field='min_days')} AS min_days
    FROM keys k {unit_join}
)
SELECT {', '.join('r.' + k for k in keys)},
       COALESCE(d.visits, 0), COALESCE(d.days, 0), pd.paired_days,
       (COALESCE(r.min_visits, 0) * pd.paired_days + %(period_days)s - 1) / %(period_days)s,
       (COALESCE(r.min_days, 0) * pd.paired_days + %(period_days)s - 1) / %(period_days)s
FROM rules r
JOIN paired pd ON {' AND '.join(f'pd.{k} = r.{k}' for k in keys)}
LEFT JOIN done d ON {' AND '.join(f'd.{k} = r.{k}' for k in keys)}
"""


def visit_compliance(*, start: date, end: date, subject: str = "cadre", area: str | None = None,
                     period_days: int | None = None, one: int | None = None) -> dict[tuple, ComplianceRow]:
    """Compliance of every cadre (or unit–village pairing) that held a pairing in [start, end],
    optionally only those paired with households (villages) in an area's subtree.

    The requirement divides paired days by the period's days; ``period_days`` overrides that
    (pace: the days so far measured against the whole year)."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}")
    params = {
        "p0": start, "p1": end, "period_days": period_days or (end - start).days + 1, "year": start.year,
        "subject": subject, "prefix": Area.prefix_of(area) if area else "", "one": one,
    }
    keys = len(SUBJECTS[subject][2])
    with connection.cursor() as cursor:
        cursor.execute(_sql(subject, with_area=bool(area), one=one is not None), params)
        return {
            tuple(row[:keys]): ComplianceRow(tuple(row[:keys]), *(int(v) for v in row[keys:]))
            for row in cursor.fetchall()
        }


def year_compliance(*, year: int, subject: str = "cadre", area: str | None = None) -> dict[tuple, ComplianceRow]:
    return visit_compliance(start=date(year, 1, 1), end=date(year, 12, 31), subject=subject, area=area)


def pace(*, on: date, subject: str = "cadre", area: str | None = None, one: int | None = None) -> dict[tuple, ComplianceRow]:
    """Progress of the year up to a date: done so far against ceil(min × paired days so far ÷
    days of the year). A row that has not ``met`` is behind (滞后) at that date."""
    year_start = date(on.year, 1, 1)
    days_in_year = (date(on.year + 1, 1, 1) - year_start).days
    return visit_compliance(start=year_start, end=on, subject=subject, area=area, period_days=days_in_year, one=one)


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
    from shuanglian.roster.engine import in_batches

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


@dataclass(frozen=True)
class CadreProgress:
    """What a cadre sees on the phone: this year so far, against the whole year and the pace."""

    year: ComplianceRow | None
    now: ComplianceRow | None

    @property
    def behind(self) -> bool:
        return self.now is not None and not self.now.met


def cadre_progress(*, cadre_id: int, on: date) -> CadreProgress:
    year = visit_compliance(start=date(on.year, 1, 1), end=date(on.year, 12, 31), one=cadre_id).get((cadre_id,))
    return CadreProgress(year=year, now=pace(on=on, one=cadre_id).get((cadre_id,)))
