"""Roster sheets of the registry: 标准, 区划, 农户, 家庭成员, 收入, 村情."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef

from shuanglian import audit
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches
from shuanglian.roster import cells
from shuanglian.roster.engine import Column, SheetHandler, bulk_lookup, cached_lookup, handlers, register

from . import cells as registry_cells
from .access import visible_areas, visible_households, visible_incomes, visible_members, visible_village_years
from .models import (
    Area,
    AreaLevel,
    Household,
    IncomeRecord,
    Member,
    PoorAreaYear,
    PovertyCause,
    PovertyLine,
    VillageYear,
)
from .services import (
    POOR_FLAG_LEVELS,
    birth_date_and_sex,
    check_parent_exists,
    check_poverty_flag,
    check_village,
    default_poverty_kind,
    designation_quota_errors,
    head_member_values,
    member_elsewhere_message,
    members_elsewhere,
    validate_area_code,
    validate_exit,
    validate_income_amounts,
    validate_poverty_line,
    validate_village_year,
)

level_label = cells.choice(AreaLevel)
household_kind = cells.choice(Household.Kind)
household_status = cells.choice(Household.Status)
poverty_cause = cells.choice(PovertyCause)
health = cells.choice(Member.Health)
labour = cells.choice(Member.Labour)


def known_areas(ctx, codes) -> dict:
    """Areas by code from the file's 区划 sheet and the database, loaded once per code."""
    return cached_lookup(ctx.areas, Area.objects.all(), "code", codes)


def within_area(qs, path: str, area_code: str | None):
    """The rows of an export in an area's subtree (``path`` leads to the area), or all of them."""
    return qs.filter(**{f"{path}__code__startswith": Area.prefix_of(area_code)}) if area_code else qs


@register
class AreaSheet(SheetHandler):
    name = "区划"
    order = 10
    columns = [
        Column("区划代码", registry_cells.area_code, required=True),
        Column("名称", lambda v: cells.text(v, max_length=100), required=True),
        Column("级别", level_label, required=True),
        Column("是否贫困", cells.yes_no),
    ]

    def plan(self, rows):
        rows = self.unique_rows(rows, lambda r: r["区划代码"])
        existing = bulk_lookup(Area.objects.all(), "code", [r["区划代码"] for r in rows])
        file_codes = {r["区划代码"] for r in rows}
        parents = {Area.parent_code_of(c) for c in file_codes} - file_codes - {None}
        known = file_codes | set(bulk_lookup(Area.objects.all(), "code", parents))
        flags = {f.area_id: f for f in PoorAreaYear.objects.filter(area_id__in=file_codes & set(existing), year=self.ctx.today.year)}
        self.creates, self.updates, self.flag_creates, self.flag_deletes = [], [], [], []
        self.flag_only_updates = 0
        designated: dict[str, list] = {}  # county prefix → rows designating a new poor village
        released: list[tuple[str, int]] = []  # poor villages the file takes off the list
        for row in rows:
            code, level = row["区划代码"], row["级别"]
            try:
                validate_area_code(code, level=level)
                check_parent_exists(code, known)
                if row["是否贫困"]:
                    check_poverty_flag(area=Area(code=code, name=row["名称"], level=level))
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            old = existing.get(code)
            poor, flag = row["是否贫困"], flags.get(code)
            flag_changes = (poor and flag is None) or (poor is False and flag is not None)
            if old is not None and not self.ctx.in_scope(code) and ((old.name, old.level) != (row["名称"], level) or flag_changes):
                # An ancestor may be listed (so the file imports anywhere), but not changed.
                self.error(row, f"区划“{code}”不在您的管辖范围内，不能修改。")
                continue
            if old is None and not self.ctx.in_scope(code):
                self.error(row, f"区划“{code}”不在您的管辖范围内。")
                continue
            changed = len(self.creates) + len(self.updates)
            area = self.upsert(old, lambda values: Area(code=code, **values),
                               {"name": row["名称"], "level": level, "parent_id": Area.parent_code_of(code)},
                               self.creates, self.updates)
            self.ctx.areas[code] = area
            if flag_changes and old is not None and changed == len(self.creates) + len(self.updates):
                self.counts.unchanged -= 1  # only the poverty flag changes: an update of the row
                self.flag_only_updates += 1
            if poor and flag is None:
                kind = default_poverty_kind(level)
                self.flag_creates.append(PoorAreaYear(area_id=code, year=self.ctx.today.year, kind=kind))
                if kind == PoorAreaYear.Kind.POOR_VILLAGE:
                    designated.setdefault(code[:6], []).append(row)
            elif poor is False and flag is not None:
                self.flag_deletes.append(flag.pk)
                if flag.kind == PoorAreaYear.Kind.POOR_VILLAGE:
                    released.append((code, flag.year))
        # New poor villages stay within their counties' scale quotas (严禁超规模识别).
        for county, county_rows in sorted(designated.items()):
            errors = designation_quota_errors([(r["区划代码"], self.ctx.today.year) for r in county_rows], released)
            for row in county_rows if errors else ():
                self.error(row, " ".join(errors))

    def apply(self):
        # Parents before children: codes sort so that every ancestor comes first within a level chain.
        self.creates.sort(key=lambda a: (len(Area.prefix_of(a.code)), a.code))
        self.write_planned(Area, ["name", "level", "parent"])
        audit.bulk_create(PoorAreaYear, self.flag_creates, batch_size=BATCH)
        PoorAreaYear.objects.filter(pk__in=self.flag_deletes).delete()
        self.counts.updated += self.flag_only_updates
        return self.counts

    id_headers = ()

    def export_queryset(self, scope, area_code):
        areas = visible_areas(scope)
        if area_code:
            areas = areas.filter(code__startswith=Area.prefix_of(area_code))
            # The ancestors come along, and the seats of units from elsewhere that work in the
            # area (with theirs), so that the file imports into an empty database.
            seats = {area_code}
            for handler in handlers():
                if handler.name == "单位":
                    seats.update(handler().export_queryset(scope, area_code).values_list("area_id", flat=True).distinct())
            wanted = set()
            for code in seats:
                while code:
                    wanted.add(code)
                    code = Area.parent_code_of(code)
            areas = areas | Area.objects.filter(code__in=wanted)
        return areas

    def export_rows(self, areas):
        year = self.current_year()
        poor = PoorAreaYear.objects.filter(area=OuterRef("pk"), year=year)
        for code, name, level, is_poor in areas.annotate(poor=Exists(poor)).order_by("code").values_list(
            "code", "name", "level", "poor"
        ).iterator(chunk_size=BATCH):
            yield [code, name, AreaLevel(level).label, "是" if is_poor else ("否" if level in POOR_FLAG_LEVELS else None)]

    @staticmethod
    def current_year() -> int:
        from django.utils import timezone

        return timezone.localdate().year


