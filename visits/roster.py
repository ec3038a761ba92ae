"""Roster sheets of visits: 走访 and 单位进村. An office's roster carries history, so the
back-dating window does not apply; every other rule of a trip does."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import groupby

from django.db.models import Prefetch
from django.utils.translation import gettext

from households import cells as registry_cells
from households.models import Area, Household
from households.roster import household_problem, households_for, known_areas, within_area
from pairing.models import Posting, Unit
from pairing.roster import cadres_for, units_for
from pairing.selectors import team_memberships
from shuanglian import scoping
from shuanglian.helpers import BATCH, in_batches
from shuanglian.roster import cells
from shuanglian.roster.engine import Column, SheetHandler, register

from .access import may_keep_stay, visible_stays, visible_unit_visits, visible_visits
from .locks import locked_message, locked_months, months_of
from .models import Stay, Task, UnitVisit, Visit, VisitPolicy
from .selectors import policy_for
from .services.anomalies import flag_anomalies
from .services.stays import covering_posting, stay_errors
from .services.trips import unit_visit_errors, visit_errors
from .spans import household_spans, village_spans

task_labels = cells.choice(Task)


def tasks(value) -> list[str]:
    return [task_labels(part) for part in cells.split_list(value)]


def one_trip(visits) -> dict:
    """What the roster says of a cadre's records with the same dates. The sheet's key is cadre,
    start and end (docs/roster-format.md), so records the phone or the admin kept apart (two trips of
    one day to different households) are one trip in the roster: their households together,
    stayed if any record stayed, every task once, the distinct texts of all. Export writes this
    and import compares a row with it, so an exported roster always imports unchanged."""

    def joined(texts) -> str:
        return "；".join(dict.fromkeys(t.strip() for t in texts if t and t.strip()))

    return {
        "households": sorted({h.number for v in visits for h in v.households.all()}),
        "stayed": any(v.stayed for v in visits),
        "tasks": list(dict.fromkeys(t for v in visits for t in v.tasks if t in Task.values)),
        "help_given": joined(v.help_given for v in visits),
        "notes": joined(v.notes for v in visits),
    }


class PolicyCache:
    """The policy of each (area, year), looked up once per import."""

    def __init__(self, subject: str):
        self.subject, self.found = subject, {}

    def __call__(self, area_code: str, year: int):
        key = (area_code, year)
        if key not in self.found:
            self.found[key] = policy_for(subject=self.subject, area_code=area_code, year=year)
        return self.found[key]


class LockedMonths:
    """The months of the file's units whose monthly report is approved: a row that would create
    or change a visit in one of them is refused (the office reopens the month first)."""

    def __init__(self, unit_ids):
        self.found = locked_months(unit_ids=unit_ids) if unit_ids else set()

    def problem(self, unit, start: date, end: date) -> str | None:
        if not self.found or unit.pk is None or end < start:
            return None
        months = [m for m in months_of(start, end) if (unit.pk, m) in self.found]
        return locked_message(unit.name, months) if months else None


@register
class VisitSheet(SheetHandler):
    name = "走访"
    order = 90
    columns = [
        Column("干部身份证号", registry_cells.id_number, required=True),
        Column("户编号", cells.split_list, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date, required=True),
        Column("吃住在村", cells.yes_no),
        Column("落实任务", tasks),
        Column("帮办实事", lambda v: cells.text(v, max_length=2000)),
        Column("备注", lambda v: cells.text(v, max_length=2000)),
    ]
    id_headers = ("干部身份证号",)

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["干部身份证号"], r["开始日期"], r["结束日期"]))
        cadres = cadres_for(ctx, {r["干部身份证号"] for r in rows})
        households = households_for(ctx, {n for r in rows for n in r["户编号"]})
        saved = [c.pk for c in cadres.values() if c.pk]
        spans = household_spans(cadre_ids=saved)  # (cadre ID, household number) → pairing spans, database and file
        for key, more in ctx.plans.get("household_spans", {}).items():
            spans[key] += more
        existing = defaultdict(list)  # (cadre ID, start, end) → the records of that trip, oldest first
        for batch in in_batches(saved):
            for v in (Visit.objects.filter(cadre_id__in=batch).select_related("cadre").prefetch_related("households")
                      .order_by("pk")):
                existing[(v.cadre.id_number, v.start, v.end)].append(v)
        policy = PolicyCache(VisitPolicy.Subject.CADRE)
        self.locked = LockedMonths({c.unit_id for c in cadres.values() if c.pk})
        self.creates, self.updates, self.links = [], [], []
        for row in rows:
            cadre = cadres.get(row["干部身份证号"])
            if cadre is None:
                self.error(row, gettext("干部身份证号%(id_number)s不在干部名册中。")
                           % {"id_number": scoping.mask_id_number(row["干部身份证号"])})
                continue
            chosen, problems = [], []
            for number in row["户编号"]:
                problem = household_problem(ctx, households.get(number), number)
                if problem:
                    problems.append(problem)
                else:
                    chosen.append(households[number])
            start, end = row["开始日期"], row["结束日期"]
            values = {"stayed": bool(row["吃住在村"]), "tasks": row["落实任务"] or [], "help_given": row["帮办实事"] or "",
                      "notes": row["备注"] or ""}
            stored = existing.get((cadre.id_number, start, end), [])
            if not problems and stored and one_trip(stored) == {"households": sorted(set(row["户编号"])), **values}:
                # Unchanged history (a closed month, a rule tightened since) re-imports freely.
                self.counts.unchanged += 1
                continue
            errors = visit_errors(start=start, end=end, today=ctx.today, policy=policy(cadre.unit.area_id, start.year),
                                  own_entry=False, households=[h.number for h in chosen],
                                  spans={h.number: spans[(cadre.id_number, h.number)] for h in chosen})
            if not chosen:
                errors.pop("households", None)  # each household listed has its own problem above
            problems += [m for messages in errors.values() for m in messages]
            if problems:
                self.error(row, " ".join(problems))
                continue
            if len(stored) > 1:
                # Which of the records the row would change is not in the roster: keep them all.
                self.error(row, gettext("该干部在这一起止日期有%(count)s条走访记录，花名册中合为一行，无法确定修改"
                                        "哪一条，请在系统中逐条修改。") % {"count": len(stored)})
                continue
            if problem := self.locked.problem(cadre.unit, start, end):
                self.error(row, problem)  # a change waits for the month's reopening
                continue
            old = stored[0] if stored else None
            visit = self.upsert(old, lambda values: Visit(cadre=cadre, start=start, end=end, **values), values, self.creates, self.updates)
            if old is None or {h.number for h in old.households.all()} != {h.number for h in chosen}:
                self.links.append((visit, chosen))
                if old is not None and old not in self.updates:
                    self.updates.append(old)
                    self.counts.unchanged -= 1

    def apply(self):
        self.write_planned(Visit, ["stayed", "tasks", "help_given", "notes"])
        through = Visit.households.through
        through.objects.filter(visit_id__in=[v.pk for v, _ in self.links if v.pk]).delete()
        through.objects.bulk_create(
            [through(visit_id=v.pk, household_id=h.pk) for v, chosen in self.links for h in chosen], batch_size=BATCH
        )
        flag_anomalies(visits=self.creates + self.updates)
        return self.counts

    def export_queryset(self, scope, area_code):
        qs = visible_visits(scope)
        if area_code:
            prefix = Area.prefix_of(area_code)
            qs = qs.filter(households__village__code__startswith=prefix).distinct()
        return qs

    def export_rows(self, qs):
        labels = dict(Task.choices)
        qs = qs.select_related("cadre").prefetch_related(
            Prefetch("households", queryset=Household.objects.only("number").order_by("number"))
        ).order_by("cadre__id_number", "start", "end", "pk")
        trips = groupby(qs.iterator(chunk_size=BATCH), key=lambda v: (v.cadre.id_number, v.start, v.end))
        for (id_number, start, end), visits in trips:
            trip = one_trip(list(visits))
            yield [id_number, "、".join(trip["households"]), start, end, "是" if trip["stayed"] else "否",
                   "、".join(str(labels[t]) for t in trip["tasks"]) or None, trip["help_given"] or None,
                   trip["notes"] or None]


@register
class UnitVisitSheet(SheetHandler):
    name = "单位进村"
    order = 100
    columns = [
        Column("单位代码", cells.code, required=True),
        Column("村代码", registry_cells.area_code, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date, required=True),
        Column("带队干部身份证号", registry_cells.id_number),
        Column("人数", lambda v: cells.whole_number(v, maximum=999)),  # at least one: unit_visit_errors
        Column("备注", lambda v: cells.text(v, max_length=2000)),
    ]
    id_headers = ("带队干部身份证号",)

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["单位代码"], r["村代码"], r["开始日期"], r["结束日期"]))
        units = units_for(ctx, {r["单位代码"] for r in rows})
        areas = known_areas(ctx, {r["村代码"] for r in rows})
        leaders = cadres_for(ctx, {r["带队干部身份证号"] for r in rows if r["带队干部身份证号"]})
        saved = [u.pk for u in units.values() if u.pk]
        spans, existing = village_spans(unit_ids=saved), {}  # (unit code, village code) → spans, database and file
        teams = team_memberships(unit_ids=saved)  # (unit code, village code) → memberships; no sheet adds any
        for batch in in_batches(saved):
            for v in UnitVisit.objects.filter(unit_id__in=batch).select_related("unit"):
                existing[(v.unit.code, v.village_id, v.start, v.end)] = v
        for key, more in ctx.plans.get("village_spans", {}).items():
            spans[key] += more
        policy = PolicyCache(VisitPolicy.Subject.UNIT)
        self.locked = LockedMonths({u.pk for u in units.values() if u.pk})
        self.creates, self.updates = [], []
        for row in rows:
            unit, village = units.get(row["单位代码"]), areas.get(row["村代码"])
            leader = leaders.get(row["带队干部身份证号"]) if row["带队干部身份证号"] else None
            start, end = row["开始日期"], row["结束日期"]
            problems = []
            if unit is None:
                problems.append(gettext("单位代码“%(code)s”不存在。") % {"code": row["单位代码"]})
            if village is None:
                problems.append(gettext("村代码“%(code)s”不存在。") % {"code": row["村代码"]})
            elif not ctx.in_scope(village.code):
                problems.append(gettext("村“%(code)s”不在您的管辖范围内。") % {"code": village.code})
            if row["带队干部身份证号"] and leader is None:
                problems.append(gettext("带队干部不在干部名册中。"))
            values = {"leader": leader, "people": 1 if row["人数"] is None else row["人数"], "notes": row["备注"] or ""}
            old = existing.get((unit.code, village.code, start, end)) if not problems else None
            same_leader = old is not None and (
                old.leader_id is None if leader is None else leader.pk is not None and old.leader_id == leader.pk)
            if same_leader and (old.people, old.notes.strip()) == (values["people"], values["notes"]):
                self.counts.unchanged += 1  # unchanged history re-imports freely, as on 走访
                continue
            if unit is not None and village is not None:
                errors = unit_visit_errors(start=start, end=end, today=ctx.today, policy=policy(village.code, start.year),
                                           people=values["people"], spans=spans[(unit.code, village.code)],
                                           leader=row["带队干部身份证号"] if leader else None,
                                           leader_name=leader.name if leader else "",
                                           team=teams.get((unit.code, village.code), []))
                problems += [m for messages in errors.values() for m in messages]
            if problems:
                self.error(row, " ".join(problems))
                continue
            if problem := self.locked.problem(unit, start, end):
                self.error(row, problem)
                continue
            self.upsert(old,
                        lambda values: UnitVisit(unit=unit, village_id=village.code, start=start, end=end, **values),
                        values, self.creates, self.updates)

    def apply(self):
        return self.write_planned(UnitVisit, ["leader", "people", "notes"])

    def export_queryset(self, scope, area_code):
        qs = visible_unit_visits(scope)
        return within_area(qs, "village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("unit__code", "village_id", "start", "end").values_list(
            "unit__code", "village_id", "start", "end", "leader__id_number", "people", "notes")
        for code, village, start, end, leader, people, notes in rows.iterator(chunk_size=BATCH):
            yield [code, village, start, end, leader, people, notes or None]



# --- 驻村考勤 (docs/domain.md §11) -------------------------------------------------------------------




@register
class StaySheet(SheetHandler):
    """驻村考勤: a resident's stay, within one of their postings (database or the file's 驻村);
    the posting it lies within is resolved and stored with it."""

    name = "驻村考勤"
    order = 95  # after 驻村 and 走访
    columns = [
        Column("身份证号", registry_cells.id_number, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date, required=True),
        Column("备注", lambda v: cells.text(v, max_length=200)),
    ]
    id_headers = ("身份证号",)

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["身份证号"], r["开始日期"], r["结束日期"]))
        cadres = cadres_for(ctx, {r["身份证号"] for r in rows})
        saved = [c.pk for c in cadres.values() if c.pk]
        postings: dict[tuple, Posting] = {}  # (ID number, village, start) → posting, database and file
        existing: dict[tuple, Stay] = {}
        for batch in in_batches(saved):
            for p in Posting.objects.filter(cadre_id__in=batch).select_related("cadre"):
                postings[(p.cadre.id_number, p.village_id, p.start)] = p
            for s in Stay.objects.filter(cadre_id__in=batch).select_related("cadre", "posting"):
                existing[(s.cadre.id_number, s.start, s.end)] = s
        postings.update(ctx.plans.get("postings", {}))
        by_cadre = defaultdict(list)
        for (idn, _village, _start), p in postings.items():
            by_cadre[idn].append((p, p.start, p.end))
        policy = PolicyCache(VisitPolicy.Subject.RESIDENT)
        units = {c.unit_id for c in cadres.values() if c.pk}
        self.locked = LockedMonths(units)
        unit_of = {u.pk: u for u in Unit.objects.filter(pk__in=units)} if units else {}
        self.creates, self.updates = [], []
        for row in rows:
            cadre = cadres.get(row["身份证号"])
            if cadre is None:
                self.error(row, gettext("身份证号%(id_number)s不在干部名册中。")
                           % {"id_number": scoping.mask_id_number(row["身份证号"])})
                continue
            start, end, note = row["开始日期"], row["结束日期"], row["备注"] or ""
            old = existing.get((cadre.id_number, start, end))
            spans = by_cadre.get(cadre.id_number, [])
            posting = covering_posting(spans, start, end) if end >= start else None
            if old is not None and old.note.strip() == note and (posting is None or posting is old.posting
                                                                   or (posting.pk and posting.pk == old.posting_id)):
                self.counts.unchanged += 1  # unchanged history re-imports freely, as on 走访
                continue
            area = posting.village_id if posting is not None else (unit_of[cadre.unit_id].area_id if cadre.unit_id in unit_of else "")
            errors = stay_errors(start=start, end=end, today=ctx.today, policy=policy(area, start.year) if area else None,
                                 own_entry=False, postings=spans)
            problems = [m for messages in errors.values() for m in messages]
            if not problems and not may_keep_stay(ctx.scope, posting):
                problems.append(gettext("村“%(code)s”不在您的管辖范围内。") % {"code": posting.village_id})
            if problems:
                self.error(row, " ".join(problems))
                continue
            if cadre.unit_id in unit_of and (problem := self.locked.problem(unit_of[cadre.unit_id], start, end)):
                self.error(row, problem)
                continue
            self.upsert(old, lambda values: Stay(cadre=cadre, start=start, end=end, **values),
                        {"note": note, "posting": posting}, self.creates, self.updates)

    def apply(self):
        return self.write_planned(Stay, ["note", "posting"])

    def export_queryset(self, scope, area_code):
        return within_area(visible_stays(scope), "posting__village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("cadre__id_number", "start", "end").values_list("cadre__id_number", "start", "end", "note")
        for idn, start, end, note in rows.iterator(chunk_size=BATCH):
            yield [idn, start, end, note or None]
