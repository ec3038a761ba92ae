"""The roster sheet 评议: tallies of paper ballots, one row per year, direction and target.

The rules are those of ``services.record_tally``, checked for the whole sheet at once: the
target worked in a village of the importer's area that year, the round is not closed, and paper
plus web ballots stay within ``services.ballot_limit``. Pairings, 村情 and 班子成员数 listed in the
same file count.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import zip_longest

from django.db.models import Count, Q

from households.models import Area, VillageYear
from pairing.models import Cadre, Unit
from pairing.roster import cadres_for, units_for
from shuanglian import audit, scoping
from shuanglian.helpers import BATCH, in_batches
from shuanglian.roster import cells
from shuanglian.roster.engine import Column, SheetHandler, register

from . import selectors
from .access import visible_tallies
from .models import UNIT_TARGETS, Direction, EvaluationRound, Tally
from .services import ballot_limit, limit_message

direction_of = cells.choice(Direction)


def _overlaps_year(spans, year: int) -> bool:
    return any(s <= date(year, 12, 31) and (e is None or e >= date(year, 1, 1)) for s, e in spans)


class Worked:
    """Where each target worked in each year, from the database and the file: the villages of
    a unit's pairings, and a cadre's paired households with their villages."""

    def __init__(self, ctx, units, cadres, years):
        self.unit_villages = defaultdict(set)  # (unit code, year) → villages
        self.cadre_households = defaultdict(set)  # (cadre ID number, year) → (household number, village)
        self.unit_cadres = defaultdict(int)  # unit code → cadres
        unit_ids = {u.pk: code for code, u in units.items() if u.pk}
        cadre_ids = {c.pk: idn for idn, c in cadres.items() if c.pk}
        for year in years:
            for batch in in_batches(unit_ids):
                for unit_id, village in (selectors.village_pairings_of_year(year).filter(unit_id__in=batch)
                                         .values_list("unit_id", "village_id")):
                    self.unit_villages[(unit_ids[unit_id], year)].add(village)
            for batch in in_batches(cadre_ids):
                for cadre_id, number, village in (selectors.household_pairings_of_year(year).filter(cadre_id__in=batch)
                                                  .values_list("cadre_id", "household__number", "household__village_id")):
                    self.cadre_households[(cadre_ids[cadre_id], year)].add((number, village))
            for (unit_code, village), spans in ctx.plans.get("village_spans", {}).items():
                if _overlaps_year(spans, year):
                    self.unit_villages[(unit_code, year)].add(village)
            for (idn, number), spans in ctx.plans.get("household_spans", {}).items():
                household = ctx.households.get(number)
                if household is not None and _overlaps_year(spans, year):
                    self.cadre_households[(idn, year)].add((number, household.village_id))
        for batch in in_batches(unit_ids):
            for unit_id, n in Cadre.objects.filter(unit_id__in=batch).values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"):
                self.unit_cadres[unit_ids[unit_id]] += n
        for cadre in ctx.cadres.values():
            if cadre.pk is None and "unit" in cadre._state.fields_cache:  # a new cadre of the 干部 sheet
                self.unit_cadres[cadre.unit.code] += 1
        self.committee_sizes = self._committee_sizes(ctx, years)  # (village, year) → 村两委成员数
        self.leadership_sizes = self._leadership_sizes(ctx, cadres)  # cadre ID number → 班子成员数

    def _committee_sizes(self, ctx, years) -> dict:
        """The stored 村情 of the villages the units worked in, overridden by the file's 村情 sheet."""
        sizes = {}
        villages = {v for found in self.unit_villages.values() for v in found}
        for batch in in_batches(villages):
            sizes.update({(village, year): size for village, year, size in VillageYear.objects.filter(
                village_id__in=batch, year__in=years).values_list("village_id", "year", "committee_size")})
        sizes.update(ctx.plans.get("committee_sizes", {}))
        return sizes

    @staticmethod
    def _leadership_sizes(ctx, cadres) -> dict:
        """Each cadre's unit's 班子成员数, as the file's 单位 sheet leaves it."""
        planned = {u.pk: u for u in ctx.units.values() if u.pk}  # stored units, changed by the 单位 sheet
        stored = {}
        for batch in in_batches({c.unit_id for c in cadres.values() if c.unit_id and c.unit_id not in planned}):
            stored.update(Unit.objects.filter(pk__in=batch).values_list("pk", "leadership_size"))
        sizes = {}
        for idn, cadre in cadres.items():
            if "unit" in cadre._state.fields_cache:  # a cadre of the 干部 sheet: its unit as planned
                unit = planned.get(cadre.unit.pk, cadre.unit) if cadre.unit.pk else cadre.unit
                sizes[idn] = unit.leadership_size
            else:
                sizes[idn] = planned[cadre.unit_id].leadership_size if cadre.unit_id in planned else stored.get(cadre.unit_id)
        return sizes

    def villages(self, direction: str, key: str, year: int) -> set[str]:
        if direction in UNIT_TARGETS:
            return self.unit_villages[(key, year)]
        return {village for _, village in self.cadre_households[(key, year)]}

    def limit(self, direction: str, key: str, year: int) -> int | None:
        """``services.ballot_limit`` on what the database and the file say (None: a size unknown)."""
        if direction == Direction.VILLAGE_ON_UNIT:
            return ballot_limit(direction, team_sizes=[self.committee_sizes.get((village, year))
                                                       for village in self.unit_villages[(key, year)]])
        if direction == Direction.HOUSEHOLD_ON_CADRE:
            return ballot_limit(direction, raters=len({number for number, _ in self.cadre_households[(key, year)]}))
        if direction == Direction.UNIT_ON_CADRE:
            teams = [self.leadership_sizes.get(key)] if self.cadre_households[(key, year)] else []
            return ballot_limit(direction, team_sizes=teams)
        return ballot_limit(direction, raters=self.unit_cadres[key])