@register
class HouseholdSheet(SheetHandler):
    name = "农户"
    order = 40
    copy_creates = True
    columns = [
        Column("户编号", cells.code, required=True),
        Column("村代码", registry_cells.area_code, required=True),
        Column("户主姓名", lambda v: cells.text(v, max_length=50), required=True),
        Column("户主身份证号", registry_cells.id_number, required=True),
        Column("户类型", household_kind, required=True),
        Column("常住人口", lambda v: cells.whole_number(v, minimum=1, maximum=99), required=True),
        Column("主要致贫原因", poverty_cause),
        Column("状态", household_status),
        Column("脱贫年度", cells.year),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: r["户编号"])
        rows = self.unique_rows(rows, lambda r: r["户主身份证号"])
        areas = known_areas(ctx, {r["村代码"] for r in rows})
        existing = bulk_lookup(Household.objects.all(), "number", [r["户编号"] for r in rows])
        heads_elsewhere = {
            h.head_id_number: h.number
            for h in bulk_lookup(Household.objects.all(), "head_id_number", [r["户主身份证号"] for r in rows]).values()
        }
        self.creates, self.updates = [], []
        ctx.plans["heads"] = {}
        for row in rows:
            number, village_code = row["户编号"], row["村代码"]
            village = areas.get(village_code)
            stored = existing.get(number)
            status = row["状态"] or (stored.status if stored else Household.Status.REGISTERED)
            exit_year = row["脱贫年度"] if row["脱贫年度"] or not stored else stored.exit_year
            try:
                check_village(village, village_code, label="村代码")
                if not ctx.in_scope(village_code):
                    raise DomainError(f"村“{village_code}”不在您的管辖范围内。")
                other = heads_elsewhere.get(row["户主身份证号"])
                if other and other != number:
                    raise DomainError(f"户主身份证号已是农户{other}的户主，一人只能属于一户。")
                if stored and (status, exit_year) != (stored.status, stored.exit_year):
                    # docs/domain.md §10: only the steps of identification and exit change it.
                    raise DomainError(f"农户{number}的状态为“{stored.get_status_display()}”"
                                      f"{f'（脱贫年度{stored.exit_year}）' if stored.exit_year else ''}，"
                                      "状态和脱贫年度只能通过识别、退出程序变更。")
                validate_exit(status, exit_year)
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            values = {
                "village_id": village_code, "head_name": row["户主姓名"], "head_id_number": row["户主身份证号"],
                "kind": row["户类型"], "resident_population": row["常住人口"], "main_cause": row["主要致贫原因"] or "",
                "status": status, "exit_year": exit_year,
            }
            household = self.upsert(stored, lambda values: Household(number=number, **values), values, self.creates, self.updates)
            ctx.households[number] = household
            ctx.plans["heads"][row["户主身份证号"]] = (row, household)

    def apply(self):
        # Status and exit year are set on new households only: an existing household's change only
        # through a step (identification/services/steps.py), and writing back the values read while
        # the workbook was checked could undo a step taken meanwhile.
        return self.write_planned(Household, ["village", "head_name", "head_id_number", "kind", "resident_population",
                                              "main_cause"])

    id_headers = ("户主身份证号",)

    def export_queryset(self, scope, area_code):
        qs = visible_households(scope)
        return within_area(qs, "village", area_code)

    def export_rows(self, qs):
        for h in qs.order_by("number").iterator(chunk_size=BATCH):
            yield [
                h.number, h.village_id, h.head_name, h.head_id_number, h.get_kind_display(), h.resident_population,
                h.get_main_cause_display() if h.main_cause else None, h.get_status_display(), h.exit_year,
            ]


