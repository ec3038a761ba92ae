"""Demo plans: every paired household gets a plan of the year with one to three structured
measures (the "32111" items for industry, labour placement, education…), some under way or done."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db.models import Max

from households.models import Household, HouseholdPlan, IncomeRecord, PlanMeasure
from pairing.models import HouseholdPairing
from pairing.selectors import in_force

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