@register
class EvaluationSheet(SheetHandler):
    name = "评议"
    order = 110
    columns = [
        Column("年度", cells.year, required=True),
        Column("评议类型", direction_of, required=True),
        Column("对象", lambda v: cells.code(v, max_length=32), required=True),
        Column("满意", lambda v: cells.whole_number(v, minimum=0, maximum=10_000_000), required=True),
        Column("基本满意", lambda v: cells.whole_number(v, minimum=0, maximum=10_000_000), required=True),
        Column("不满意", lambda v: cells.whole_number(v, minimum=0, maximum=10_000_000), required=True),
    ]
    id_headers = ("对象",)  # a cadre's ID number; unit codes are short and masked only when long

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["年度"], r["评议类型"], r["对象"]))
        units = units_for(ctx, {r["对象"] for r in rows if r["评议类型"] in UNIT_TARGETS})
        cadres = cadres_for(ctx, {r["对象"] for r in rows if r["评议类型"] not in UNIT_TARGETS})
        years = {r["年度"] for r in rows}
        worked = Worked(ctx, {k: units[k] for k in units}, {k: cadres[k] for k in cadres}, years)
        rounds = list(EvaluationRound.objects.filter(year__in=years).select_related("area"))
        existing, web = self._stored(rows, units, cadres, years)
        self.creates, self.updates, self.new_rounds = [], [], {}
        for row in rows:
            year, direction, key = row["年度"], row["评议类型"], row["对象"]
            is_unit = direction in UNIT_TARGETS
            target = (units if is_unit else cadres).get(key)
            if target is None:
                self.error(row, (f"单位代码“{key}”不存在。" if is_unit
                                 else f"干部身份证号{scoping.mask_id_number(key)}不在干部名册中。"))
                continue
            villages = worked.villages(direction, key, year)
            if not villages:
                self.error(row, f"{year}年度该对象没有联村联户，不在任何评议范围内。")
                continue
            if not any(ctx.in_scope(v) for v in villages):
                self.error(row, "该对象联系的村不在您的管辖范围内。")
                continue
            counts = (row["满意"], row["基本满意"], row["不满意"])
            stored = existing.get((year, direction, key))
            values = dict(zip(("satisfied", "basic", "unsatisfied"), counts))
            if stored is not None and all(getattr(stored, n) == v for n, v in values.items()):
                # A row that changes nothing re-imports history (a closed round's tallies in an
                # exported roster): no rule of a change applies, as with a locked month's visits.
                self.counts.unchanged += 1
                continue
            total, limit = sum(counts) + web.get((year, direction, key), 0), worked.limit(direction, key, year)
            if limit is not None and total > limit:
                self.error(row, limit_message(direction, limit, total))
                continue
            rnd = stored.round if stored else self._round(rounds, year, villages)
            if rnd is not None and rnd.is_closed:
                self.error(row, f"{rnd}已结束，结果已固定，不能再修改。")
                continue
            self.upsert(stored, lambda values: Tally(direction=direction, **({"unit": target} if is_unit else {"cadre": target}), **values),
                        values, self.creates, self.updates)
            if stored is None:
                self.creates[-1]._year, self.creates[-1]._villages, self.creates[-1]._round = year, villages, rnd

    @staticmethod
    def _round(rounds, year, villages):
        covering = [r for r in rounds if r.year == year
                    and any(v.startswith(Area.prefix_of(r.area_id)) for v in villages)]
        return max(covering, key=lambda r: len(Area.prefix_of(r.area_id)), default=None)

    def _stored(self, rows, units, cadres, years):
        """Tallies already stored for these targets, and their web ballots, by (year, direction, key)."""
        unit_ids = [u.pk for u in units.values() if u.pk]
        cadre_ids = [c.pk for c in cadres.values() if c.pk]
        existing, web = {}, defaultdict(int)
        from .models import Ballot

        for batch_units, batch_cadres in _paired_batches(unit_ids, cadre_ids):
            where = Q(unit_id__in=batch_units) | Q(cadre_id__in=batch_cadres)
            for tally in Tally.objects.filter(where, round__year__in=years).select_related("round__area", "unit", "cadre"):
                existing[(tally.round.year, tally.direction, selectors.target_key(tally.target))] = tally
            for year, direction, unit_code, idn, n in (
                Ballot.objects.filter(where, round__year__in=years)
                .values("round__year", "direction", "unit__code", "cadre__id_number").annotate(n=Count("pk"))
                .values_list("round__year", "direction", "unit__code", "cadre__id_number", "n")
            ):
                web[(year, direction, unit_code or idn)] += n
        return existing, web

    def apply(self):
        for tally in self.creates:
            tally.round = tally._round or self._new_round(tally._year, tally._villages)
            tally.unit_id = tally.unit.pk if tally.unit_id is None and tally.unit is not None else tally.unit_id
            tally.cadre_id = tally.cadre.pk if tally.cadre_id is None and tally.cadre is not None else tally.cadre_id
        audit.bulk_create(Tally, self.creates, batch_size=BATCH)
        audit.bulk_update(Tally, self.updates, ["satisfied", "basic", "unsatisfied"], batch_size=BATCH)
        self.counts.created, self.counts.updated = len(self.creates), len(self.updates)
        return self.counts

    def _new_round(self, year: int, villages: set[str]) -> EvaluationRound:
        """A year's tallies with no round to go to open one over the widest area on record
        holding the target's villages (the province, when the division list is loaded)."""
        village = min(villages)
        for code in Area.lineage(village)[:-1]:
            key = (year, code)
            if key in self.new_rounds:
                return self.new_rounds[key]
            if Area.objects.filter(code=code).exists():
                rnd, _ = EvaluationRound.objects.get_or_create(
                    year=year, area_id=code, defaults={"opens": date(year, 1, 1), "closes": date(year, 12, 31)})
                self.new_rounds[key] = rnd
                self.ctx.notices.append(f"已建立{rnd}，用于登记纸质票汇总。")
                return rnd
        raise AssertionError("a village's own area always exists")  # pragma: no cover

    def export_queryset(self, scope, area_code):
        qs = visible_tallies(scope)
        if area_code:
            prefix = Area.prefix_of(area_code)
            qs = qs.filter(Q(unit__village_pairings__village__code__startswith=prefix)
                           | Q(cadre__pairings__household__village__code__startswith=prefix)).distinct()
        return qs

    def export_rows(self, qs):
        labels = direction_of.labels
        rows = qs.order_by("round__year", "direction", "unit__code", "cadre__id_number").values_list(
            "round__year", "direction", "unit__code", "cadre__id_number", "satisfied", "basic", "unsatisfied")
        for year, direction, unit_code, idn, satisfied, basic, unsatisfied in rows.iterator(chunk_size=BATCH):
            yield [year, labels[direction], unit_code or idn, satisfied, basic, unsatisfied]

    def visible_rows(self, queryset, scope):
        """Only cadres' ID numbers are masked, never unit codes."""
        for values in self.export_rows(queryset):
            if not scoping.sees_full_numbers(scope) and values[1] not in _unit_labels():
                values[2] = scoping.mask_id_number(values[2])
            yield values


def _unit_labels() -> set[str]:
    return {str(direction_of.labels[d]) for d in UNIT_TARGETS}


def _paired_batches(unit_ids, cadre_ids, size: int = BATCH):
    """The two lists in batches side by side, the shorter one padded with empty batches."""
    yield from zip_longest(list(in_batches(unit_ids, size)) or [[]], list(in_batches(cadre_ids, size)) or [[]],
                           fillvalue=[])