def households_for(ctx, numbers) -> dict:
    return cached_lookup(ctx.households, Household.objects.all(), "number", numbers)


def household_problem(ctx, household, number) -> str | None:
    if household is None:
        return f"户编号“{number}”不存在。"
    if not ctx.in_scope(household.village_id):
        return f"农户“{number}”不在您的管辖范围内。"
    return None


@register
class MemberSheet(SheetHandler):
    """家庭成员. Heads listed on 农户 are members too: they are written here as well, so that
    a person is in exactly one household whatever sheet names them."""

    name = "家庭成员"
    order = 50
    copy_creates = True
    columns = [
        Column("户编号", cells.code, required=True),
        Column("身份证号", registry_cells.id_number, required=True),
        Column("姓名", lambda v: cells.text(v, max_length=50), required=True),
        Column("与户主关系", lambda v: cells.text(v, max_length=20), required=True),
        Column("劳动能力", labour),
        Column("健康状况", health),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: r["身份证号"])
        households = households_for(ctx, {r["户编号"] for r in rows})
        wanted: dict[str, tuple] = {}  # ID number → (row or None, household, values)
        heads = ctx.plans.get("heads", {})
        for id_number, (head_row, household) in heads.items():
            wanted[id_number] = (None, household, {"name": head_row["户主姓名"]})
        for row in rows:
            household = households.get(row["户编号"])
            problem = household_problem(ctx, household, row["户编号"])
            if problem:
                self.error(row, problem)
                continue
            id_number = row["身份证号"]
            if id_number in heads and heads[id_number][1] is not household:
                self.error(row, f"此人已是农户{heads[id_number][1].number}的户主，一人只能属于一户。")
                continue
            if id_number in heads and row["姓名"] != heads[id_number][0]["户主姓名"]:
                self.error(row, f"姓名“{row['姓名']}”与农户表的户主姓名“{heads[id_number][0]['户主姓名']}”不一致。")
                continue
            values = {"name": row["姓名"], "relation": row["与户主关系"]}
            if row["劳动能力"] is not None:
                values["labour_ability"] = row["劳动能力"]
            if row["健康状况"] is not None:
                values["health"] = row["健康状况"]
            wanted[id_number] = (row, household, values)
        existing = bulk_lookup(Member.objects.select_related("household"), "id_number", wanted)
        clashes = members_elsewhere({idn: h.number for idn, (_, h, _) in wanted.items()}, stored=existing)
        self.creates, self.updates = [], []
        for id_number, (row, household, values) in wanted.items():
            if id_number in clashes:
                message = member_elsewhere_message(id_number, clashes[id_number])
                if row is None:
                    ctx.error("农户", heads[id_number][0].number, message)
                else:
                    self.error(row, message)
                continue
            old = existing.get(id_number)
            if row is None:  # a head listed on 农户 only
                values = head_member_values(household=household, head_name=values["name"], head_id_number=id_number,
                                            stored=old)
            else:
                birth, sex = birth_date_and_sex(id_number)
                values = {"household": household, "birth_date": birth, "sex": sex, **values}
            self.upsert(old, lambda values: Member(id_number=id_number, **values), values, self.creates, self.updates)

    def apply(self):
        return self.write_planned(Member, ["household", "name", "relation", "birth_date", "sex", "labour_ability",
                                           "health"])

    id_headers = ("身份证号",)

    def export_queryset(self, scope, area_code):
        qs = visible_members(scope)
        return within_area(qs, "household__village", area_code)

    def export_rows(self, qs):
        rows = qs.order_by("household__number", "id").values_list(
            "household__number", "id_number", "name", "relation", "labour_ability", "health"
        )
        labour_labels, health_labels = dict(Member.Labour.choices), dict(Member.Health.choices)
        for number, idn, name, relation, ability, state in rows.iterator(chunk_size=BATCH):
            yield [number, idn, name, relation, labour_labels.get(ability), health_labels.get(state)]


