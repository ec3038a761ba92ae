"""A believable demo county, built as a roster workbook and imported through the same path
an office uses, so the demo exercises the real validation. Deterministic: the same seed
gives the same county."""
from __future__ import annotations

import csv
import gzip
import io
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from stdnum.cn import ric

from households.management.commands.load_divisions import DATA
from households.models import Area, AreaLevel, PovertyLine
from households.services import load_divisions
from pairing.models import Cadre, HouseholdPairing, Posting, Role, Unit
from seeding.discipline import seed_discipline
from seeding.evaluation import seed_evaluation
from seeding.identification import seed_identification
from seeding.plans import seed_development_plans, seed_household_plans
from seeding.projects import seed_projects
from seeding.publicity import seed_publicity
from seeding.reports import seed_reports
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import EVERYTHING

COUNTY = "620502000000"  # 秦州区, 天水市
DEMO_PASSWORD = "shuanglian2025"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾"
GIVEN = "建国 秀英 桂兰 玉兰 志强 海燕 永平 小军 春梅 德明 红霞 文杰 明亮 丽娟 天佑 金花 宝山 志刚 淑珍 国庆 兴旺 彩霞 振华 玉梅 立新".split()
CAUSES = ["因病", "因残", "因学", "缺技术", "缺资金", "缺劳力", "缺水", "交通条件落后", "自身发展动力不足"]
UNITS = [
    ("DW62001", "甘肃省农业农村厅", "省", "党政机关", "620000000000"),
    ("DW62002", "甘肃省水利厅", "省", "党政机关", "620000000000"),
    ("DW62051", "天水市人民医院", "市", "事业单位", "620500000000"),
    ("DW62052", "天水市财政局", "市", "党政机关", "620500000000"),
    ("DW62053", "天水市供电公司", "市", "国有企业", "620500000000"),
    ("DW62501", "秦州区农业农村局", "县", "党政机关", "620502000000"),
    ("DW62502", "秦州区教育局", "县", "党政机关", "620502000000"),
    ("DW62503", "秦州区妇联", "县", "人民团体", "620502000000"),
]


class IdNumbers:
    def __init__(self, rnd: random.Random, region: str = "620502"):
        self.rnd, self.region, self.used = rnd, region, set()

    def make(self, born_from: int, born_to: int, male: bool | None = None) -> str:
        while True:
            born = date(self.rnd.randint(born_from, born_to), self.rnd.randint(1, 12), self.rnd.randint(1, 28))
            seq = self.rnd.randint(0, 99) * 10 + (self.rnd.choice([1, 3, 5, 7, 9]) if male else self.rnd.choice([0, 2, 4, 6, 8]) if male is False else self.rnd.randint(0, 9))
            body = f"{self.region}{born:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used:
                self.used.add(number)
                return number


def _name(rnd: random.Random, surname: str | None = None) -> str:
    return (surname or rnd.choice(SURNAMES)) + rnd.choice(GIVEN)


