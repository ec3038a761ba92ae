"""Roster sheets of pairing: 单位, 干部, 联村, 联户."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q

from households import cells as registry_cells
from households.models import Area, PoorAreaYear
from households.roster import household_problem, households_for, known_areas, within_area
from shuanglian import audit, scoping
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches
from shuanglian.roster import cells
from shuanglian.roster.engine import Column, Row, SheetHandler, bulk_lookup, cached_lookup, register

from .access import (
    may_keep_leave,
    visible_cadres,
    visible_household_pairings,
    visible_leaves,
    visible_postings,
    visible_units,
    visible_village_pairings,
)
from .models import Cadre, Category, HouseholdPairing, Leave, Posting, Rank, Unit, VillagePairing
from .services.pairings import (
    PairingFacts,
    check_pairable_village,
    ensure_cadre_accounts,
    facts_of,
    household_pairing_errors,
    village_pairing_errors,
)
from .services.residents import (
    SpanFacts,
    leave_errors,
    leave_facts_of,
    posting_change_errors,
    posting_errors,
    posting_facts_of,
    posting_village_problem,
    posting_warnings,
)

unit_level = cells.choice(Unit.Level)
unit_kind = cells.choice(Unit.Kind)
rank = cells.choice(Rank)
category = cells.choice(Category)


def units_for(ctx, codes) -> dict:
    return cached_lookup(ctx.units, Unit.objects.all(), "code", codes)


def cadres_for(ctx, id_numbers) -> dict:
    return cached_lookup(ctx.cadres, Cadre.objects.all(), "id_number", id_numbers)


@register
class UnitSheet(SheetHandler):
    name = "单位"
    order = 20
    columns = [
        Column("单位代码", cells.code, required=True),
        Column("单位名称", lambda v: cells.text(v, max_length=100), required=True),
        Column("级别", unit_level, required=True),
        Column("类型", unit_kind, required=True),
        Column("所在区划代码", registry_cells.area_code, required=True),
        Column("班子成员数", lambda v: cells.whole_number(v, minimum=1, maximum=99)),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: r["单位代码"])
        areas = known_areas(ctx, {r["所在区划代码"] for r in rows})
        existing = bulk_lookup(Unit.objects.all(), "code", [r["单位代码"] for r in rows])
        self.creates, self.updates = [], []
        for row in rows:
            area_code = row["所在区划代码"]
            if area_code not in areas:
                self.error(row, f"所在区划代码“{area_code}”不存在。")
                continue
            old = existing.get(row["单位代码"])
            values = {"name": row["单位名称"], "level": row["级别"], "kind": row["类型"], "area_id": area_code}
            if "班子成员数" in row.values:  # a sheet without the optional column keeps what is stored
                values["leadership_size"] = row["班子成员数"]
            if not ctx.in_scope(area_code) and (old is None or old.area_id != area_code or old.name != row["单位名称"]
                                                or old.leadership_size != values.get("leadership_size", old.leadership_size)):
                self.error(row, f"单位所在区划“{area_code}”不在您的管辖范围内。")
                continue
            ctx.units[row["单位代码"]] = self.upsert(old, lambda values: Unit(code=row["单位代码"], **values), values, self.creates, self.updates)

    def apply(self):
        return self.write_planned(Unit, ["name", "level", "kind", "area", "leadership_size"])

    def export_queryset(self, scope, area_code):
        qs = visible_units(scope)
        if area_code:
            # Units seated in the area and units from outside that work in it.
            prefix = Area.prefix_of(area_code)
            qs = qs.filter(
                Q(area__code__startswith=prefix)
                | Q(Exists(VillagePairing.objects.filter(unit=OuterRef("pk"), village__code__startswith=prefix)))
                | Q(Exists(HouseholdPairing.objects.filter(cadre__unit=OuterRef("pk"), household__village__code__startswith=prefix)))
            )
        return qs

    def export_rows(self, qs):
        for u in qs.order_by("code").iterator(chunk_size=BATCH):
            yield [u.code, u.name, u.get_level_display(), u.get_kind_display(), u.area_id, u.leadership_size]


@register
class CadreSheet(SheetHandler):
    name = "干部"
    order = 30
    columns = [
        Column("身份证号", registry_cells.id_number, required=True),
        Column("姓名", lambda v: cells.text(v, max_length=50), required=True),
        Column("单位代码", cells.code, required=True),
        Column("职级", rank, required=True),
        Column("人员类别", category, required=True),
        Column("手机号", registry_cells.mobile),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: r["身份证号"])
        units = units_for(ctx, {r["单位代码"] for r in rows})
        existing = bulk_lookup(Cadre.objects.select_related("unit"), "id_number", [r["身份证号"] for r in rows])
        self.creates, self.updates, self.planned = [], [], []
        for row in rows:
            unit = units.get(row["单位代码"])
            if unit is None:
                self.error(row, f"单位代码“{row['单位代码']}”不存在。")
                continue
            values = {"name": row["姓名"], "unit": unit, "rank": row["职级"], "category": row["人员类别"], "phone": row["手机号"] or ""}
            old = existing.get(row["身份证号"])
            if not ctx.in_scope(unit.area_id) and (old is None or any(getattr(old, n) != v for n, v in values.items())):
                # Cadres of units from elsewhere who work here may be listed (a scoped export
                # holds them), but only the offices above may add or change them.
                self.error(row, f"单位“{unit.code}”不在您的管辖范围内，不能新增或修改其干部。")
                continue
            cadre = self.upsert(old, lambda values: Cadre(id_number=row["身份证号"], **values), values, self.creates, self.updates)
            ctx.cadres[row["身份证号"]] = cadre
            self.planned.append(cadre)

    def apply(self):
        counts = self.write_planned(Cadre, ["name", "unit", "rank", "category", "phone"])
        # Every row of 干部 gives its cadre an account, unchanged rows too (one made in the admin may lack it).
        ensure_cadre_accounts(self.planned)
        return counts

    id_headers = ("身份证号",)
    phone_headers = ("手机号",)

    def export_queryset(self, scope, area_code):
        qs = visible_cadres(scope)
        if area_code:
            prefix = Area.prefix_of(area_code)
            qs = qs.filter(
                Q(unit__area__code__startswith=prefix)
                | Q(Exists(HouseholdPairing.objects.filter(cadre=OuterRef("pk"), household__village__code__startswith=prefix)))
            )
        return qs

    def export_rows(self, qs):
        rows = qs.order_by("id_number").values_list("id_number", "name", "unit__code", "rank", "category", "phone")
        for idn, name, unit_code, r, c, phone in rows.iterator(chunk_size=BATCH):
            yield [idn, name, unit_code, Rank(r).label, Category(c).label, phone or None]


@register
class VillagePairingSheet(SheetHandler):
    name = "联村"
    order = 70
    columns = [
        Column("单位代码", cells.code, required=True),
        Column("村代码", registry_cells.area_code, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["单位代码"], r["村代码"], r["开始日期"]))
        units = units_for(ctx, {r["单位代码"] for r in rows})
        areas = known_areas(ctx, {r["村代码"] for r in rows})
        saved_units = [u.pk for u in units.values() if u.pk]
        existing = defaultdict(dict)  # (unit code, village) → {start: pairing}
        for batch in in_batches(saved_units):
            for p in VillagePairing.objects.filter(unit_id__in=batch).select_related("unit"):
                existing[(p.unit.code, p.village_id)][p.start] = p
        planned = defaultdict(list)
        for row in rows:
            unit, village = units.get(row["单位代码"]), areas.get(row["村代码"])
            try:
                if unit is None:
                    raise DomainError(f"单位代码“{row['单位代码']}”不存在。")
                if village is None:
                    raise DomainError(f"村代码“{row['村代码']}”不存在。")
                check_pairable_village(village)
                if not ctx.in_scope(village.code):
                    raise DomainError(f"村“{village.code}”不在您的管辖范围内。")
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            planned[(unit.code, village.code)].append(row)
        self.creates, self.updates = [], []
        for (unit_code, village_code), group in planned.items():
            held = existing.get((unit_code, village_code), {})
            in_file = {r["开始日期"] for r in group}
            spans = [(("db", p.pk), p.start, p.end) for s, p in held.items() if s not in in_file]
            spans += [(r.number, r["开始日期"], r["结束日期"]) for r in group]
            errors = village_pairing_errors(spans)
            for ref, message in errors:
                self.error(ref if isinstance(ref, int) else group[0].number, message)
            if errors:
                continue
            spans_in_file = self.ctx.plans.setdefault("village_spans", defaultdict(list))  # for 单位进村
            for r in group:
                spans_in_file[(unit_code, village_code)].append((r["开始日期"], r["结束日期"]))
                self.upsert(
                    held.get(r["开始日期"]),
                    lambda values, r=r: VillagePairing(unit=units[unit_code], village_id=village_code, start=r["开始日期"], **values),
                    {"end": r["结束日期"]}, self.creates, self.updates,
                )

    def apply(self):
        return self.write_planned(VillagePairing, ["end"])

    def export_queryset(self, scope, area_code):
        qs = visible_village_pairings(scope)
        return within_area(qs, "village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("unit__code", "village_id", "start").values_list("unit__code", "village_id", "start", "end")
        yield from (list(r) for r in rows.iterator(chunk_size=BATCH))


@register
class HouseholdPairingSheet(SheetHandler):
    """联户. A row that ends a pairing and names a successor hands the household over: if the
    successor's pairing is not listed it is created from the next day, so the chain holds."""

    name = "联户"
    order = 80
    columns = [
        Column("干部身份证号", registry_cells.id_number, required=True),
        Column("户编号", cells.code, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date),
        Column("结束原因", lambda v: cells.text(v, max_length=100)),
        Column("接替干部身份证号", registry_cells.id_number),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["干部身份证号"], r["户编号"], r["开始日期"]))
        cadres = cadres_for(ctx, {r["干部身份证号"] for r in rows} | {r["接替干部身份证号"] for r in rows if r["接替干部身份证号"]})
        households = households_for(ctx, {r["户编号"] for r in rows})
        by_household = defaultdict(list)
        for row in rows:
            household = households.get(row["户编号"])
            problem = household_problem(ctx, household, row["户编号"])
            for idn in filter(None, (row["干部身份证号"], row["接替干部身份证号"])):
                if idn not in cadres:
                    problem = problem or f"干部身份证号{scoping.mask_id_number(idn)}不在干部名册中。"
            if problem:
                self.error(row, problem)
                continue
            by_household[row["户编号"]].append(row)
        # Synthesise the successor's pairing where the file does not list it.
        for number, group in by_household.items():
            listed = {(r["干部身份证号"], r["开始日期"]) for r in group}
            for r in list(group):
                if r["接替干部身份证号"] and r["结束日期"]:
                    key = (r["接替干部身份证号"], r["结束日期"] + timedelta(days=1))
                    if key not in listed:
                        listed.add(key)
                        group.append(_successor_row(r, *key))
        saved = [households[n].pk for n in by_household if households[n].pk]
        existing = defaultdict(dict)  # household number → {(cadre id, start): pairing}
        for batch in in_batches(saved):
            for p in HouseholdPairing.objects.filter(household_id__in=batch).select_related("cadre", "household", "successor__cadre"):
                existing[p.household.number][(p.cadre.id_number, p.start)] = p
        self.creates, self.updates, self.links, self.planned_total = [], [], [], 0
        for number, group in by_household.items():
            household = households[number]
            held = existing.get(number, {})
            in_file = {(r["干部身份证号"], r["开始日期"]) for r in group}
            facts = [
                facts_of(p, ref=("db", p.pk)) for k, p in held.items() if k not in in_file
            ]
            for r in group:
                cadre = cadres[r["干部身份证号"]]
                # A row restating a stored pairing is history: its cadre's later category does not undo it.
                facts.append(PairingFacts(ref=r.number, cadre=cadre.id_number, cadre_name=cadre.name, cadre_category=cadre.category,
                                          start=r["开始日期"], end=r["结束日期"], successor_cadre=r["接替干部身份证号"],
                                          stored=(r["干部身份证号"], r["开始日期"]) in held))
            errors = household_pairing_errors(status=household.status, exit_year=household.exit_year, pairings=facts)
            for ref, message in dict.fromkeys(errors):
                self.error(ref if isinstance(ref, int) else group[0].number, message)
            if errors:
                continue
            planned = {}
            spans_in_file = self.ctx.plans.setdefault("household_spans", defaultdict(list))  # for 走访
            for r in group:
                key = (r["干部身份证号"], r["开始日期"])
                spans_in_file[(r["干部身份证号"], number)].append((r["开始日期"], r["结束日期"]))
                values = {"end": r["结束日期"], "end_reason": r["结束原因"] or ""}
                planned[key] = self.upsert(
                    held.get(key),
                    lambda values, r=r: HouseholdPairing(cadre=cadres[r["干部身份证号"]], household=household, start=r["开始日期"],
                                                     **values),
                    values, self.creates, self.updates,
                )
            for r in group:
                successor = planned.get((r["接替干部身份证号"], r["结束日期"] + timedelta(days=1))) if r["接替干部身份证号"] else None
                pairing = planned[(r["干部身份证号"], r["开始日期"])]
                if (pairing.successor if pairing.successor_id else None) != successor:
                    self.links.append((pairing, successor))
            self.planned_total += len(group)

    def apply(self):
        # Close before opening, so that "one open pairing per household" holds at every statement.
        closing = [p for p in self.updates if p.end is not None]
        audit.bulk_update(HouseholdPairing, closing, ["end", "end_reason"], batch_size=BATCH)
        audit.bulk_update(HouseholdPairing, [p for p in self.updates if p.end is None], ["end", "end_reason"], batch_size=BATCH)
        audit.bulk_create(HouseholdPairing, self.creates, batch_size=BATCH)
        for pairing, successor in self.links:
            pairing.successor = successor
        audit.bulk_update(HouseholdPairing, [p for p, _ in self.links], ["successor"], batch_size=BATCH)
        created = {id(p) for p in self.creates}
        updated = {id(p) for p in self.updates} | {id(p) for p, _ in self.links if id(p) not in created}
        self.counts.created, self.counts.updated = len(created), len(updated)
        self.counts.unchanged = self.planned_total - len(created) - len(updated)
        return self.counts

    id_headers = ("干部身份证号", "接替干部身份证号")

    def export_queryset(self, scope, area_code):
        qs = visible_household_pairings(scope)
        return within_area(qs, "household__village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("household__number", "start").values_list(
            "cadre__id_number", "household__number", "start", "end", "end_reason", "successor__cadre__id_number"
        )
        for idn, number, start, end, reason, successor in rows.iterator(chunk_size=BATCH):
            yield [idn, number, start, end, reason or None, successor]


