"""Province compliance for a year: the app's selector against one hand-written SQL query.

The hand-written query is an independent statement of the same rules (docs/domain.md §6), written the
way one would by hand for speed rather than reuse: days are integers from the start, and the
union of intervals is summed in a single window pass — each trip (or pairing), taken in order,
adds the days it reaches beyond the latest end before it — instead of grouping trips into
stays first. A stay starts at a trip that begins after every earlier trip has ended; it is a
visit of the year when that day falls in the year. The policy is resolved once per unit
rather than per cadre. Leave is summed per leave spell (the spells of one cadre do not overlap:
the services refuse that), each spell adding the union of the pairings' days within it.
Residents (``subject="resident"``): one row per posting, a single interval, so its posted days
and its leave are plain overlaps; its stays merge like trips. Both must give identical rows;
``compare`` asserts it.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date

from django.db import connection

from visits.selectors import ComplianceRow, year_compliance

# Days since 1970-01-01 as an integer, per vendor.
DAY = {
    "postgresql": "({col} - DATE '1970-01-01')",
    "sqlite": "CAST(julianday({col}) - 2440587.5 AS INTEGER)",
}
GREATEST = {"postgresql": "GREATEST", "sqlite": "MAX"}
LEAST = {"postgresql": "LEAST", "sqlite": "MIN"}


def hand_written_sql() -> str:
    vendor = connection.vendor
    day = lambda col: DAY[vendor].format(col=col)  # noqa: E731
    greatest, least = GREATEST[vendor], LEAST[vendor]
    return f"""