def build_workbook(seed: int = 2025) -> bytes:
    rnd = random.Random(seed)
    ids = IdNumbers(rnd)
    county = Area.objects.get(code=COUNTY)
    townships = list(Area.objects.filter(parent=county, level=AreaLevel.TOWNSHIP).order_by("code")[:3])
    villages = []
    for township in townships:
        villages += list(Area.objects.filter(parent=township).order_by("code")[:4])
    villages = villages[:10]
    poor = {v.code for v in villages[:7]}

    sheets: dict[str, list[list]] = {}
    ancestors = [Area.objects.get(code=c) for c in ("620000000000", "620500000000", COUNTY)]
    sheets["区划"] = [["区划代码", "名称", "级别", "是否贫困"]] + [
        [a.code, a.name, str(AreaLevel(a.level).label), "是" if a.code == COUNTY else None] for a in ancestors
    ] + [[t.code, t.name, "乡", None] for t in townships] + [[v.code, v.name, "村", "是" if v.code in poor else "否"] for v in villages]
    # Team sizes come from their own generator, so the rest of the county stays as it was.
    sizes = random.Random(seed + 1)
    # Most units have recorded the size of their leadership (班子); two have not yet, so the
    # results page shows what an unknown size looks like.
    sheets["单位"] = [["单位代码", "单位名称", "级别", "类型", "所在区划代码", "班子成员数"]] + [
        [*u, None if index in (2, 6) else sizes.randint(5, 9)] for index, u in enumerate(UNITS)]

    cadres = [["身份证号", "姓名", "单位代码", "职级", "人员类别", "手机号"]]
    eligible: dict[str, list[str]] = {}
    for index, (code, name, level, _kind, _area) in enumerate(UNITS):
        for n in range(7 if index < 4 else 8):
            idn = ids.make(1965, 1995)
            rank = "地厅级" if n == 0 and level == "省" else "县处级" if n < 2 else "乡科级" if n < 4 else "一般干部"
            category = "医务人员" if "医院" in name and n > 1 else "教师" if "教育" in name and n in (5, 6) else (
                "企业职工" if "公司" in name and n > 2 else "公务员" if n < 5 else "事业人员")
            cadres.append([idn, _name(rnd), code, rank, category, f"13{rnd.randint(0, 9)}{rnd.randint(10000000, 99999999)}"])
            if category not in ("医务人员", "教师", "企业职工"):
                eligible.setdefault(code, []).append(idn)
    sheets["干部"] = cadres

    # Each unit pairs one or two villages; the last poor village is left without a unit (a gap to show).
    poor_villages = [v for v in villages if v.code in poor]
    unit_villages = {}
    sheets["联村"] = [["单位代码", "村代码", "开始日期", "结束日期"]]
    for index, (code, *_rest) in enumerate(UNITS):
        chosen = [poor_villages[index % (len(poor_villages) - 1)]]
        unit_villages[code] = chosen
        for v in chosen:
            sheets["联村"].append([code, v.code, date(2024, 1, 1), None])

    households = [["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口", "主要致贫原因", "状态", "脱贫年度"]]
    members = [["户编号", "身份证号", "姓名", "与户主关系", "劳动能力", "健康状况"]]
    incomes = [["户编号", "年度", "总收入", "家庭经营费用支出", "税费支出", "生产性固定资产折旧", "调查补贴", "赠送农村外部亲友"]]
    numbers_by_village: dict[str, list[str]] = {}
    serial = 0
    for v in villages:
        for _ in range(22 if v.code in poor else 8):
            serial += 1
            number = f"{v.code}{serial:04d}"
            surname = rnd.choice(SURNAMES)
            head_id = ids.make(1950, 1985, male=True)
            size = rnd.randint(2, 5)
            exited = rnd.random() < 0.15
            households.append([number, v.code, _name(rnd, surname), head_id, "农村特困户", size, rnd.choice(CAUSES),
                               "已脱贫" if exited else "在册", 2025 if exited else None])
            members.append([number, head_id, households[-1][2], "户主", "普通劳动力", rnd.choice(["健康", "健康", "长期慢性病"])])
            relations = ["配偶", "子女", "子女", "父母"]
            for k in range(size - 1):
                relation = relations[k]
                born = (1950, 1988) if relation == "配偶" else (2005, 2020) if relation == "子女" else (1935, 1955)
                members.append([number, ids.make(*born), _name(rnd, surname if relation != "配偶" else None), relation,
                                "无劳动力" if relation != "配偶" else rnd.choice(["普通劳动力", "弱劳动力"]),
                                rnd.choice(["健康", "健康", "患有大病", "残疾"])])
            base = rnd.randint(6000, 14000)
            for year, growth in ((2024, 1.0), (2025, 1.0 + rnd.uniform(0.02, 0.25))):
                incomes.append([number, year, round(base * growth, 2), round(base * 0.18, 2), 0, round(base * 0.03, 2), 0, 0])
            numbers_by_village.setdefault(v.code, []).append(number)
    sheets["农户"], sheets["家庭成员"], sheets["收入"] = households, members, incomes

    # Cadres pair households of their unit's villages first, then (a county variant, listed for
    # review) households elsewhere; the last few poor households stay without a cadre: gaps to show.
    pairings = [["干部身份证号", "户编号", "开始日期", "结束日期", "结束原因", "接替干部身份证号"]]
    taken: set[str] = set()
    paired_villages = {v.code for vs in unit_villages.values() for v in vs}
    elsewhere = [n for v in villages if v.code not in paired_villages for n in numbers_by_village.get(v.code, [])][:-3]
    for code, vs in unit_villages.items():
        pool = [n for v in vs for n in numbers_by_village.get(v.code, []) if n not in taken]
        for idn in eligible.get(code, []):
            for _ in range(rnd.choice([3, 4, 4])):
                source = pool if len(pool) > 1 else elsewhere
                if source:
                    number = source.pop(0)
                    taken.add(number)
                    pairings.append([idn, number, date(2024, 1, 1), None, None, None])
    # A hand-over: the first cadre of the agriculture bureau is transferred and a colleague takes over.
    bureau = eligible["DW62501"]
    handed = next(row for row in pairings[1:] if row[0] == bureau[0])
    handed[3:6] = [date(2025, 6, 30), "工作调动", bureau[1]]
    pairings.append([bureau[1], handed[1], date(2025, 7, 1), None, None, None])
    sheets["联户"] = pairings
    sheets["村情"] = demo_village_years(sizes, villages, poor)
    sheets["走访"], sheets["单位进村"] = demo_visits(rnd, pairings[1:], unit_villages, eligible)
    sheets["驻村"], sheets["驻村考勤"], sheets["请假"] = demo_residents(cadres[1:], unit_villages, eligible)

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def demo_village_years(rnd: random.Random, villages: list, poor: set[str]) -> list[list]:
    """Last year's and this year's basic data (村情) of the villages; one paired poor village has
    not recorded its 村两委成员数, so its units' village ballots show as unchecked."""
    rows = [["区划代码", "年度", "总户数", "总人口", "贫困人口", "农民人均纯收入", "集体经济收入", "村两委成员数"]]
    this_year = timezone.localdate().year
    unrecorded = sorted(poor)[1]
    for v in villages:
        households = rnd.randint(180, 520)
        population = households * rnd.randint(32, 42) // 10
        share = rnd.uniform(0.32, 0.55) if v.code in poor else rnd.uniform(0.08, 0.25)
        income = rnd.randint(2800, 3800) if v.code in poor else rnd.randint(4200, 6800)
        committee = None if v.code == unrecorded else rnd.randint(5, 9)
        for year in (this_year - 1, this_year):
            poor_people = int(population * share * (0.85 if year == this_year else 1))
            rows.append([v.code, year, households, population, poor_people, income + (180 if year == this_year else 0),
                         None if v.code in poor else rnd.randint(20000, 80000), committee])
    return rows