INCOME_COLUMNS = {
    "家庭经营费用支出": "operating_costs",
    "税费支出": "taxes_and_fees",
    "生产性固定资产折旧": "depreciation",
    "调查补贴": "survey_subsidy",
    "赠送农村外部亲友": "gifts_outside",
}


@register
class IncomeSheet(SheetHandler):
    name = "收入"
    order = 60
    copy_creates = True
    columns = [
        Column("户编号", cells.code, required=True),
        Column("年度", cells.year, required=True),
        Column("总收入", cells.money, required=True),
        *[Column(header, cells.money) for header in INCOME_COLUMNS],
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["户编号"], r["年度"]))
        households = households_for(ctx, {r["户编号"] for r in rows})
        saved = [h.pk for h in households.values() if h.pk]
        existing = {}
        for batch in in_batches(saved):
            existing.update({(i.household_id, i.year): i for i in IncomeRecord.objects.filter(household_id__in=batch)})
        self.creates, self.updates = [], []
        for row in rows:
            household = households.get(row["户编号"])
            problem = household_problem(ctx, household, row["户编号"])
            if problem:
                self.error(row, problem)
                continue
            values = {"total_income": row["总收入"], **{f: row[h] or 0 for h, f in INCOME_COLUMNS.items()}}
            try:
                validate_income_amounts(**values)
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            old = existing.get((household.pk, row["年度"])) if household.pk else None
            values["resident_population"] = old.resident_population if old else household.resident_population
            record = IncomeRecord(household=household, year=row["年度"], **values)
            record.compute()
            values.update(net_income=record.net_income, per_capita_income=record.per_capita_income)
            self.upsert(old, lambda values: record, values, self.creates, self.updates)

    def apply(self):
        return self.write_planned(IncomeRecord, ["total_income", *INCOME_COLUMNS.values(), "resident_population",
                                                 "net_income", "per_capita_income"])

    def export_queryset(self, scope, area_code):
        qs = visible_incomes(scope)
        return within_area(qs, "household__village", area_code)

    def export_rows(self, qs):
        fields = ["household__number", "year", "total_income", *INCOME_COLUMNS.values()]
        for values in qs.order_by("household__number", "year").values_list(*fields).iterator(chunk_size=BATCH):
            yield list(values)


def headcount(maximum: int):
    return lambda v: cells.whole_number(v, minimum=0, maximum=maximum)


VILLAGE_YEAR_COLUMNS = {
    "总户数": "households",
    "总人口": "population",
    "贫困人口": "poor_population",
    "农民人均纯收入": "per_capita_income",
    "集体经济收入": "collective_income",
    "村两委成员数": "committee_size",
}