WITH pairs AS (
    SELECT cadre_id, {greatest}({day('start')}, %(p0)s) AS s, {least}(COALESCE({day('"end"')}, %(p1)s), %(p1)s) AS e
    FROM pairing_householdpairing
    WHERE start <= %(d1)s AND ("end" IS NULL OR "end" >= %(d0)s)
),
paired AS (
    SELECT cadre_id, SUM({greatest}(0, e - {greatest}(s, COALESCE(reach + 1, s)) + 1)) AS days
    FROM (SELECT cadre_id, s, e, MAX(e) OVER (PARTITION BY cadre_id ORDER BY s, e
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM pairs) ordered
    GROUP BY cadre_id
),
trips AS (
    SELECT cadre_id, {day('start')} AS s, {day('"end"')} AS e
    FROM visits_visit
    WHERE "end" >= %(d0)s AND start <= %(d1)s
),
done AS (
    SELECT cadre_id,
           SUM(CASE WHEN (reach IS NULL OR s > reach) AND s >= %(p0)s THEN 1 ELSE 0 END) AS visits,
           SUM({greatest}(0, {least}(e, %(p1)s) - {greatest}(s, %(p0)s, COALESCE(reach + 1, s)) + 1)) AS days
    FROM (SELECT cadre_id, s, e, MAX(e) OVER (PARTITION BY cadre_id ORDER BY s, e
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM trips) ordered
    GROUP BY cadre_id
),
lv AS (
    SELECT cadre_id, {greatest}({day('start')}, %(p0)s) AS ls, {least}({day('"end"')}, %(p1)s) AS le
    FROM pairing_leave
    WHERE start <= %(d1)s AND "end" >= %(d0)s
),
onleave AS (
    SELECT cadre_id, SUM({greatest}(0, e - {greatest}(s, COALESCE(reach + 1, s)) + 1)) AS days
    FROM (SELECT cadre_id, s, e, MAX(e) OVER (PARTITION BY cadre_id, ls ORDER BY s, e
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM (SELECT lv.cadre_id, lv.ls, {greatest}(q.s, lv.ls) AS s, {least}(q.e, lv.le) AS e
                FROM lv JOIN (SELECT cadre_id, {greatest}({day('start')}, %(p0)s) AS s,
                                     {least}(COALESCE({day('"end"')}, %(p1)s), %(p1)s) AS e
                              FROM pairing_householdpairing
                              WHERE start <= %(d1)s AND ("end" IS NULL OR "end" >= %(d0)s)
                                AND cadre_id IN (SELECT cadre_id FROM lv)) q
                ON q.cadre_id = lv.cadre_id AND q.s <= lv.le AND q.e >= lv.ls) clipped) ordered
    GROUP BY cadre_id
),
rules AS (
    SELECT u.id AS unit_id, vp.min_visits, vp.min_days,
           ROW_NUMBER() OVER (PARTITION BY u.id ORDER BY LENGTH(vp.area_prefix) DESC,
                              CASE WHEN vp.year IS NULL THEN 1 ELSE 0 END, vp.id DESC) AS rank
    FROM pairing_unit u
    JOIN visits_visitpolicy vp ON vp.subject = 'cadre' AND (vp.year = %(year)s OR vp.year IS NULL)
                              AND u.area_id LIKE vp.area_prefix || '%%'
)
SELECT p.cadre_id, COALESCE(d.visits, 0), COALESCE(d.days, 0), p.days,
       (COALESCE(r.min_visits, 0) * (p.days - COALESCE(o.days, 0)) + %(n)s - 1) / %(n)s,
       (COALESCE(r.min_days, 0) * (p.days - COALESCE(o.days, 0)) + %(n)s - 1) / %(n)s,
       COALESCE(o.days, 0)
FROM paired p
JOIN pairing_cadre c ON c.id = p.cadre_id
LEFT JOIN rules r ON r.unit_id = c.unit_id AND r.rank = 1
LEFT JOIN done d ON d.cadre_id = p.cadre_id
LEFT JOIN onleave o ON o.cadre_id = p.cadre_id
"""


def hand_written_resident_sql() -> str:
    vendor = connection.vendor
    day = lambda col: DAY[vendor].format(col=col)  # noqa: E731
    greatest, least = GREATEST[vendor], LEAST[vendor]
    return f"""
WITH posts AS (
    SELECT id AS posting_id, cadre_id, village_id, {greatest}({day('start')}, %(p0)s) AS s,
           {least}(COALESCE({day('"end"')}, %(p1)s), %(p1)s) AS e
    FROM pairing_posting
    WHERE start <= %(d1)s AND ("end" IS NULL OR "end" >= %(d0)s)
),
stays AS (
    SELECT posting_id, {day('start')} AS s, {day('"end"')} AS e
    FROM visits_stay
    WHERE "end" >= %(d0)s AND start <= %(d1)s
),
done AS (
    SELECT posting_id,
           SUM(CASE WHEN (reach IS NULL OR s > reach) AND s >= %(p0)s THEN 1 ELSE 0 END) AS visits,
           SUM({greatest}(0, {least}(e, %(p1)s) - {greatest}(s, %(p0)s, COALESCE(reach + 1, s)) + 1)) AS days
    FROM (SELECT posting_id, s, e, MAX(e) OVER (PARTITION BY posting_id ORDER BY s, e
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
          FROM stays) ordered
    GROUP BY posting_id
),
onleave AS (
    SELECT p.posting_id, SUM({greatest}(0, {least}(p.e, {least}({day('l."end"')}, %(p1)s))
                                 - {greatest}(p.s, {greatest}({day('l.start')}, %(p0)s)) + 1)) AS days
    FROM posts p JOIN pairing_leave l ON l.cadre_id = p.cadre_id AND l.start <= %(d1)s AND l."end" >= %(d0)s
    GROUP BY p.posting_id
),
rules AS (
    SELECT v.village_id, vp.min_visits, vp.min_days,
           ROW_NUMBER() OVER (PARTITION BY v.village_id ORDER BY LENGTH(vp.area_prefix) DESC,
                              CASE WHEN vp.year IS NULL THEN 1 ELSE 0 END, vp.id DESC) AS rank
    FROM (SELECT DISTINCT village_id FROM posts) v
    JOIN visits_visitpolicy vp ON vp.subject = 'resident' AND (vp.year = %(year)s OR vp.year IS NULL)
                              AND v.village_id LIKE vp.area_prefix || '%%'
)
SELECT p.posting_id, COALESCE(d.visits, 0), COALESCE(d.days, 0), p.e - p.s + 1,
       (COALESCE(r.min_visits, 0) * (p.e - p.s + 1 - COALESCE(o.days, 0)) + %(n)s - 1) / %(n)s,
       (COALESCE(r.min_days, 0) * (p.e - p.s + 1 - COALESCE(o.days, 0)) + %(n)s - 1) / %(n)s,
       COALESCE(o.days, 0)
FROM posts p
LEFT JOIN rules r ON r.village_id = p.village_id AND r.rank = 1
LEFT JOIN done d ON d.posting_id = p.posting_id
LEFT JOIN onleave o ON o.posting_id = p.posting_id
"""


def hand_written(*, year: int, subject: str = "cadre") -> dict[tuple, ComplianceRow]:
    d0, d1 = date(year, 1, 1), date(year, 12, 31)
    epoch = date(1970, 1, 1).toordinal()
    params = {"d0": d0, "d1": d1, "p0": d0.toordinal() - epoch, "p1": d1.toordinal() - epoch,
              "n": (d1 - d0).days + 1, "year": year}
    with connection.cursor() as cursor:
        cursor.execute(hand_written_resident_sql() if subject == "resident" else hand_written_sql(), params)
        make = ComplianceRow._make  # as the selector makes its rows
        return {(key := row[:1]): make((key,) + row[1:]) for row in cursor.fetchall()}


def selector(*, year: int, subject: str = "cadre") -> dict[tuple, ComplianceRow]:
    return year_compliance(year=year, subject=subject)


@dataclass
class Comparison:
    rows: int
    met: int
    selector_seconds: float
    sql_seconds: float

    @property
    def ratio(self) -> float:
        return self.selector_seconds / self.sql_seconds if self.sql_seconds else float("inf")


def compare(*, year: int, rounds: int = 3, subject: str = "cadre") -> Comparison:
    """Run both, alternately, ``rounds`` times each after one warm-up; assert identical rows;
    return the median seconds of each. ``subject``: "cadre" or "resident"."""
    app, mine = selector(year=year, subject=subject), hand_written(year=year, subject=subject)  # warm-up, and the answers
    if app != mine:
        differ = sorted(k for k in app.keys() | mine.keys() if app.get(k) != mine.get(k))
        sample = [(k, app.get(k), mine.get(k)) for k in differ[:5]]
        raise AssertionError(f"selector and hand-written SQL disagree on {len(differ)} of {len(app)} rows: {sample}")
    timings: dict[str, list[float]] = {"selector": [], "sql": []}
    for _ in range(rounds):
        for name, run in (("selector", selector), ("sql", hand_written)):
            started = time.perf_counter()
            run(year=year, subject=subject)
            timings[name].append(time.perf_counter() - started)
    return Comparison(rows=len(app), met=sum(r.met for r in app.values()),
                      selector_seconds=statistics.median(timings["selector"]), sql_seconds=statistics.median(timings["sql"]))