TASKS = ["政策宣传", "反映民意", "促进发展", "疏导情绪", "强基固本", "推广典型"]
HELP = ["联系农技员指导种植", "协调危房改造", "帮办低保手续", "联系务工岗位", "争取小额贷款", "送医送药"]


def demo_visits(rnd: random.Random, pairings: list[list], unit_villages: dict, eligible: dict) -> tuple[list, list]:
    """A year and a bit of trips with the gaps of real life: some cadres well ahead, some
    behind, a few overlapping records for the office to review."""
    today = timezone.localdate()
    first = date(today.year - 1, 1, 1)
    held: dict[str, list[tuple[str, date, date]]] = {}
    for idn, number, start, end, *_ in pairings:
        held.setdefault(idn, []).append((number, max(start, first), end or today - timedelta(days=1)))
    visits = [["干部身份证号", "户编号", "开始日期", "结束日期", "吃住在村", "落实任务", "帮办实事", "备注"]]
    seen: set[tuple] = set()
    for idn, spans in held.items():
        keen = rnd.random()
        for year in (today.year - 1, today.year):
            trips = int(keen * 7)  # 0–6 trips a year: the due list has both ends
            for _ in range(trips):
                number, lo, hi = rnd.choice(spans)
                lo, hi = max(lo, date(year, 1, 1)), min(hi, date(year, 12, 31), today - timedelta(days=2))
                if hi <= lo:
                    continue
                start = lo + timedelta(days=rnd.randint(0, (hi - lo).days))
                end = min(start + timedelta(days=rnd.choice([0, 1, 2, 3, 4, 6])), hi)
                households = [n for n, a, b in spans if a <= start and b >= end] or [number]
                if (idn, start, end) in seen:
                    continue
                seen.add((idn, start, end))
                visits.append([idn, "、".join(sorted(set(rnd.sample(households, min(len(households), rnd.choice([1, 1, 2])))))),
                               start, end, rnd.choice(["是", "否"]), "、".join(rnd.sample(TASKS, rnd.randint(1, 3))),
                               rnd.choice(HELP), None])
        if rnd.random() < 0.08 and len(visits) > 1 and visits[-1][0] == idn and visits[-1][3] > visits[-1][2]:
            _, numbers, start, end, *_ = visits[-1]
            if (idn, end, end) in seen:
                continue  # that day is a trip of its own already: the roster keys a trip on its dates
            visits.append([idn, numbers, end, end, "否", "反映民意", None, "重复登记"])  # an overlap to review
    unit_rows = [["单位代码", "村代码", "开始日期", "结束日期", "带队干部身份证号", "人数", "备注"]]
    for code, vs in unit_villages.items():
        for v in vs:
            for year in (today.year - 1, today.year):
                days_open = (min(today, date(year, 12, 31)) - date(year, 1, 1)).days - 12
                if days_open < 0:
                    continue  # the first days of January: no trip of the new year has ended yet
                # Last year's trips spread over eleven months, so none runs into a later one.
                starts = sorted(date(year, 1, 1) + timedelta(days=rnd.randint(0, days_open)) for _ in range(rnd.randint(1, 6)))
                trips = set()  # the roster keys a unit's trip on its village and dates
                for start in starts:
                    trip = (start, start + timedelta(days=rnd.randint(2, 9)))
                    leader, people = eligible[code][0] if eligible.get(code) else None, rnd.randint(2, 6)
                    if trip not in trips:
                        trips.add(trip)
                        unit_rows.append([code, v.code, *trip, leader, people, "工作队进村"])
    return visits, unit_rows