@register
class VillageYearSheet(SheetHandler):
    """村情: a village's basic data by year (docs/domain.md §10). Its 村两委成员数 bounds the 村评单位
    ballots of the village's units (§7): the 评议 sheet reads the sizes planned here."""

    name = "村情"
    order = 85  # after the registry and pairing sheets, before 评议, which reads the sizes
    columns = [
        Column("区划代码", registry_cells.area_code, required=True),
        Column("年度", cells.year, required=True),
        Column("总户数", headcount(1_000_000), required=True),
        Column("总人口", headcount(10_000_000), required=True),
        Column("贫困人口", headcount(10_000_000), required=True),
        Column("农民人均纯收入", cells.money, required=True),
        Column("集体经济收入", cells.money),
        Column("村两委成员数", lambda v: cells.whole_number(v, minimum=1, maximum=99)),
    ]

    def plan(self, rows):
        ctx = self.ctx
        rows = self.unique_rows(rows, lambda r: (r["区划代码"], r["年度"]))
        areas = known_areas(ctx, {r["区划代码"] for r in rows})
        existing = {}
        for batch in in_batches({r["区划代码"] for r in rows}):
            existing.update({(v.village_id, v.year): v for v in VillageYear.objects.filter(village_id__in=batch)})
        self.creates, self.updates = [], []
        # (village code, year) → 村两委成员数 of the file (None: not recorded), for the 评议 sheet.
        sizes = ctx.plans["committee_sizes"] = {}
        for row in rows:
            code, year = row["区划代码"], row["年度"]
            try:
                validate_village_year(village=areas.get(code), code=code, population=row["总人口"],
                                      poor_population=row["贫困人口"])
                if not ctx.in_scope(code):
                    raise DomainError(f"村“{code}”不在您的管辖范围内。")
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            values = {field: row[header] for header, field in VILLAGE_YEAR_COLUMNS.items()}
            values["collective_income"] = values["collective_income"] or Decimal(0)  # blank is 0 (docs/roster-format.md)
            if "村两委成员数" not in row.values:
                del values["committee_size"]  # a sheet without the optional column keeps what is stored
            record = self.upsert(existing.get((code, year)), lambda values: VillageYear(village_id=code, year=year, **values), values,
                                 self.creates, self.updates)
            sizes[(code, year)] = record.committee_size

    def apply(self):
        return self.write_planned(VillageYear, list(VILLAGE_YEAR_COLUMNS.values()))

    def export_queryset(self, scope, area_code):
        qs = visible_village_years(scope)
        return within_area(qs, "village", area_code)

    def export_rows(self, qs):
        fields = ["village_id", "year", *VILLAGE_YEAR_COLUMNS.values()]
        for values in qs.order_by("village_id", "year").values_list(*fields).iterator(chunk_size=BATCH):
            yield list(values)


def percent(value) -> Decimal:
    """A percent from 0 to 100, at most to the hundredth."""
    if cells.is_blank(value):
        raise DomainError("应填写百分数（0至100）。")
    amount = cells.money(value)
    if amount > 100:
        raise DomainError(f"{amount}应不大于100（%）。")
    return amount


THRESHOLD_COLUMNS = {
    "省定扶贫标准": "province_line",
    "国家扶贫标准": "national_line",
    "贫困村人均纯收入标准": "village_income_line",
    "贫困发生率标准": "incidence_rate",
}


@register
class ThresholdSheet(SheetHandler):
    """标准: the thresholds of a year (docs/domain.md §10), set by the province. The shortest
    notice (公示最少天数) is no column: a new year takes the default, an existing one keeps its own."""

    name = "标准"
    order = 84  # depends on nothing and nothing on it: exported beside 村情, whose villages it tests
    columns = [
        Column("年度", cells.year, required=True),
        Column("省定扶贫标准", cells.money, required=True),
        Column("国家扶贫标准", cells.money, required=True),
        Column("贫困村人均纯收入标准", cells.money, required=True),
        Column("贫困发生率标准", percent, required=True),
    ]

    def plan(self, rows):
        from shuanglian.scoping import is_province_office

        rows = self.unique_rows(rows, lambda r: r["年度"])
        existing = {line.year: line for line in PovertyLine.objects.filter(year__in=[r["年度"] for r in rows])}
        self.creates, self.updates = [], []
        for row in rows:
            values = {field: row[header] for header, field in THRESHOLD_COLUMNS.items()}
            try:
                validate_poverty_line(**values)
            except DomainError as exc:
                self.error(row, " ".join(exc.messages))
                continue
            old = existing.get(row["年度"])
            if not is_province_office(self.ctx.scope) and (old is None or any(
                    getattr(old, f) != v for f, v in values.items())):
                self.error(row, "扶贫标准由省扶贫办设定，您不能修改。")
                continue
            self.upsert(old, lambda values: PovertyLine(year=row["年度"], **values), values, self.creates, self.updates)

    def apply(self):
        return self.write_planned(PovertyLine, list(THRESHOLD_COLUMNS.values()))

    def export_queryset(self, scope, area_code):
        return PovertyLine.objects.all()  # the province's thresholds: the same for every reader

    def export_rows(self, qs):
        fields = ["year", *THRESHOLD_COLUMNS.values()]
        for values in qs.order_by("year").values_list(*fields):
            yield list(values)