def _successor_row(row: Row, cadre_id: str, start) -> Row:
    return Row(row.number, {"干部身份证号": cadre_id, "户编号": row["户编号"], "开始日期": start,
                            "结束日期": None, "结束原因": None, "接替干部身份证号": None})


# --- 驻村 and 请假 (docs/domain.md §11) ------------------------------------------------------------



posting_role = cells.choice(Posting.Role)


def _id_problem(idn: str) -> str:
    return f"身份证号{scoping.mask_id_number(idn)}不在干部名册中。"


def _with_units(cadres) -> None:
    """Load the units of the cadres that lack them in bulk (the rules read each cadre's unit)."""
    lacking = [c for c in cadres if c.unit_id and not Cadre.unit.is_cached(c)]
    units = bulk_lookup(Unit.objects.all(), "pk", {c.unit_id for c in lacking})
    for c in lacking:
        c.unit = units[c.unit_id]


@register
class PostingSheet(SheetHandler):
    """驻村. A posting to a village that is not poor that year, or that the cadre's unit does not
    pair, is imported and reported as a notice to review, never refused (docs/domain.md §11)."""

    name = "驻村"
    order = 86  # after 干部 and 联村 (the flags read the pairings), before 请假 and 驻村考勤
    columns = [
        Column("身份证号", registry_cells.id_number, required=True),
        Column("村代码", registry_cells.area_code, required=True),
        Column("职务", posting_role, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date),
    ]
    id_headers = ("身份证号",)

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["身份证号"], r["村代码"], r["开始日期"]))
        cadres = cadres_for(ctx, {r["身份证号"] for r in rows})
        areas = known_areas(ctx, {r["村代码"] for r in rows})
        planned_postings = ctx.plans.setdefault("postings", {})  # (ID number, village, start) → posting, for 驻村考勤
        self.creates, self.updates = [], []
        wanted = []
        for row in rows:
            cadre, village = cadres.get(row["身份证号"]), areas.get(row["村代码"])
            problem = None
            if cadre is None:
                problem = _id_problem(row["身份证号"])
            elif village is None:
                problem = f"村代码“{row['村代码']}”不存在。"
            else:
                problem = posting_village_problem(village)
            if problem:
                self.error(row, problem)
                continue
            wanted.append((row, cadre, village))
        _with_units([c for _, c, _ in wanted])
        saved_cadres = [c.pk for _, c, _ in wanted if c.pk]
        villages = {v.code for _, _, v in wanted}
        existing: dict[tuple, Posting] = {}
        for batch in in_batches(saved_cadres):
            for p in Posting.objects.filter(cadre_id__in=batch).select_related("cadre", "village"):
                existing[(p.cadre.id_number, p.village_id, p.start)] = p
        for batch in in_batches(villages):
            for p in Posting.objects.filter(village_id__in=batch, role=Posting.Role.FIRST_SECRETARY).select_related(
                    "cadre", "village"):
                existing[(p.cadre.id_number, p.village_id, p.start)] = p
        in_file = {(r["身份证号"], r["村代码"], r["开始日期"]) for r, _, _ in wanted}
        facts = [posting_facts_of(p, ref=("db", p.pk)) for k, p in existing.items() if k not in in_file]
        for row, cadre, village in wanted:
            old = existing.get((row["身份证号"], row["村代码"], row["开始日期"]))
            unchanged = old is not None and (old.role, old.end) == (row["职务"], row["结束日期"])
            facts.append(SpanFacts(ref=row.number, cadre=cadre.id_number, cadre_name=cadre.name, start=row["开始日期"],
                                   end=row["结束日期"], village=village.code, village_name=village.name, role=row["职务"],
                                   stored=unchanged))
        problems = defaultdict(list)
        for ref, message in posting_errors(facts):
            if isinstance(ref, int):
                problems[ref].append(message)
        # A corrected end may leave stored stays outside the posting (the visits app says which).
        corrected, changes = {}, []
        for row, _cadre, _village in wanted:
            old = existing.get((row["身份证号"], row["村代码"], row["开始日期"]))
            if old is not None and (old.role, old.end) != (row["职务"], row["结束日期"]):
                corrected[old.pk] = row.number
                changes.append((old.pk, old.village_id, old.start, row["结束日期"]))
        for pk, messages in posting_change_errors(changes).items() if changes else ():
            problems[corrected[pk]] += messages
        poor = set()
        for batch in in_batches(villages):
            poor |= set(PoorAreaYear.objects.filter(area_id__in=batch, kind=PoorAreaYear.Kind.POOR_VILLAGE)
                        .values_list("area_id", "year"))
        paired = defaultdict(list)  # (unit code, village) → spans, database and file
        for batch in in_batches(villages):
            for code, village, start, end in VillagePairing.objects.filter(village_id__in=batch).values_list(
                    "unit__code", "village_id", "start", "end"):
                paired[(code, village)].append((start, end))
        for key, more in ctx.plans.get("village_spans", {}).items():
            paired[key] += more
        for row, cadre, village in wanted:
            key = (row["身份证号"], row["村代码"], row["开始日期"])
            old = existing.get(key)
            unchanged = old is not None and (old.role, old.end) == (row["职务"], row["结束日期"])
            if problems.get(row.number):
                self.error(row, " ".join(dict.fromkeys(problems[row.number])))
                continue
            if not unchanged and not ctx.in_scope(village.code):
                self.error(row, f"村“{village.code}”不在您的管辖范围内。")
                continue
            start = row["开始日期"]
            if not unchanged:
                spans = paired.get((cadre.unit.code, village.code), [])
                for warning in posting_warnings(
                        village_name=village.name, year=start.year, poor=(village.code, start.year) in poor,
                        unit_name=cadre.unit.name, unit_pairs_village=any(s <= start and (e is None or e >= start)
                                                                          for s, e in spans)):
                    ctx.notices.append(f"{self.name}!{row.number}: {warning}")
            planned_postings[key] = self.upsert(
                old, lambda values: Posting(cadre=cadre, village_id=village.code, start=start, **values),
                {"role": row["职务"], "end": row["结束日期"]}, self.creates, self.updates)

    def apply(self):
        return self.write_planned(Posting, ["role", "end"])

    def export_queryset(self, scope, area_code):
        return within_area(visible_postings(scope), "village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("cadre__id_number", "village_id", "start").values_list(
            "cadre__id_number", "village_id", "role", "start", "end")
        for idn, village, role, start, end in rows.iterator(chunk_size=BATCH):
            yield [idn, village, Posting.Role(role).label, start, end]