DEMANDS = [("housing", "房屋年久失修，雨季漏雨"), ("infrastructure", "村组道路雨后泥泞，出行困难"),
           ("health", "老人慢性病，希望办理门诊慢病卡"), ("education", "孩子上高中学费有困难"),
           ("industry", "想养殖肉羊，缺少启动资金和技术"), ("welfare", "申请低保，材料不会准备")]


def seed_demands_and_deeds() -> None:
    """Demands at every stage and deeds with money and people helped, once (re-runs add none)."""
    from visits.models import Deed, Demand
    from visits.services.deeds import record_deed
    from visits.services.demands import advance_demand, record_demand

    if Demand.objects.exists():
        return
    rnd = random.Random(7)
    today = timezone.localdate()
    pairings = list(HouseholdPairing.objects.filter(end__isnull=True).select_related("cadre", "household__village")
                    .order_by("household__number")[:60])
    for index, pairing in enumerate(pairings[:36]):
        category, text = DEMANDS[index % len(DEMANDS)]
        demand = record_demand(cadre=pairing.cadre, household=pairing.household, category=category, text=text)
        fate = index % 4
        if fate >= 1:
            advance_demand(demand=demand, status="in_progress", note="已与村委会对接，正在办理", by=None)
        if fate == 2:
            advance_demand(demand=demand, status="resolved", note="已协调相关部门解决", by=None)
        if fate == 3:
            advance_demand(demand=demand, status="escalated", note="单位无法解决，上报区双联办", by=None)
    last_year = [date(today.year - 1, rnd.randint(2, 11), rnd.randint(1, 28)) for _ in pairings]
    for pairing, on in [(p, today - timedelta(days=rnd.randint(3, 200))) for p in pairings[::2]] + [
            (p, on) for p, on in zip(pairings, last_year) if rnd.random() < 0.7]:
        if pairing.start <= on:
            kind = rnd.choice(Deed.Category.values)
            record_deed(cadre=pairing.cadre, household=pairing.household, on=on, category=kind,
                        description=dict(Deed.Category.choices)[kind], money=rnd.choice([0, 500, 1200, 3000, 8000]),
                        people_helped=rnd.randint(1, 5))


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Load the demo county and its sign-ins; returns (who, username, password) rows."""
    with gzip.open(DATA / "divisions_62.csv.gz", "rt", encoding="utf-8") as handle:
        load_divisions([(r["code"], r["name"], r["level"]) for r in csv.DictReader(handle)])
    try:
        import_workbook(io.BytesIO(build_workbook()), scope=EVERYTHING)
    except RosterRejected as rejected:  # the demo generator broke a rule: say which
        raise RuntimeError("\n".join(map(str, rejected.result.problems))) from None
    PovertyLine.objects.get_or_create(year=2013, defaults={"province_line": 2875, "national_line": 2736})
    PovertyLine.objects.get_or_create(year=2014, defaults={"province_line": 3902, "national_line": 2800})

    unit = Unit.objects.get(code="DW62501")

    seed_demands_and_deeds()
    county = Area.objects.get(code=COUNTY)
    seed_evaluation(county)

    User = get_user_model()
    sign_ins = []

    def account(username: str, name: str, **flags) -> object:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": name})
        for key, value in flags.items():
            setattr(user, key, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    admin = account("admin", "系统管理员", is_staff=True, is_superuser=True)
    sign_ins.append(("系统管理员", admin.username))
    office = account("qinzhou_office", "秦州区双联办", is_staff=True)
    Role.objects.update_or_create(user=office, defaults={"kind": Role.Kind.OFFICE, "area": county, "unit": None, "can_view_id_numbers": True})
    sign_ins.append(("区双联办", office.username))
    unit_admin = account("nongye_admin", "农业农村局管理员", is_staff=True)
    Role.objects.update_or_create(user=unit_admin, defaults={"kind": Role.Kind.UNIT_ADMIN, "unit": unit, "area": None})
    sign_ins.append(("单位管理员", unit_admin.username))
    leader = account("qinzhou_leader", "区领导", is_staff=True)
    Role.objects.update_or_create(user=leader, defaults={"kind": Role.Kind.LEADER, "area": county, "unit": None})
    sign_ins.append(("领导（只读）", leader.username))
    cadre = Cadre.objects.filter(unit=unit, pairings__end__isnull=True).order_by("id_number").first()
    account(cadre.user.username, cadre.name)
    sign_ins.append((f"联户干部 {cadre.name}", cadre.user.username))
    # The first secretary opens 驻村考勤 on the phone: days in the village against the days due.
    secretary = Posting.objects.filter(role=Posting.Role.FIRST_SECRETARY, cadre__user__isnull=False).select_related(
        "cadre__user").order_by("start").first()
    if secretary is not None:
        account(secretary.cadre.user.username, secretary.cadre.name)
        sign_ins.append((f"第一书记 {secretary.cadre.name}", secretary.cadre.user.username))
    # Identification and exit under way, and the township office that takes their steps.
    sign_ins += seed_identification(account, IdNumbers(random.Random(1016)))
    seed_household_plans(county=COUNTY, today=timezone.localdate())  # before the reports, which count plans in place
    seed_development_plans(county=COUNTY, today=timezone.localdate())
    seed_reports(county=COUNTY)  # after the accounts: its submissions are the unit administrator's
    sign_ins += seed_discipline(county=COUNTY, password=DEMO_PASSWORD)  # after the office: it issues the talk
    # A published typical case, last year's results published, a lead unit with one meeting.
    seed_publicity(county_code=COUNTY, unit_code=unit.code, office=office, unit_admin=unit_admin)
    seed_projects()  # the units' projects, funds and trainings (docs/domain.md §12)
    return [(who, username, DEMO_PASSWORD) for who, username in sign_ins]


def demo_residents(cadres: list[list], unit_villages: dict, eligible: dict) -> tuple[list, list, list]:
    """Resident work teams (驻村, docs/domain.md §11): in the agriculture bureau's village a first
    secretary who lives there 12 days in 14 (on pace for 220 days a year) and a team member who
    comes two days a month (behind); in the education bureau's village a teacher on maternity
    leave, in the village 12 days in 14 of the days she is not on leave, so not behind once the
    requirement counts only the days not on leave. Nothing random: the story is the same every day."""
    today = timezone.localdate()
    year = today.year
    secretary, member = eligible["DW62501"][2], eligible["DW62501"][3]
    teacher = next(row[0] for row in cadres if row[2] == "DW62502" and row[4] == "教师")
    bureau_village, school_village = unit_villages["DW62501"][0].code, unit_villages["DW62502"][0].code
    postings = [["身份证号", "村代码", "职务", "开始日期", "结束日期"],
                [secretary, bureau_village, "第一书记", date(year - 1, 1, 1), None],
                [member, bureau_village, "队员", date(year, 1, 1), None],
                [teacher, school_village, "队员", date(year - 1, 7, 1), None]]
    leave_start = date(year, 1, 10)
    leave_end = leave_start + timedelta(days=97)  # 98 days of maternity leave
    leave = [["身份证号", "开始日期", "结束日期", "事由"], [teacher, leave_start, leave_end, "产假"]]
    stays = [["身份证号", "开始日期", "结束日期", "备注"]]

    def in_blocks(idn: str, first: date, last: date, skip: tuple[date, date] | None = None) -> None:
        """Stays of 12 days every 14 from ``first`` to ``last`` (today at the latest), around ``skip``."""
        start = first
        while start <= min(last, today):
            end = min(start + timedelta(days=11), last, today)
            if skip and start <= skip[1] and end >= skip[0]:
                if start < skip[0]:
                    stays.append([idn, start, skip[0] - timedelta(days=1), None])
                if end > skip[1]:
                    stays.append([idn, skip[1] + timedelta(days=1), end, None])
            else:
                stays.append([idn, start, end, None])
            start += timedelta(days=14)

    in_blocks(secretary, date(year - 1, 1, 1), date(year - 1, 12, 31))
    in_blocks(secretary, date(year, 1, 1), date(year, 12, 31))
    for month in range(1, today.month + 1):
        day = date(year, month, 3)
        if day + timedelta(days=1) <= today - timedelta(days=1):
            stays.append([member, day, day + timedelta(days=1), "入户走访"])
    in_blocks(teacher, date(year - 1, 7, 1), date(year - 1, 12, 31))
    in_blocks(teacher, date(year, 1, 1), date(year, 12, 31), skip=(leave_start, leave_end))
    return postings, stays, leave
