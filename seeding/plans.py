"""Demo plans: every paired household gets a plan of the year with one to three structured
measures (the "32111" items for industry, labour placement, education…), some under way or done."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db.models import Max

from households.models import Area, Household, HouseholdPlan, IncomeRecord, PlanMeasure, PoorAreaYear
from pairing.models import HouseholdPairing, Unit
from pairing.selectors import in_force
from planning.models import Commitment, CommitmentProgress, DevelopmentPlan

CHOICES = [
    ("industry", "crops", "种植花椒", 1500),
    ("industry", "ewes", "养殖基础母羊", 3000),
    ("industry", "biogas", "", 2500),
    ("industry", "toilet", "", 1200),
    ("labour", "", "外出务工一人，技能培训后输转", 500),
    ("education", "", "子女入学资助", 1000),
    ("health", "", "慢病签约服务，大病救助", 800),
    ("housing", "", "危房改造", 20000),
]


def seed_household_plans(*, county: str, today: date) -> int:
    """Plans of ``today``'s year for the paired households still poor that have none; returns how many."""
    year, rnd = today.year, random.Random(17)
    paired = HouseholdPairing.objects.filter(in_force(today)).values("household_id")
    households = (Household.objects.in_area(county).still_poor().filter(pk__in=paired)
                  .exclude(plans__year=year).order_by("number"))
    last = dict(IncomeRecord.objects.filter(household__in=households).values("household_id")
                .annotate(y=Max("year")).values_list("household_id", "y"))
    incomes = {(h, y): v for h, y, v in IncomeRecord.objects.filter(household__in=households)
               .values_list("household_id", "year", "per_capita_income")}
    made = 0
    for household in households:
        base = incomes.get((household.pk, last.get(household.pk))) or Decimal("2600")
        plan = HouseholdPlan.objects.create(household=household, year=year, exit_deadline=year + rnd.choice([0, 1, 1]),
                                            target_income=(base * Decimal("1.25")).quantize(Decimal("1")))
        for kind, item, description, money in rnd.sample(CHOICES, rnd.randint(1, 3)):
            status = rnd.choice(list(PlanMeasure.Status.values))
            spent = {"planned": 0, "underway": money // 2, "done": money}[status]
            PlanMeasure.objects.create(plan=plan, kind=kind, item=item, description=description, status=status,
                                       planned=money, spent=spent)
        made += 1
    return made


def seed_development_plans(*, county: str, today: date) -> int:
    """A village plan for each demo poor village of the year, and one unit's five-year plan with
    commitments and progress; returns how many plans were made (none when run again)."""
    year, made = today.year, 0
    poor = PoorAreaYear.objects.filter(area__code__startswith=Area.prefix_of(county), year=year,
                                       kind=PoorAreaYear.Kind.POOR_VILLAGE).values("area_id")
    for village in Area.objects.filter(code__in=poor).exclude(development_plans__isnull=False).order_by("code"):
        plan = DevelopmentPlan.objects.create(kind="village", village=village, start_year=year - 1, end_year=year + 2,
                                              goals="发展花椒和养羊产业，硬化通村道路，三年内整村脱贫。")
        for text, money, due in (("硬化通村道路3公里", 900000, year), ("新建村文化广场1处", 150000, year + 1),
                                 ("发展花椒种植500亩", 300000, year + 2)):
            Commitment.objects.create(plan=plan, text=text, money=money, year_due=due)
        made += 1
    unit = Unit.objects.filter(code="DW62501").first()
    if unit is not None and not DevelopmentPlan.objects.filter(unit=unit).exists():
        plan = DevelopmentPlan.objects.create(kind="unit", unit=unit, start_year=year - 1, end_year=year + 3,
                                              goals="五年内帮助联系村建成特色产业，贫困户全部脱贫。")
        first = Commitment.objects.create(plan=plan, text="协调项目资金建设养殖小区", money=500000, year_due=year)
        Commitment.objects.create(plan=plan, text="每年组织实用技术培训2期", money=20000, year_due=year + 3)
        CommitmentProgress.objects.create(commitment=first, year=year - 1, text="完成选址和设计", done=False)
        CommitmentProgress.objects.create(commitment=first, year=year, text="养殖小区已建成投用", done=True)
        made += 1
    return made