@register
class LeaveSheet(SheetHandler):
    """请假: a cadre's approved leave. Only an office over the cadre's unit adds or changes it."""

    name = "请假"
    order = 87
    columns = [
        Column("身份证号", registry_cells.id_number, required=True),
        Column("开始日期", cells.date, required=True),
        Column("结束日期", cells.date, required=True),
        Column("事由", lambda v: cells.text(v, max_length=200)),
    ]
    id_headers = ("身份证号",)

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["身份证号"], r["开始日期"]))
        cadres = cadres_for(ctx, {r["身份证号"] for r in rows})
        wanted = []
        for row in rows:
            if row["身份证号"] not in cadres:
                self.error(row, _id_problem(row["身份证号"]))
                continue
            wanted.append(row)
        _with_units([cadres[r["身份证号"]] for r in wanted])
        existing: dict[tuple, Leave] = {}
        for batch in in_batches([cadres[r["身份证号"]].pk for r in wanted if cadres[r["身份证号"]].pk]):
            for leave in Leave.objects.filter(cadre_id__in=batch).select_related("cadre"):
                existing[(leave.cadre.id_number, leave.start)] = leave
        in_file = {(r["身份证号"], r["开始日期"]) for r in wanted}
        facts = [leave_facts_of(x, ref=("db", x.pk)) for k, x in existing.items() if k not in in_file]
        for row in wanted:
            old = existing.get((row["身份证号"], row["开始日期"]))
            facts.append(SpanFacts(ref=row.number, cadre=row["身份证号"], start=row["开始日期"], end=row["结束日期"],
                                   stored=old is not None and old.end == row["结束日期"]))
        problems = defaultdict(list)
        for ref, message in leave_errors(facts, today=ctx.today):
            if isinstance(ref, int):
                problems[ref].append(message)
        self.creates, self.updates = [], []
        for row in wanted:
            cadre = cadres[row["身份证号"]]
            old = existing.get((row["身份证号"], row["开始日期"]))
            values = {"end": row["结束日期"], "reason": row["事由"] or ""}
            if problems.get(row.number):
                self.error(row, " ".join(dict.fromkeys(problems[row.number])))
                continue
            changed = old is None or any(getattr(old, n) != v for n, v in values.items())
            if changed and not may_keep_leave(ctx.scope, cadre):
                self.error(row, f"单位“{cadre.unit.code}”不在您的管辖范围内，不能登记或修改其干部的请假。")
                continue
            self.upsert(old, lambda values: Leave(cadre=cadre, start=row["开始日期"], **values), values,
                        self.creates, self.updates)

    def apply(self):
        return self.write_planned(Leave, ["end", "reason"])

    def export_queryset(self, scope, area_code):
        qs = visible_leaves(scope)
        if area_code:
            prefix = Area.prefix_of(area_code)
            qs = qs.filter(
                Q(cadre__unit__area__code__startswith=prefix)
                | Q(Exists(Posting.objects.filter(cadre=OuterRef("cadre"), village__code__startswith=prefix)))
                | Q(Exists(HouseholdPairing.objects.filter(cadre=OuterRef("cadre"), household__village__code__startswith=prefix)))
            )
        return qs

    def export_rows(self, qs):
        rows = qs.order_by("cadre__id_number", "start").values_list("cadre__id_number", "start", "end", "reason")
        for idn, start, end, reason in rows.iterator(chunk_size=BATCH):
            yield [idn, start, end, reason or None]
