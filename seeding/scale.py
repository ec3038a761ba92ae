"""A synthetic province for benchmarks (BENCHMARKS.md): deterministic, on the real division list.

``seed_province(size=Size(400_000))`` writes Gansu at the size of the campaign (004): about
6,220 poor villages in 75 poor counties, 400,000 households with 1.6 million members, two
years of income, this year's household plans, 15,000 units, 400,000 cadres with their sign-in
accounts, the unit–village and cadre–household pairings, and a year of visits (~1.9 million),
unit trips, demands and deeds, ~6,000 resident postings with a year of stays and leave for 3 % of
the cadres, each row with its audit-trail record. Smaller sizes scale every
count by households ÷ 400,000. It uses the divisions in the database, and loads Gansu's real
list (households/data/divisions_62.csv.gz) when there are none.

What makes it believable, and what the compliance engine must cope with:
- cadres pair households of the villages their unit is paired with, up to the quota of their
  rank and beyond; households outside those villages (and of the few poor villages no unit
  took) go to cadres of the same county and show up as pairings to review; ~1 % of poor
  households have no cadre, ~0.5 % of poor villages no unit (the coverage gaps);
- hand-overs during the year (the successor starts the next day), cadres who joined in the
  middle of the year, households identified in the year, exited households whose pairing ended;
- diligent, lagging and idle cadres, trips of a day to three weeks, overlapping records of the
  same trip (flagged by the app's own ``flag_anomalies``), touching trips, trips across New Year.

Everything comes from ``random.Random`` seeded per part, so the same seed, size and year give
the same rows. Rows are written with PostgreSQL COPY, or in large executemany batches on
SQLite, never through the ORM row by row; ``verify`` checks a sample with the app's own
validators and every visit against the pairings in one query.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from households.models import Area, AreaLevel, Household, HouseholdPlan, IncomeRecord, Member, PoorAreaYear
from pairing.models import Cadre, Category, HouseholdPairing, Leave, Posting, QuotaPolicy, Rank, Unit, VillagePairing
from shuanglian.helpers import in_batches, pad_area_code
from visits.models import AnomalyFlag, Deed, Demand, DemandFollowUp, Stay, Task, UnitVisit, Visit

FULL_HOUSEHOLDS = 400_000
SIZES = {"tiny": 400, "small": 10_000, "medium": 100_000, "full": FULL_HOUSEHOLDS,
         "double": 2 * FULL_HOUSEHOLDS}  # twice the province: a second point to extrapolate from
# The campaign at full size (004): poor villages, units and cadres scale with the households.
FULL_POOR_VILLAGES = 6_220
FULL_UNITS = 15_000
FULL_CADRES = 400_000
FULL_PROVINCIAL_LEADERS = 40
POOR_COUNTIES = {PoorAreaYear.Kind.CONTIGUOUS_COUNTY: 58, PoorAreaYear.Kind.SCATTERED_COUNTY: 17}
DEFAULT_SEED = 2025
DEFAULT_YEAR = 2025  # a whole year in the past, so that no trip lies in the future
SHANGHAI = ZoneInfo("Asia/Shanghai")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ("建国 秀英 桂兰 玉兰 志强 海燕 永平 小军 春梅 德明 红霞 文杰 明亮 丽娟 天佑 金花 宝山 志刚 淑珍 国庆 兴旺 彩霞 "
         "振华 玉梅 立新 军 芳 静 强 磊 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 福 兰 英 华 虎 燕 鹏 辉 婷").split()
CITY_DEPARTMENTS = ["财政局", "发展和改革委员会", "农业农村局", "水务局", "交通运输局", "住房和城乡建设局", "自然资源局",
                    "人力资源和社会保障局", "民政局", "卫生健康委员会", "教育局", "商务局", "审计局", "统计局", "林业和草原局",
                    "生态环境局", "市场监督管理局", "文化和旅游局", "退役军人事务局", "应急管理局", "科学技术局", "司法局",
                    "公安局", "税务局", "供销合作社", "妇女联合会", "共青团委员会", "总工会", "残疾人联合会", "人民医院",
                    "疾病预防控制中心", "职业技术学校", "农业技术推广中心", "电视台", "档案馆", "供电公司", "自来水公司",
                    "农村商业银行", "人民武装部", "气象局"]
PROVINCE_DEPARTMENTS = ["甘肃省" + d.replace("局", "厅").replace("委员会", "委员会") for d in CITY_DEPARTMENTS]
TOWNSHIP_OFFICES = ["党政办公室", "农业综合服务中心", "财政所", "司法所", "卫生院", "中心小学", "文化站", "林业站",
                    "水利站", "派出所", "社会保障服务中心", "畜牧兽医站"]
CAUSES = [("illness", 25), ("disability", 8), ("schooling", 8), ("disaster", 3), ("land", 5), ("water", 6),
          ("skills", 15), ("labour", 10), ("capital", 12), ("transport", 4), ("drive", 4)]
DEMANDS = {
    "industry": "希望协调发展马铃薯种植的良种和技术", "infrastructure": "村道硬化后通往农田的一段路仍不通",
    "education": "孩子上高中的学费有困难，询问助学政策", "health": "老人慢性病门诊报销比例不清楚",
    "housing": "危房改造补助何时拨付", "welfare": "低保年审材料不知道怎么准备", "dispute": "与邻居的宅基地界线有争议",
    "other": "希望村里安装路灯",
}
DEEDS = {
    "funds": "协调产业扶持资金", "project": "争取人饮工程项目", "training": "组织参加劳务技能培训",
    "jobs": "联系外出务工岗位", "goods": "送去化肥和过冬物资", "other": "帮助办理医保报销手续",
}
NOTES = ["了解家庭收入和种养情况", "宣讲精准扶贫政策", "帮助制定增收计划", "查看危房改造进度", "与户主商量发展养殖",
         "走访了解孩子上学情况", "帮助联系务工", "讲解医疗救助政策", "参加村里的群众会", "看望病中的老人"]
HELP = ["帮助购买种羊", "联系农技员上门指导", "代办医保报销", "送去种子化肥", "协调小额贷款", ""]
MEASURES = ["种植经济作物3亩", "养殖基础母羊2只", "建沼气池1口", "改建卫生厕所1座", "转移就业1人", "参加技能培训",
            "发展庭院经济", "申请产业扶持资金"]
SCHOOLING = ["学龄前", "小学", "初中", "高中", "中职", "大学"]

# How the cadres of a unit are ranked, by the unit's level (the first cadre leads the unit).
RANKS_BY_LEVEL = {
    Unit.Level.PROVINCE: ([Rank.PREFECTURE, Rank.COUNTY, Rank.SECTION, Rank.OTHER], [5, 25, 35, 35]),
    Unit.Level.CITY: ([Rank.PREFECTURE, Rank.COUNTY, Rank.SECTION, Rank.OTHER], [2, 10, 35, 53]),
    Unit.Level.COUNTY: ([Rank.COUNTY, Rank.SECTION, Rank.OTHER], [4, 30, 66]),
    Unit.Level.TOWNSHIP: ([Rank.SECTION, Rank.OTHER], [20, 80]),
}
LEADER_RANK = {Unit.Level.PROVINCE: Rank.PREFECTURE, Unit.Level.CITY: Rank.COUNTY, Unit.Level.COUNTY: Rank.SECTION,
               Unit.Level.TOWNSHIP: Rank.SECTION}
UNIT_LEVELS = ([Unit.Level.PROVINCE, Unit.Level.CITY, Unit.Level.COUNTY, Unit.Level.TOWNSHIP], [6, 14, 50, 30])
CADRES_PER_UNIT = {Unit.Level.PROVINCE: 60, Unit.Level.CITY: 35, Unit.Level.COUNTY: 25, Unit.Level.TOWNSHIP: 15}
KINDS_BY_LEVEL = {
    Unit.Level.PROVINCE: ([Unit.Kind.ORGAN, Unit.Kind.INSTITUTION, Unit.Kind.PEOPLES_ORGANISATION, Unit.Kind.STATE_ENTERPRISE,
                           Unit.Kind.ARMY, Unit.Kind.CENTRAL, Unit.Kind.SOCIAL], [45, 28, 5, 10, 3, 7, 2]),
    Unit.Level.CITY: ([Unit.Kind.ORGAN, Unit.Kind.INSTITUTION, Unit.Kind.PEOPLES_ORGANISATION, Unit.Kind.STATE_ENTERPRISE],
                      [60, 25, 5, 10]),
    Unit.Level.COUNTY: ([Unit.Kind.ORGAN, Unit.Kind.INSTITUTION, Unit.Kind.PEOPLES_ORGANISATION], [65, 30, 5]),
    Unit.Level.TOWNSHIP: ([Unit.Kind.ORGAN, Unit.Kind.INSTITUTION], [70, 30]),
}
CATEGORIES_BY_KIND = {
    Unit.Kind.INSTITUTION: ([Category.INSTITUTION_STAFF, Category.TEACHER, Category.MEDICAL, Category.LOGISTICS], [60, 15, 15, 10]),
    Unit.Kind.STATE_ENTERPRISE: ([Category.INSTITUTION_STAFF, Category.ENTERPRISE, Category.LOGISTICS], [30, 60, 10]),
}
DEFAULT_CATEGORIES = ([Category.CIVIL_SERVANT, Category.INSTITUTION_STAFF, Category.LOGISTICS, Category.TEACHER, Category.MEDICAL],
                      [80, 8, 7, 3, 2])
NO_HOUSEHOLDS = {Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE}
DEFAULT_QUOTAS = {Rank.PROVINCIAL: 5, Rank.PREFECTURE: 3, Rank.COUNTY: 2, Rank.SECTION: 1, Rank.OTHER: 1}
# Cadres' diligence over a year: (share, fewest trips, most trips).
PROFILES = [(0.66, 4, 9), (0.20, 1, 3), (0.06, 0, 0), (0.08, 8, 14)]
TRIP_DAYS = ([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20], [30, 20, 20, 8, 7, 4, 3, 2, 2, 1.5, 1.5, 1])


@dataclass(frozen=True)
class Size:
    households: int

    @property
    def factor(self) -> float:
        return self.households / FULL_HOUSEHOLDS

    def scaled(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.factor))


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    flags: int = 0
    total_seconds: float = 0.0


class Refused(Exception):
    """The database already holds campaign data and no flush was asked for, or a flush was asked
    for without naming the database as disposable."""


def size_of(name: str | None = None, households: int | None = None) -> Size:
    if households is not None:
        if households < 1:
            raise ValueError("households must be at least 1")
        return Size(households)
    return Size(SIZES[name or "small"])


# --- ID numbers -------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_digit(body: str) -> str:
    """GB 11643 check digit of the first 17 digits (the same as stdnum's, without its overhead)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


class IdNumbers:
    """Unique resident ID numbers: region, birth date, an order number per (region, date) with
    the sex in its last digit, the check digit. Members take orders 000–499, cadres 500–999,
    so the two never meet; a counter per (region, birth date) makes them unique by construction."""

    def __init__(self, first_order: int):
        self.first_order = first_order
        self.used: dict[int, int] = {}

    def make(self, region: str, born: date, male: bool) -> str:
        while True:
            key = int(region) * 1_000_000 + born.toordinal()
            k = self.used.get(key, 0)
            if k < 250:
                self.used[key] = k + 1
                body = f"{region}{born:%Y%m%d}{self.first_order + 2 * k + (1 if male else 0):03d}"
                return body + id_check_digit(body)
            born += timedelta(days=1)  # 250 people of one sex-agnostic day and region: take the next day

    def forget(self) -> None:
        self.used.clear()


def _name(rnd: random.Random, surname: str | None = None) -> str:
    return (surname or rnd.choice(SURNAMES)) + rnd.choice(GIVEN)


def _weighted(rnd: random.Random, choices: tuple[list, list]):
    return rnd.choices(choices[0], choices[1])[0]


def _spread(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to the weights that add up to total (largest remainder)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- writing ----------------------------------------------------------------------------------

_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_str(value: str) -> str:
    if _COPY_SPECIAL.search(value):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_json(value) -> str:
    return _copy_str(json.dumps(value, ensure_ascii=False))


COPY_TEXT = {
    str: _copy_str, int: str, bool: lambda v: "t" if v else "f", date: date.isoformat, datetime: datetime.isoformat,
    Decimal: str, uuid.UUID: str, list: _copy_json, dict: _copy_json, type(None): lambda v: "\\N",
}


def _copy_text(value) -> str:
    """A value in COPY's text format; subclasses (TextChoices members) take their base's form."""
    kind = type(value)
    convert = COPY_TEXT.get(kind)
    if convert is None:
        base = next(b for b in (bool, int, str, datetime, date, Decimal) if isinstance(value, b))
        convert = COPY_TEXT[kind] = COPY_TEXT[base]
    return convert(value)


@dataclass
class _Table:
    """How rows given as ``columns`` become rows of a table: the fields in order, the defaults
    of the fields left out, and for an audit-trail table which of those values it copies."""

    model: object
    fields: list
    defaults: list
    pick: list[int] | None = None  # audit trail: positions of the copied values in the full row
    history_date: int | None = None  # audit trail: position of the row's own creation time, if any

    @property
    def sql_table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    @property
    def names(self) -> str:
        return ", ".join(connection.ops.quote_name(f.column) for f in self.fields)


class Writer:
    """Writes rows of a model's table: PostgreSQL COPY in chunks, or executemany on SQLite.

    Rows give the named columns (attnames); any other column of the model gets its default,
    so a nullable or defaulted field added later needs no change here. A model with an audit
    trail (django-simple-history) gets its historical record per row too, as the roster
    import writes it (shuanglian/audit.py): created, at the row's creation time if it has one,
    else at the time the province's roster was loaded."""

    CHUNK = 50_000
    REASON = "合成数据（seed_scale）"

    def __init__(self, report: Report, log, *, history: bool = True, loaded_at: datetime | None = None):
        self.report, self.log = report, log
        self.pg = connection.vendor == "postgresql"
        self.models: list = []
        self.history = history
        self.loaded_at = loaded_at or datetime(2024, 1, 1, 9, 0, tzinfo=SHANGHAI)
        self.tables = set(connection.introspection.table_names())
        self.written: list[str] = []  # tables written, for ANALYZE
        self.counters: dict = {}  # the next key of models numbered here

    @staticmethod
    def next_id(model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
            return (cursor.fetchone()[0] or 0) + 1

    @staticmethod
    def _plan(model, columns: list[str]) -> _Table:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {unknown}")
        # An automatic key left out is the database's to fill.
        extra = [f for name, f in fields.items()
                 if name not in columns and not f.get_internal_type().endswith("AutoField")]
        defaults = []
        for f in extra:
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value: the generator does not know this field")
            defaults.append(value)
        return _Table(model, [fields[c] for c in columns] + extra, defaults)

    def _history_plan(self, model, main: _Table) -> _Table | None:
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if not (self.history and attribute):
            return None
        historical = getattr(model, attribute).model
        if historical._meta.db_table not in self.tables:
            return None
        position = {f.attname: i for i, f in enumerate(main.fields)}
        copied = [f for f in historical._meta.concrete_fields if f.attname in position]
        own = {"history_date": None, "history_change_reason": self.REASON, "history_type": "+", "history_user_id": None}
        table = self._plan(historical, [f.attname for f in copied] + list(own))
        table.defaults = list(own.values())[1:] + table.defaults  # history_date comes per row, first
        table.pick = [position[f.attname] for f in copied]
        table.history_date = position.get("created_at")
        return table

    def write(self, model, columns: list[str], rows, label: str | None = None) -> int:
        started = time.perf_counter()
        key = model._meta.pk.attname
        if key not in columns:  # numbered here: the audit trail copies the key
            first = self.counters.get(model) or self.next_id(model)
            rows = [(first + i, *row) for i, row in enumerate(rows)]
            self.counters[model] = first + len(rows)
            columns = [key, *columns]
        main = self._plan(model, columns)
        history = self._history_plan(model, main)
        written = 0
        with connection.cursor() as cursor:
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= self.CHUNK:
                    written += self._write_chunk(cursor, main, history, chunk)
                    chunk = []
            if chunk:
                written += self._write_chunk(cursor, main, history, chunk)
        seconds = time.perf_counter() - started
        label = label or model._meta.db_table
        self.report.counts[label] = self.report.counts.get(label, 0) + written
        self.report.seconds[label] = self.report.seconds.get(label, 0.0) + seconds
        if history:
            self.report.counts["audit trail"] = self.report.counts.get("audit trail", 0) + written
        if model not in self.models:
            self.models.append(model)
        self.log(f"{label:<28} {written:>10,} rows {seconds:8.1f} s")
        return written

    def _write_chunk(self, cursor, main: _Table, history: _Table | None, rows: list) -> int:
        if self.pg:
            tail = "".join("\t" + _copy_text(v) for v in main.defaults)
            texts = [[_copy_text(v) for v in row] for row in rows]
            self._copy(cursor, main, ["\t".join(t) + tail for t in texts])
            if history:
                loaded = _copy_text(self.loaded_at)
                extra = "".join("\t" + _copy_text(v) for v in history.defaults)
                full = [t + [_copy_text(v) for v in main.defaults] for t in texts] if main.defaults else texts
                at = history.history_date
                self._copy(cursor, history, ["\t".join([t[i] for i in history.pick]) + "\t" + (t[at] if at is not None else loaded)
                                             + extra for t in full])
        else:
            values = [list(row) + main.defaults for row in rows]
            self._insert(cursor, main, values)
            if history:
                at = history.history_date
                self._insert(cursor, history, [[v[i] for i in history.pick] + [v[at] if at is not None else self.loaded_at]
                                               + history.defaults for v in values])
        return len(rows)

    def _copy(self, cursor, table: _Table, lines: list[str]) -> None:
        cursor.copy_expert(f"COPY {table.sql_table} ({table.names}) FROM STDIN", io.StringIO("\n".join(lines) + "\n"))
        if table.sql_table not in self.written:
            self.written.append(table.sql_table)

    def _insert(self, cursor, table: _Table, rows: list[list]) -> None:
        sql = f"INSERT INTO {table.sql_table} ({table.names}) VALUES ({', '.join(['%s'] * len(table.fields))})"
        cursor.executemany(sql, [[f.get_db_prep_save(v, connection) for f, v in zip(table.fields, row)] for row in rows])
        if table.sql_table not in self.written:
            self.written.append(table.sql_table)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- what the province looks like ---------------------------------------------------------------

@dataclass
class Village:
    code: str
    name: str
    community: bool
    poor: bool = False
    units: list[int] = field(default_factory=list)  # indexes into the unit list
    households: list[int] = field(default_factory=list)  # household ids


@dataclass
class UnitRow:
    id: int
    code: str
    name: str
    level: str
    kind: str
    area: str
    villages: list[str]
    cadres: list[int] = field(default_factory=list)  # indexes into the cadre list


@dataclass
class CadreRow:
    id: int
    id_number: str
    name: str
    unit: int  # index into the unit list
    rank: str
    category: str
    user_id: int
    home: str | None = None  # the village whose households the cadre helps first
    joins_later: bool = False  # transferred in during the year: takes over households only
    pairings: list[int] = field(default_factory=list)  # indexes into the pairing list

    @property
    def pairs(self) -> bool:
        return self.category not in NO_HOUSEHOLDS


@dataclass
class PairingRow:
    id: int
    cadre: int  # index into the cadre list
    household: int  # household id
    start: date
    end: date | None = None
    end_reason: str = ""
    successor: int | None = None  # pairing id


class Province:
    """The synthetic province, built in memory from the division list, then written table by table."""

    def __init__(self, *, size: Size, seed: int, year: int, log):
        self.size, self.seed, self.year, self.log = size, seed, year, log
        self.y0, self.y1 = date(year, 1, 1), date(year, 12, 31)
        # Trips end yesterday at the latest: a seed of the current year holds no trip in the future.
        self.last_trip_day = min(self.y1, date.today() - timedelta(days=1))
        self.term = date(year - 1, 1, 1)  # the current three-year term began the year before
        self.areas: dict[str, str] = {}
        self.villages: dict[str, Village] = {}
        self.poor_counties: dict[str, str] = {}
        self.units: list[UnitRow] = []
        self.cadres: list[CadreRow] = []
        self.pairings: list[PairingRow] = []
        self.household_village: dict[int, str] = {}
        self.household_status: dict[int, tuple[str, int | None]] = {}
        self.household_size: dict[int, int] = {}
        self.village_pairings: list[tuple[int, int, str, date, date | None, str]] = []

    def rnd(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    # -- areas --
    def load_areas(self) -> None:
        for code, name, level in Area.objects.filter(code__startswith="62").values_list("code", "name", "level").order_by("code"):
            self.areas[code] = name
            if level == AreaLevel.VILLAGE:
                self.villages[code] = Village(code, name, community=name.endswith(("社区", "居委会", "居民委员会")))

    def choose_poor(self) -> None:
        rnd = self.rnd("poor")
        rural = defaultdict(list)
        for v in self.villages.values():
            if not v.community:
                rural[v.code[:6]].append(v)
        # The most rural counties are the poor ones (the cities' districts are not).
        counties = sorted(rural, key=lambda c: (-len(rural[c]), c))[: sum(POOR_COUNTIES.values())]
        rnd.shuffle(counties)
        contiguous = POOR_COUNTIES[PoorAreaYear.Kind.CONTIGUOUS_COUNTY]
        self.poor_counties = {pad_area_code(c): (PoorAreaYear.Kind.CONTIGUOUS_COUNTY if i < contiguous
                                                 else PoorAreaYear.Kind.SCATTERED_COUNTY) for i, c in enumerate(sorted(counties))}
        candidates = sorted((v for c in counties for v in rural[c]), key=lambda v: v.code)
        wanted = min(len(candidates), self.size.scaled(FULL_POOR_VILLAGES))
        for v in rnd.sample(candidates, wanted):
            v.poor = True
        self.poor_villages = sorted((v for v in candidates if v.poor), key=lambda v: v.code)
        others = sorted((v for v in self.villages.values() if not v.poor and v.code[:6] in {c[:6] for c in self.poor_counties}),
                        key=lambda v: v.code)
        # Scattered poor households live in non-poor villages and communities of the poor counties.
        n_other = max(1, round(len(self.poor_villages) * 0.7)) if self.size.households >= 50 else 1
        self.other_villages = sorted(rnd.sample(others, min(len(others), n_other)), key=lambda v: v.code)

    # -- units and cadres --
    def make_units(self, first_id: int) -> None:
        rnd = self.rnd("units")
        n_units = self.size.scaled(FULL_UNITS)
        covered = [v for v in self.poor_villages]
        gaps = max(0, round(len(covered) * 0.005)) if len(covered) > 20 else 0
        uncovered = set(v.code for v in rnd.sample(covered, gaps))
        covered = [v for v in covered if v.code not in uncovered]
        primary = covered[:n_units] + [rnd.choice(covered) for _ in range(max(0, n_units - len(covered)))]
        rnd.shuffle(primary)
        names_used: dict[str, int] = defaultdict(int)
        by_area = defaultdict(list)
        for v in covered:
            for prefix in (v.code[:4], v.code[:6], v.code[:9]):
                by_area[prefix].append(v)
        for i, village in enumerate(primary):
            level = _weighted(rnd, UNIT_LEVELS)
            kind = _weighted(rnd, KINDS_BY_LEVEL[level])
            code = village.code
            if level == Unit.Level.PROVINCE:
                area, base = "620000000000", rnd.choice(PROVINCE_DEPARTMENTS)
                nearby = covered
            elif level == Unit.Level.CITY:
                area = pad_area_code(code[:4])
                base, nearby = self.areas.get(area, "") + rnd.choice(CITY_DEPARTMENTS), by_area[code[:4]]
            elif level == Unit.Level.COUNTY:
                area = pad_area_code(code[:6])
                base, nearby = self.areas.get(area, "") + rnd.choice(CITY_DEPARTMENTS), by_area[code[:6]]
            else:
                area = pad_area_code(code[:9])
                base, nearby = self.areas.get(area, "") + rnd.choice(TOWNSHIP_OFFICES), by_area[code[:9]]
            names_used[base] += 1
            name = base if names_used[base] == 1 else f"{base}（{names_used[base]}）"
            villages = [village.code]
            if rnd.random() < 0.10 and len(nearby) > 1:
                second = rnd.choice(nearby)
                if second.code != village.code:
                    villages.append(second.code)
            unit = UnitRow(first_id + i, f"DW{i + 1:06d}", name[:100], level, kind, area, villages)
            self.units.append(unit)
            for v in villages:
                self.villages[v].units.append(i)

    def make_cadres(self, first_id: int, first_user_id: int) -> None:
        rnd = self.rnd("cadres")
        ids = IdNumbers(first_order=500)
        n_cadres = max(self.size.scaled(FULL_CADRES), len(self.units))
        weights = [CADRES_PER_UNIT[u.level] * rnd.uniform(0.6, 1.4) for u in self.units]
        per_unit = [max(1, n) for n in _spread(n_cadres - len(self.units), weights)]
        per_unit = [n + 1 for n in per_unit]  # every unit has a leader
        leaders = self.size.scaled(FULL_PROVINCIAL_LEADERS)
        county_of = {}
        for code in self.areas:
            if Area.level_of(code) == AreaLevel.COUNTY:
                county_of.setdefault(code[:4], code[:6])
        for u_index, (unit, count) in enumerate(zip(self.units, per_unit)):
            region = (unit.area[:6] if unit.level in (Unit.Level.COUNTY, Unit.Level.TOWNSHIP)
                      else county_of.get(unit.area[:4], "620102") if unit.level == Unit.Level.CITY else "620102")
            for k in range(count):
                if k == 0:
                    rank = Rank.PROVINCIAL if unit.level == Unit.Level.PROVINCE and leaders > 0 else LEADER_RANK[unit.level]
                    leaders -= rank == Rank.PROVINCIAL
                    category = Category.CIVIL_SERVANT if unit.kind != Unit.Kind.INSTITUTION else Category.INSTITUTION_STAFF
                else:
                    rank = _weighted(rnd, RANKS_BY_LEVEL[unit.level])
                    category = _weighted(rnd, CATEGORIES_BY_KIND.get(unit.kind, DEFAULT_CATEGORIES))
                male = rnd.random() < 0.62
                born = date(self.year - rnd.randint(24, 59), rnd.randint(1, 12), rnd.randint(1, 28))
                index = len(self.cadres)
                cadre = CadreRow(first_id + index, ids.make(region, born, male), _name(rnd), u_index, rank, category,
                                 first_user_id + index, home=unit.villages[k % len(unit.villages)])
                cadre.joins_later = cadre.pairs and k > 0 and rnd.random() < 0.01
                self.cadres.append(cadre)
                unit.cadres.append(index)

    # -- households --
    def make_households(self, writer: Writer, first_id: int, first_member_id: int) -> None:
        rnd = self.rnd("households")
        ids = IdNumbers(first_order=0)
        total = self.size.households
        in_poor = round(total * 0.9) if self.other_villages else total
        # Poor villages with more units' cadres have more poor households: the province sent more
        # help where there were more to help, so that each cadre has a household or two.
        helpers = defaultdict(int)
        for cadre in self.cadres:
            helpers[cadre.home] += cadre.pairs and not cadre.joins_later
        usual = sum(helpers.values()) / max(1, len(self.poor_villages))
        counts = _spread(in_poor, [(helpers.get(v.code) or usual) * rnd.uniform(0.85, 1.15) for v in self.poor_villages])
        counts += _spread(total - in_poor, [rnd.uniform(0.5, 1.5) for _ in self.other_villages])
        places = [(v, n) for v, n in zip(self.poor_villages + self.other_villages, counts)]
        places.sort(key=lambda p: p[0].code)  # county by county: the ID counters can be forgotten per county
        y = self.year
        households, members, incomes, plans = [], [], [], []
        hid, mid = first_id, first_member_id
        county = None
        for village, n in places:
            if village.code[:6] != county:
                county = village.code[:6]
                ids.forget()
            kind = Household.Kind.URBAN if village.community else Household.Kind.RURAL
            for serial in range(1, n + 1):
                number = f"{village.code}{serial:04d}"
                size = rnd.choices((1, 2, 3, 4, 5, 6, 7, 8), (6, 13, 20, 23, 19, 11, 6, 2))[0]
                roll = rnd.random()
                if roll < 0.80:
                    status, exit_year = Household.Status.REGISTERED, None
                elif roll < 0.82:
                    status, exit_year = Household.Status.IDENTIFIED, None
                elif roll < 0.90:
                    status, exit_year = Household.Status.EXITED, y - 1
                elif roll < 0.97:
                    status, exit_year = Household.Status.EXITED, y
                else:
                    status, exit_year = Household.Status.RETURNED, y - 2
                surname = rnd.choice(SURNAMES)
                head_male = rnd.random() < 0.85
                head_age = rnd.randint(28, 78) if size > 1 else rnd.randint(45, 85)
                head_born = date.fromordinal(date(y - head_age, 1, 1).toordinal() + rnd.randint(0, 364))
                head_id = ids.make(county, head_born, head_male)
                head_name = _name(rnd, surname)
                main = rnd.choices([c for c, _ in CAUSES], [w for _, w in CAUSES])[0]
                others = sorted({c for c, _ in rnd.sample(CAUSES, rnd.randint(0, 2))} - {main})
                housing = rnd.choices((True, False, None), (85, 10, 5))[0]
                households.append((hid, number, village.code, head_name, head_id, kind, size, main, others, housing,
                                   status, exit_year, datetime(y, 12, 31, 18, 0, tzinfo=SHANGHAI)))
                self.household_village[hid] = village.code
                self.household_status[hid] = (status, exit_year)
                self.household_size[hid] = size
                village.households.append(hid)
                # The head is a member too; then spouse, children, parents or grandchildren.
                people = [(head_id, head_name, "户主", head_male, head_born)]
                if size > 1 and rnd.random() < 0.9:
                    born = head_born + timedelta(days=rnd.randint(-1500, 2500))
                    people.append((ids.make(county, born, not head_male), _name(rnd), "配偶", not head_male, born))
                while len(people) < size:
                    if head_age >= 58 and rnd.random() < 0.6:
                        relation, age = rnd.choice([("孙子女", rnd.randint(1, 15)), ("子女", rnd.randint(20, 40)),
                                                    ("儿媳", rnd.randint(20, 40))])
                    elif head_age < 50 and rnd.random() < 0.25:
                        relation, age = rnd.choice(["父亲", "母亲"]), head_age + rnd.randint(22, 34)
                    else:
                        relation, age = "子女", max(1, head_age - rnd.randint(20, 38))
                    male = relation == "父亲" or (relation not in ("母亲", "儿媳") and rnd.random() < 0.52)
                    born = date.fromordinal(date(y - min(age, 99), 1, 1).toordinal() + rnd.randint(0, 364))
                    people.append((ids.make(county, born, male), _name(rnd, surname if relation != "儿媳" else None),
                                   relation, male, born))
                migrants = False
                for idn, name, relation, male, born in people:
                    age = y - born.year
                    health = rnd.choices(("healthy", "chronic", "serious", "disabled"), (70, 18, 7, 5))[0] if age > 15 else "healthy"
                    if age < 16 or age > 75:
                        labour = "none"
                    elif health in ("serious", "disabled"):
                        labour = rnd.choice(("lost", "weak"))
                    else:
                        labour = rnd.choices(("ordinary", "skilled", "weak"), (70, 12, 18))[0]
                    migrant = 18 <= age <= 50 and labour in ("ordinary", "skilled") and rnd.random() < 0.35
                    migrants = migrants or migrant
                    schooling = SCHOOLING[min(5, max(0, (age - 3) // 4))] if age < 22 else ""
                    members.append((mid, hid, idn, name, relation, "M" if male else "F", born, health, labour,
                                    "肢体" if health == "disabled" else "", schooling, migrant,
                                    age < 16 and migrants and rnd.random() < 0.5, size == 1 and age >= 60))
                    mid += 1
                # Income of last year and this year, by the registry's formula, to the fen.
                per_head = rnd.randint(2300, 4200) * 100
                for year, growth in ((y - 1, 100), (y, rnd.randint(100, 128))):
                    net = per_head * growth // 100 * size
                    costs = [rnd.randint(800, 3000) * 100, rnd.randint(0, 200) * 100, rnd.randint(100, 900) * 100,
                             rnd.choice((0, 0, 5000)), rnd.choice((0, 0, 20000, 50000))]
                    total_fen = net + sum(costs)
                    incomes.append((hid, year, size, _fen(total_fen), *(_fen(c) for c in costs), _fen(net),
                                    _fen((2 * net + size) // (2 * size))))
                if status != Household.Status.EXITED:
                    plans.append((hid, y, Decimal(per_head // 100 * 13 // 10), "；".join(rnd.sample(MEASURES, 3)),
                                  y + rnd.randint(0, 2)))
                hid += 1
            if len(members) > 200_000:
                self._flush_households(writer, households, members, incomes, plans)
                households, members, incomes, plans = [], [], [], []
        self._flush_households(writer, households, members, incomes, plans)

    def _flush_households(self, writer, households, members, incomes, plans) -> None:
        writer.write(Household, ["id", "number", "village_id", "head_name", "head_id_number", "kind", "resident_population",
                                 "main_cause", "other_causes", "housing_safe", "status", "exit_year", "updated_at"], households)
        writer.write(Member, ["id", "household_id", "id_number", "name", "relation", "sex", "birth_date", "health",
                              "labour_ability", "disability", "schooling", "migrant_worker", "left_behind_child",
                              "elderly_alone"], members)
        writer.write(IncomeRecord, ["household_id", "year", "resident_population", "total_income", "operating_costs",
                                    "taxes_and_fees", "depreciation", "survey_subsidy", "gifts_outside", "net_income",
                                    "per_capita_income"], incomes)
        writer.write(HouseholdPlan, ["household_id", "year", "target_income", "measures", "exit_deadline"], plans)

    # -- pairings --
    def pair_villages(self, first_id: int) -> None:
        """Units take their villages for the term; ~2 % of the pairings change hands in the year."""
        rnd = self.rnd("village-pairings")
        pid = first_id
        for u_index, unit in enumerate(self.units):
            for code in unit.villages:
                if rnd.random() < 0.02 and len(self.units) > 1:
                    day = self.y0 + timedelta(days=rnd.randint(30, 330))
                    self.village_pairings.append((pid, u_index, code, self.term, day, "单位调整"))
                    other = rnd.randrange(len(self.units))
                    if other != u_index and code not in self.units[other].villages:
                        self.village_pairings.append((pid + 1, other, code, day + timedelta(days=1), None, ""))
                        pid += 1
                else:
                    self.village_pairings.append((pid, u_index, code, self.term, None, ""))
                pid += 1

    def pair_households(self, first_id: int, quotas: dict[str, int]) -> None:
        rnd = self.rnd("pairings")
        y0, term = self.y0, self.term
        helpers: dict[str, list[int]] = defaultdict(list)
        latecomers: dict[int, list[int]] = defaultdict(list)  # unit → cadres who join during the year
        for index, cadre in enumerate(self.cadres):
            if cadre.pairs:
                (latecomers[cadre.unit] if cadre.joins_later else helpers[cadre.home]).append(index)
        load = [0] * len(self.cadres)
        assigned: dict[int, int] = {}
        leftovers: dict[str, list[int]] = defaultdict(list)  # county → households still without a cadre
        poor_households = [h for v in self.poor_villages + self.other_villages for h in v.households
                           if self.household_status[h][0] != Household.Status.EXITED]
        gaps = set(rnd.sample(poor_households, round(len(poor_households) * 0.01))) if len(poor_households) > 100 else set()
        # In the villages of their unit: one household each, then the senior ranks up to their
        # quota, then the rest round the table.
        for village in self.poor_villages:
            cadres = sorted(helpers.get(village.code, []), key=lambda c: (-quotas[self.cadres[c].rank], c))
            wanted = [h for h in village.households if h not in gaps]
            rnd.shuffle(wanted)
            for least in (1, None):
                for c in cadres:
                    while wanted and load[c] < (least or quotas[self.cadres[c].rank]):
                        assigned[wanted.pop()] = c
                        load[c] += 1
            for i, h in enumerate(wanted):
                if cadres:
                    c = cadres[i % len(cadres)]
                    assigned[h], load[c] = c, load[c] + 1
                else:
                    leftovers[village.code[:6]].append(h)
        for village in self.other_villages:
            leftovers[village.code[:6]].extend(h for h in village.households if h not in gaps)
        # Elsewhere in the county (listed for review): cadres below quota first, then any cadre there.
        county_helpers: dict[str, list[int]] = defaultdict(list)
        for code, cadres in helpers.items():
            county_helpers[code[:6]].extend(cadres)
        everyone = sorted(c for cs in helpers.values() for c in cs)
        for county in sorted(leftovers):
            pool = sorted(county_helpers.get(county) or everyone, key=lambda c: (load[c] - quotas[self.cadres[c].rank], c))
            for i, h in enumerate(leftovers[county]):
                if pool:
                    c = pool[i % len(pool)]
                    assigned[h], load[c] = c, load[c] + 1
        # The pairings: for the term, from the day of identification, ended after exit, or handed over.
        pid = first_id
        for h in sorted(assigned):
            c = assigned[h]
            status, exit_year = self.household_status[h]
            start = term if status != Household.Status.IDENTIFIED else y0 + timedelta(days=rnd.randint(20, 300))
            pairing = PairingRow(pid, c, h, start)
            pid += 1
            self._add_pairing(pairing)
            if status == Household.Status.EXITED and exit_year == self.year - 1 and rnd.random() < 0.4:
                pairing.end, pairing.end_reason = date(self.year - 1, 12, 31), "已脱贫"
                continue
            roll = rnd.random()
            unit = self.cadres[c].unit
            if roll < 0.03 or (roll < 0.04 and start == term):
                # Handed over in this year (or, 1 in 100, last year: history): the successor starts the next day.
                last_year = roll >= 0.03
                day = (date(self.year - 1, 1, 1) if last_year else y0) + timedelta(days=rnd.randint(10, 340))
                if day <= start:
                    continue
                pool = latecomers.get(unit) if not last_year and latecomers.get(unit) and rnd.random() < 0.5 else \
                    [k for k in self.units[unit].cadres if self.cadres[k].pairs and k != c] or None
                if not pool:
                    continue
                successor = PairingRow(pid, rnd.choice(pool), h, day + timedelta(days=1))
                pid += 1
                pairing.end, pairing.end_reason, pairing.successor = day, rnd.choice(["工作调动", "退休", "岗位调整"]), successor.id
                self._add_pairing(successor)

    def _add_pairing(self, pairing: PairingRow) -> None:
        self.pairings.append(pairing)
        self.cadres[pairing.cadre].pairings.append(len(self.pairings) - 1)

    # -- visits --
    def make_visits(self, writer: Writer, first_id: int, first_link_id: int) -> list[tuple[int, date]]:
        """A year of trips per cadre, pro-rated to the part of the year the cadre was paired.
        Returns (id, start) of the trips that may need a flag (overlapping, or reaching two villages)."""
        rnd = self.rnd("visits")
        y0, y1 = self.y0.toordinal(), self.last_trip_day.toordinal()
        visits, links, suspects = [], [], []
        vid, lid = first_id, first_link_id
        demands, deeds = [], []
        tasks_all = list(Task.values)
        self.demand_rows, self.deed_rows = demands, deeds
        for index, cadre in enumerate(self.cadres):
            spans = []
            for p_index in cadre.pairings:
                p = self.pairings[p_index]
                s = max(p.start.toordinal(), y0)
                e = min(p.end.toordinal() if p.end else y1, y1)
                if s <= e:
                    spans.append((s, e, p))
            if not spans:
                continue
            share = (max(e for s, e, _ in spans) - min(s for s, e, _ in spans) + 1) / (self.y1.toordinal() - y0 + 1)
            profile = rnd.choices(PROFILES, [p[0] for p in PROFILES])[0]
            n = rnd.randint(profile[1], profile[2]) * share
            n = int(n) + (rnd.random() < n - int(n))
            trips: list[tuple[int, int]] = []

            def free(first: int, last: int) -> bool:  # a cadre is in one place at a time
                return all(last < s or first > e for s, e in trips)

            for _ in range(n):
                for _attempt in range(4):
                    s, e, p = rnd.choices(spans, [e - s + 1 for s, e, _ in spans])[0]
                    days = min(_weighted(rnd, TRIP_DAYS), e - s + 1)
                    start = rnd.randint(s, e - days + 1)
                    if free(start, start + days - 1):
                        break
                else:
                    continue  # a crowded year: one trip fewer
                trips.append((start, start + days - 1))
                extra = rnd.random()
                if extra < 0.02:  # the same trip entered twice, a little differently: overlapping records
                    shift = rnd.randint(0, days - 1)
                    trips.append((start + shift, min(e, start + shift + rnd.randint(0, 2))))
                elif extra < 0.05 and start + days <= e and free(start + days, start + days):
                    # straight on to the next household: touching trips, two visits
                    last = start + days
                    while last < min(e, start + days + 2) and free(last + 1, last + 1):
                        last += 1
                    trips.append((start + days, last))
            # Now and then a stay across New Year, for cadres paired since the year before.
            if rnd.random() < 0.01 and any(p.start.toordinal() < y0 - 10 and s == y0 for s, e, p in spans):
                start = y0 - rnd.randint(1, 6)
                trips.append((start, y0 + rnd.randint(0, 4)))
            trips.sort()
            running = None
            user = cadre.user_id
            for start, end in trips:
                covering = [self.pairings[k].household for k in cadre.pairings
                            if self.pairings[k].start.toordinal() <= start
                            and (self.pairings[k].end is None or self.pairings[k].end.toordinal() >= end)]
                if not covering:
                    continue
                # One household, two, or all of them in one village; now and then (1 in 200) the
                # trip also names a household of another village, which the office will be asked to check.
                first = rnd.choice(covering)
                here = [h for h in covering if self.household_village[h] == self.household_village[first]]
                roll = rnd.random()
                chosen = [first] if roll < 0.7 or len(here) == 1 else \
                    [first, rnd.choice([h for h in here if h != first])] if roll < 0.9 else here
                elsewhere = [h for h in covering if self.household_village[h] != self.household_village[first]]
                if elsewhere and rnd.random() < 0.005:
                    chosen.append(rnd.choice(elsewhere))
                own = rnd.random() < 0.8
                s, e = date.fromordinal(start), date.fromordinal(end)
                visits.append((vid, cadre.id, s, e, end > start and rnd.random() < 0.6,
                               sorted(rnd.sample(tasks_all, rnd.randint(1, 3))), rnd.choice(HELP), rnd.choice(NOTES),
                               uuid.UUID(int=rnd.getrandbits(128), version=4) if own else None, user if own else None,
                               _evening(e)))
                for h in sorted(chosen):
                    links.append((lid, vid, h))
                    lid += 1
                # flag_anomalies looks up every trip that overlaps the one it is given, so the later
                # trip of each overlapping pair, and every trip reaching two villages, is enough.
                if running is not None and start <= running or len({self.household_village[h] for h in chosen}) > 1:
                    suspects.append((vid, s))
                running = end if running is None else max(running, end)
                roll = rnd.random()
                if roll < 0.10:
                    h = chosen[0]
                    category = rnd.choice(list(DEMANDS))
                    demands.append((cadre.id, h, self.household_village[h], vid, category, DEMANDS[category], e))
                elif roll < 0.18:
                    h = chosen[0]
                    category = rnd.choice(list(DEEDS))
                    deeds.append((cadre.id, h, self.household_village[h], e, category, DEEDS[category],
                                  Decimal(rnd.choice((0, 0, 200, 500, 1000, 3000, 10000))), rnd.randint(1, self.household_size[h])))
                vid += 1
            if len(visits) >= 200_000:
                writer.write(Visit, VISIT_COLUMNS, visits)
                writer.write(Visit.households.through, ["id", "visit_id", "household_id"], links, label="visits_visit_households")
                visits, links = [], []
        writer.write(Visit, VISIT_COLUMNS, visits)
        writer.write(Visit.households.through, ["id", "visit_id", "household_id"], links, label="visits_visit_households")
        return sorted(set(suspects))

    def make_unit_visits(self) -> list[tuple]:
        rnd = self.rnd("unit-visits")
        y0, y1 = self.y0.toordinal(), self.last_trip_day.toordinal()
        rows, seen = [], set()
        for _pid, u_index, code, start, end, _reason in self.village_pairings:
            s, e = max(start.toordinal(), y0), min(end.toordinal() if end else y1, y1)
            if s > e:
                continue
            unit = self.units[u_index]
            leader = self.cadres[unit.cadres[0]].id if unit.cadres else None
            share = (e - s + 1) / (self.y1.toordinal() - y0 + 1)
            n = rnd.choices((1, 3, 4, 5, 6, 8), (5, 15, 30, 25, 15, 10))[0] * share
            for _ in range(int(n) + (rnd.random() < n - int(n))):
                days = min(rnd.choice((1, 2, 3, 5, 7, 10, 15)), e - s + 1)
                first = rnd.randint(s, e - days + 1)
                key = (unit.id, code, first, first + days - 1)
                if key in seen:
                    continue
                seen.add(key)
                rows.append((unit.id, code, date.fromordinal(first), date.fromordinal(first + days - 1), leader,
                             rnd.randint(2, 5), rnd.choice(NOTES)))
        return rows

    def make_residents(self, first_posting_id: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """Resident work teams (docs/domain.md §11): about one posting per poor village (6,000 at
        full size), a cadre of a unit paired with the village, most posted since the term began,
        some from the middle of the year, a few ending in it; a year of stays each (3 days to three
        weeks with short breaks home, now and then the same stay entered twice, or one across New
        Year); and leave for 3 % of all cadres, now and then two spells.
        Returns the rows of postings, stays and leave."""
        rnd = self.rnd("residents")
        y0, y1, last = self.y0.toordinal(), self.y1.toordinal(), self.last_trip_day.toordinal()
        villages = [v for v in self.poor_villages if v.units]
        rnd.shuffle(villages)
        postings, stays, posted = [], [], set()
        for i in range(min(self.size.scaled(6_000), 3 * len(villages))):
            village = villages[i % len(villages)]
            unit = self.units[rnd.choice(village.units)]
            free = [c for c in unit.cadres if c not in posted]
            if not free:
                continue
            index = rnd.choice(free)
            posted.add(index)  # one posting per cadre: a cadre lives in one village
            cadre = self.cadres[index]
            roll = rnd.random()
            start = (y0 + rnd.randint(30, 300)) if roll < 0.10 else self.term.toordinal()
            end = (y0 + rnd.randint(60, 300)) if 0.10 <= roll < 0.15 else None
            role = "first_secretary" if i < len(villages) else rnd.choice(("leader", "member", "member"))
            pid = first_posting_id + len(postings)
            postings.append((pid, cadre.id, village.code, role, date.fromordinal(start), end and date.fromordinal(end)))
            s, e = max(start, y0), min(end or last, last)
            seen = set()
            if start < y0 - 10 and rnd.random() < 0.10:  # a stay across New Year
                seen.add((y0 - rnd.randint(1, 6), y0 + rnd.randint(0, 4)))
            day = s + rnd.randint(0, 5)
            breaks = (1, 2, 2, 3, 4, 7) if rnd.random() < 0.7 else (3, 5, 7, 10, 14)  # most live there, some lag
            while day <= e:
                length = rnd.choice((3, 5, 7, 7, 10, 14, 21))
                stay = (day, min(e, day + length - 1))
                seen.add(stay)
                if rnd.random() < 0.02:  # the same stay entered twice, a little differently
                    seen.add((stay[0] + rnd.randint(0, stay[1] - stay[0]), stay[1]))
                day = stay[1] + rnd.choice(breaks)
            stays += [(cadre.id, pid, date.fromordinal(a), date.fromordinal(b), "", _evening(date.fromordinal(b)))
                      for a, b in sorted(seen)]
        leave = []
        for cadre in self.cadres:
            if rnd.random() >= 0.03:
                continue
            start = rnd.randint(y0, y1)
            for _spell in range(1 if rnd.random() < 0.9 else 2):
                end = start + rnd.choice((2, 4, 6, 13, 29, 59, 89))
                leave.append((cadre.id, date.fromordinal(start), date.fromordinal(end), rnd.choice(LEAVE_REASONS)))
                start = end + rnd.randint(20, 120)
        return postings, stays, leave


LEAVE_REASONS = ("病假", "产假", "脱产学习", "借调", "事假")

VISIT_COLUMNS = ["id", "cadre_id", "start", "end", "stayed", "tasks", "help_given", "notes", "idempotency_key",
                 "created_by_id", "created_at"]


def _fen(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def _evening(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 20, 0, tzinfo=SHANGHAI)


# --- the whole seed ------------------------------------------------------------------------------

SEEDED_MODELS = [PoorAreaYear, Household, Member, IncomeRecord, HouseholdPlan, Unit, Cadre, VillagePairing,
                 HouseholdPairing, Visit, UnitVisit, Demand, DemandFollowUp, Deed, Posting, Stay, Leave]


def campaign_rows() -> int:
    """Rows of households, units, cadres, pairings and visits already in the database."""
    return sum(1 for model in (Household, Unit, Cadre, HouseholdPairing, Visit) if model.objects.exists())


def database_name() -> str:
    """The database the settings point at: PostgreSQL's database name, SQLite's file path."""
    return str(connection.settings_dict["NAME"])


def check_disposable(disposable: str | None) -> None:
    """A flush empties the campaign tables and their audit trail of whatever database the
    settings point at (DATABASE_URL), so it goes ahead only where the caller names that very
    database as disposable: a command copied with a production DATABASE_URL in the shell is
    refused, and nothing is deleted. An SQLite file may be named by its path or its file name."""
    name = database_name()
    if disposable and disposable in {name, name.rsplit("/", 1)[-1]}:
        return
    if disposable:
        raise Refused(f"--disposable 指定的是“{disposable}”，而要清空的是数据库“{name}”，已拒绝，未删除任何数据。")
    raise Refused(f"--flush 会删除数据库“{name}”中的全部双联数据及其审计记录，已拒绝，未删除任何数据。"
                  f"确认它是可以丢弃的基准或测试数据库后，加 --disposable {name} 再运行。")


def flush_campaign(*, disposable: str | None, log=lambda line: None) -> None:
    """Empty every table the seed writes and the rows that point at them (ballots, photos,
    flags, a unit administrator's role…), and delete the cadres' sign-in accounts. Areas,
    policies, staff accounts and office roles stay. ``disposable`` names the database, as
    ``check_disposable`` requires."""
    check_disposable(disposable)
    User = get_user_model()
    qn = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    doomed = [m for m in _with_dependants(SEEDED_MODELS) if m._meta.db_table in existing]
    # Their audit trail goes with them (its tables hold no foreign keys to find them by).
    trails = [getattr(m, m._meta.simple_history_manager_attribute).model for m in doomed
              if getattr(m._meta, "simple_history_manager_attribute", None)]
    trails = [t for t in trails if t._meta.db_table in existing]
    # Tables where a row may point at campaign data or not (a role has a unit or an area):
    # only the rows that do are deleted.
    mixed = {}
    for model in doomed:
        links = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model in doomed]
        if model not in SEEDED_MODELS and links and all(f.null for f in links):
            mixed[model] = " AND ".join(f"{qn(f.column)} IS NULL" for f in links)
    with connection.cursor() as cursor:
        accounts = f"SELECT user_id FROM {qn(Cadre._meta.db_table)} WHERE user_id IS NOT NULL"
        for table in ("auth_user_groups", "auth_user_user_permissions", "django_admin_log"):
            if table in existing:
                cursor.execute(f"DELETE FROM {table} WHERE user_id IN ({accounts})")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE seed_flush_users ON COMMIT DROP AS {accounts}")
            for i, (model, unrelated) in enumerate(mixed.items()):
                cursor.execute(f"CREATE TEMPORARY TABLE seed_flush_keep_{i} ON COMMIT DROP AS "
                               f"SELECT * FROM {qn(model._meta.db_table)} WHERE {unrelated}")
            cursor.execute(f"TRUNCATE {', '.join(qn(m._meta.db_table) for m in doomed + trails)}")
            for i, model in enumerate(mixed):
                cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} SELECT * FROM seed_flush_keep_{i}")
                cursor.execute(f"DROP TABLE seed_flush_keep_{i}")
            cursor.execute(f"DELETE FROM {qn(User._meta.db_table)} WHERE id IN (SELECT user_id FROM seed_flush_users)")
            cursor.execute("DROP TABLE seed_flush_users")  # gone now, not at commit: a caller's transaction may flush twice
        else:  # foreign keys are checked at commit: the order of the deletes does not matter
            cursor.execute(f"DELETE FROM {qn(User._meta.db_table)} WHERE id IN ({accounts})")
            for model in doomed:
                where = f" WHERE NOT ({mixed[model]})" if model in mixed else ""
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}{where}")
            for trail in trails:
                cursor.execute(f"DELETE FROM {qn(trail._meta.db_table)}")
    log(f"flushed {len(doomed) + len(trails)} tables")


def _with_dependants(models: list) -> list:
    """The models and every model whose rows point at them, transitively (what TRUNCATE … CASCADE
    would reach), leaving out the user model."""
    User = get_user_model()
    found = list(models)
    i = 0
    while i < len(found):
        for rel in found[i]._meta.get_fields(include_hidden=True):
            related = getattr(rel, "related_model", None)
            if (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
                    and related is not None and related is not User and related not in found):
                found.append(related)
        i += 1
    return found


def seed_province(*, size: Size, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR, flush: bool = False,
                  disposable: str | None = None, history: bool = True, log=print) -> Report:
    """Write the synthetic province; refuses a database that already holds campaign data unless
    ``flush`` (which empties it first, in the same transaction), and refuses a flush unless
    ``disposable`` names the database (``check_disposable``). ``history`` writes each row's
    audit-trail record as the roster import does."""
    from households.management.commands.load_divisions import DATA
    from households.services import load_divisions
    from visits.services.anomalies import flag_anomalies

    started = time.perf_counter()
    report = Report()
    writer = Writer(report, log, history=history, loaded_at=datetime(year - 1, 1, 1, 9, 0, tzinfo=SHANGHAI))
    if flush:
        check_disposable(disposable)
    if campaign_rows() and not flush:
        raise Refused(f"数据库中已有 {Household.objects.count():,} 户农户等双联数据；要替换为合成数据，请加 --flush（并以 --disposable {database_name()} 确认该数据库可以丢弃）。")
    with transaction.atomic():
        if writer.pg:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check foreign keys per COPY, not 20 M at commit
        if flush:
            flush_campaign(disposable=disposable, log=log)
        if not Area.objects.filter(code__startswith="62", level=AreaLevel.VILLAGE).exists():
            with gzip.open(DATA / "divisions_62.csv.gz", "rt", encoding="utf-8", newline="") as handle:
                created, _ = load_divisions([(r["code"], r["name"], r["level"]) for r in csv.DictReader(handle)])
            log(f"divisions loaded: {created:,} new areas")
        province = Province(size=size, seed=seed, year=year, log=log)
        province.load_areas()
        province.choose_poor()
        flags = []
        for y in (year - 1, year):
            flags += [(code, y, kind) for code, kind in sorted(province.poor_counties.items())]
            flags += [(v.code, y, PoorAreaYear.Kind.POOR_VILLAGE) for v in province.poor_villages]
        writer.write(PoorAreaYear, ["area_id", "year", "kind"], flags)

        province.make_units(writer.next_id(Unit))
        User = get_user_model()
        province.make_cadres(writer.next_id(Cadre), writer.next_id(User))
        rnd = province.rnd("accounts")
        joined = datetime(year - 1, 1, 1, 9, 0, tzinfo=SHANGHAI)
        writer.write(User, ["id", "password", "username", "first_name", "is_active", "date_joined"],
                     ((c.user_id, "!" + "%040x" % rnd.getrandbits(160), c.id_number, c.name, True, joined) for c in province.cadres),
                     label="auth_user (cadres)")
        writer.write(Unit, ["id", "code", "name", "level", "kind", "area_id"],
                     ((u.id, u.code, u.name, u.level, u.kind, u.area) for u in province.units))
        writer.write(Cadre, ["id", "id_number", "name", "unit_id", "rank", "category", "phone", "user_id"],
                     ((c.id, c.id_number, c.name, province.units[c.unit].id, c.rank, c.category,
                       f"1{3 + c.id % 7}{c.id * 7919 % 10**9:09d}", c.user_id) for c in province.cadres))
        province.make_households(writer, writer.next_id(Household), writer.next_id(Member))

        province.pair_villages(writer.next_id(VillagePairing))
        writer.write(VillagePairing, ["id", "unit_id", "village_id", "start", "end", "end_reason"],
                     ((pid, province.units[u].id, code, s, e, reason) for pid, u, code, s, e, reason in province.village_pairings))
        quotas = dict(DEFAULT_QUOTAS)
        quotas.update(QuotaPolicy.objects.filter(area__isnull=True).values_list("rank", "min_households"))
        province.pair_households(writer.next_id(HouseholdPairing), quotas)
        columns = ["id", "cadre_id", "household_id", "start", "end", "end_reason", "successor_id"]
        # Successors first: with constraints checked per statement, the pairing a hand-over names must exist.
        rows = [(p.id, province.cadres[p.cadre].id, p.household, p.start, p.end, p.end_reason, p.successor)
                for p in province.pairings]
        writer.write(HouseholdPairing, columns, sorted((r for r in rows if r[6] is None), key=lambda r: r[0]))
        writer.write(HouseholdPairing, columns, sorted((r for r in rows if r[6] is not None), key=lambda r: -r[0]))

        suspects = province.make_visits(writer, writer.next_id(Visit), writer.next_id(Visit.households.through))
        writer.write(UnitVisit, ["unit_id", "village_id", "start", "end", "leader_id", "people", "notes"], province.make_unit_visits())
        postings, stays, leave = province.make_residents(writer.next_id(Posting))
        writer.write(Posting, ["id", "cadre_id", "village_id", "role", "start", "end"], postings)
        writer.write(Stay, ["cadre_id", "posting_id", "start", "end", "note", "created_at"], stays)
        writer.write(Leave, ["cadre_id", "start", "end", "reason"], leave)
        _write_demands_and_deeds(writer, province)
        writer.reset_sequences()
        flag_started = time.perf_counter()
        for batch in in_batches(suspects):
            report.flags += flag_anomalies(visits=[Visit(pk=pk, start=start) for pk, start in batch])
        report.counts["visits_anomalyflag"] = report.flags
        report.seconds["visits_anomalyflag"] = time.perf_counter() - flag_started
        log(f"{'visits_anomalyflag':<28} {report.flags:>10,} rows {report.seconds['visits_anomalyflag']:8.1f} s")
    if writer.pg:
        analyse_started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in writer.written + [connection.ops.quote_name(m._meta.db_table) for m in (get_user_model(), AnomalyFlag)]:
                cursor.execute(f"ANALYZE {table}")
        report.seconds["ANALYZE"] = time.perf_counter() - analyse_started
        log(f"{'ANALYZE':<28} {'':>10}      {report.seconds['ANALYZE']:8.1f} s")
    report.total_seconds = time.perf_counter() - started
    return report


def _write_demands_and_deeds(writer: Writer, province: Province) -> None:
    rnd = province.rnd("demands")
    demand_id = writer.next_id(Demand)
    demands, follow_ups = [], []
    for i, (cadre_id, household, village, visit, category, text, day) in enumerate(province.demand_rows):
        status = rnd.choices(("open", "in_progress", "resolved", "escalated"), (20, 20, 50, 10))[0]
        made = _evening(day)
        done = made + timedelta(days=rnd.randint(3, 60)) if status == "resolved" else None
        demands.append((demand_id + i, cadre_id, household, village, visit, category, text, status, made, done))
        if status != "open":
            follow_ups.append((demand_id + i, status, "已联系相关部门办理" if status != "escalated" else "单位无法解决，上报双联办",
                               made + timedelta(days=rnd.randint(1, 3))))
    writer.write(Demand, ["id", "cadre_id", "household_id", "village_id", "visit_id", "category", "text", "status",
                          "created_at", "resolved_at"], demands)
    writer.write(DemandFollowUp, ["demand_id", "status", "note", "at"], follow_ups)
    writer.write(Deed, ["cadre_id", "household_id", "village_id", "on", "category", "description", "money", "people_helped"],
                 province.deed_rows)


# --- checking what was written --------------------------------------------------------------------

@dataclass
class Check:
    sampled: int = 0
    problems: list[str] = field(default_factory=list)


def visits_outside_pairings() -> int:
    """(visit, household) links whose household was not paired with the visit's cadre for the whole trip."""
    qn = connection.ops.quote_name
    link = Visit.households.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT COUNT(*) FROM {link} l JOIN {Visit._meta.db_table} v ON v.id = l.visit_id
            WHERE NOT EXISTS (
                SELECT 1 FROM {HouseholdPairing._meta.db_table} p
                WHERE p.cadre_id = v.cadre_id AND p.household_id = l.household_id
                  AND p.start <= v.{qn('start')} AND (p.{qn('end')} IS NULL OR p.{qn('end')} >= v.{qn('end')}))""")
        return cursor.fetchone()[0]


def verify(*, sample: int = 200, seed: int = 0, today: date | None = None) -> Check:
    """Check a random sample of what the seed wrote with the app's own validators (model
    validation and constraints, ID numbers, the pairing chain rules, the rules of a trip), and
    every visit against the pairings in one query."""
    from django.core.exceptions import ValidationError
    from django.db.models import Max, Min

    from households.services import birth_date_and_sex, validate_exit, validate_id_number
    from pairing.services.pairings import facts_from_db, household_pairing_errors, village_pairing_errors
    from shuanglian.errors import DomainError
    from visits.services.trips import check_visit

    rnd = random.Random(seed)
    check = Check()

    def pick(model, n=sample):
        bounds = model.objects.aggregate(low=Min("id"), high=Max("id"))
        if bounds["low"] is None:
            return []
        ids = sorted({rnd.randint(bounds["low"], bounds["high"]) for _ in range(n)})
        return list(model.objects.filter(id__in=ids))

    def problem(where, exc):
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        check.problems.append(f"{where}: {'; '.join(messages)}")

    for model in (Household, Member, IncomeRecord, HouseholdPlan, Unit, Cadre, VillagePairing, HouseholdPairing, Visit,
                  UnitVisit, Demand, Deed):
        for obj in pick(model):
            check.sampled += 1
            try:
                obj.full_clean()
            except ValidationError as exc:
                problem(f"{model.__name__} {obj.pk}", exc)
    for h in pick(Household):
        try:
            validate_id_number(h.head_id_number)
            validate_exit(h.status, h.exit_year)
        except DomainError as exc:
            problem(f"household {h.number}", exc)
        for ref, message in household_pairing_errors(status=h.status, exit_year=h.exit_year, pairings=facts_from_db(h)):
            check.problems.append(f"household {h.number} pairing {ref}: {message}")
    for m in pick(Member):
        try:
            validate_id_number(m.id_number)
        except DomainError as exc:
            problem(f"member {m.pk}", exc)
        if birth_date_and_sex(m.id_number) != (m.birth_date, m.sex):
            check.problems.append(f"member {m.pk}: birth date or sex disagrees with the ID number")
    for c in pick(Cadre):
        try:
            validate_id_number(c.id_number)
        except DomainError as exc:
            problem(f"cadre {c.pk}", exc)
    for record in pick(IncomeRecord):
        stored = (record.net_income, record.per_capita_income)
        record.compute()
        if stored != (record.net_income, record.per_capita_income):
            check.problems.append(f"income {record.pk}: stored {stored}, computed {(record.net_income, record.per_capita_income)}")
    for vp in pick(VillagePairing):
        others = VillagePairing.objects.filter(unit_id=vp.unit_id, village_id=vp.village_id)
        for ref, message in village_pairing_errors([(p.pk, p.start, p.end) for p in others]):
            check.problems.append(f"village pairing {ref}: {message}")
    for visit in pick(Visit):
        cadre = Cadre.objects.select_related("unit").get(pk=visit.cadre_id)
        try:
            check_visit(cadre=cadre, households=list(visit.households.all()), start=visit.start, end=visit.end,
                        own_entry=False, today=today)
        except DomainError as exc:
            problem(f"visit {visit.pk}", exc)
    outside = visits_outside_pairings()
    if outside:
        check.problems.append(f"{outside} visit households are not paired with the visit's cadre for the whole trip")
    return check


def summary() -> dict[str, int]:
    """Row counts of the campaign tables, for reports and benchmarks."""
    return {m._meta.db_table: m.objects.count()
            for m in (Household, Member, Unit, Cadre, HouseholdPairing, Visit, UnitVisit, Posting, Stay, Leave)}


