"""Roster sheets of pairing: 单位, 干部, 联村, 联户."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q

from households import cells as registry_cells
from households.models import Area
from households.roster import household_problem, households_for, known_areas, within_area
from shuanglian import audit, scoping
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches
from shuanglian.roster import cells
from shuanglian.roster.engine import Column, Row, SheetHandler, bulk_lookup, cached_lookup, register

from .access import visible_cadres, visible_household_pairings, visible_units, visible_village_pairings
from .models import Cadre, Category, HouseholdPairing, Rank, Unit, VillagePairing
from .services import (
    PairingFacts,
    check_pairable_village,
    ensure_cadre_accounts,
    facts_of,
    household_pairing_errors,
    village_pairing_errors,
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
            ctx.units[row["单位代码"]] = self.upsert(old, lambda: Unit(code=row["单位代码"]), values, self.creates, self.updates)

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
            cadre = self.upsert(old, lambda: Cadre(id_number=row["身份证号"]), values, self.creates, self.updates)
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
                    lambda r=r: VillagePairing(unit=units[unit_code], village_id=village_code, start=r["开始日期"]),
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
                    lambda r=r: HouseholdPairing(cadre=cadres[r["干部身份证号"]], household=household, start=r["开始日期"]),
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
