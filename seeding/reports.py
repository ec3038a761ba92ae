"""Demo data of the reports app, on top of the demo county of ``seeding.demo``: household
plans for the ledger, three months of monthly reports at every stage of review, generated
reports of each kind and the week's pace reminders. Deterministic and idempotent: running it
again adds nothing (reports are re-run in place)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from households.models import Area, Household, HouseholdPlan, IncomeRecord
from pairing.models import Role, Unit
from reports import selectors
from reports.models import MonthlySubmission, Report
from reports.periods import Period
from reports.services import notices, runs, submissions

MEASURES = {
    "illness": ["办理门诊慢病卡，落实大病救助", "公益性岗位安置1人", "发展庭院养鸡"],
    "disability": ["落实残疾人两项补贴", "光伏收益分配", "家门口就业帮扶车间务工"],
    "schooling": ["落实“雨露计划”助学补助", "协调生源地助学贷款", "家长外出务工增收"],
    "skills": ["参加花椒种植技术培训", "劳务输转1人", "种植花椒3亩"],
    "capital": ["申请精准扶贫专项贷款5万元", "养殖基础母羊2只", "入股村合作社分红"],
    "labour": ["土地流转收取租金", "申请公益性岗位", "发展小庭院经济"],
    "water": ["接通自来水入户", "修建集雨水窖1眼", "发展节水型种植"],
    "transport": ["通村道路硬化到户", "发展电商销售农产品", "劳务输转1人"],
    "drive": ["结对干部每月谈心", "扶志扶智参加夜校", "公益性岗位安置1人"],
}
DEFAULT_MEASURES = ["种植经济作物3亩", "养殖基础母羊2只", "劳务输转1人"]
SUMMARIES = [
    "本月单位工作队进村入户，落实帮扶措施，协调解决群众反映的问题。",
    "本月组织干部集中进村开展政策宣传，逐户核对增收计划落实情况。",
    "本月对接产业项目，开展技能培训，跟踪诉求办理进度。",
]


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_plans(*, county: str) -> int:
    """A plan for the latest income year for each household still in the registry: target
    income 15–35 % above last year's per-capita income, measures by main poverty cause."""
    year = IncomeRecord.objects.filter(household__village__code__startswith=Area.prefix_of(county)).aggregate(y=Max("year"))["y"]
    if year is None:
        return 0
    rnd = random.Random(11)
    planned = set(HouseholdPlan.objects.filter(year=year).values_list("household_id", flat=True))
    last = dict(IncomeRecord.objects.filter(year=year - 1).values_list("household_id", "per_capita_income"))
    plans = []
    for household in Household.objects.in_area(county).still_poor().exclude(pk__in=planned).order_by("number"):
        base = last.get(household.pk) or Decimal("2500")
        target = (base * Decimal(str(1.15 + rnd.random() * 0.2))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        measures = MEASURES.get(household.main_cause, DEFAULT_MEASURES)
        plans.append(HouseholdPlan(household=household, year=year, target_income=target, measures="；".join(measures),
                                   exit_deadline=year + rnd.choice([0, 1, 1])))
    HouseholdPlan.objects.bulk_create(plans)
    return len(plans)


def seed_submissions(*, county: str, today: date) -> int:
    """The last three months of monthly reports of the county's units: the oldest approved,
    the next approved after a return and with one unit late, the last one partly waiting
    for review, partly returned and partly not yet submitted."""
    office = Role.objects.filter(kind=Role.Kind.OFFICE, area_id=county).select_related("user").first()
    reviewer = office.user if office else None
    admins = {r.unit_id: r.user for r in Role.objects.filter(kind=Role.Kind.UNIT_ADMIN)}
    # A month that ended yesterday has had no day yet for its reports: on the 1st the latest
    # month of the demo is the one before, so every stage of review still shows.
    months = [Period.last_complete("monthly", today - timedelta(days=1)).start]
    for _i in range(2):
        months.append(Period.last_complete("monthly", months[-1]).start)
    oldest, middle, last = reversed(months)
    units = list(selectors.active_units(start=oldest, end=Period.containing("monthly", last).end)
                 .filter(area__code__startswith=Area.prefix_of(county)).order_by("code"))
    created = 0
    for index, unit in enumerate(units):
        by = admins.get(unit.pk)
        for month in (oldest, middle, last):
            if MonthlySubmission.objects.filter(unit=unit, month=month).exists():
                continue
            due = selectors.deadline(unit=unit, month=month)
            if month == last and index % 3 == 2:
                continue  # not submitted yet
            late = (month == middle and index == 1) or (month == last and index % 3 == 1 and index > 1)
            when = due + timedelta(days=3) if late else due - timedelta(days=1 + index % 3)
            if when >= today:
                when = today - timedelta(days=1)
            if when <= Period.containing("monthly", month).end:
                continue  # the month has only just ended: nothing to submit yet
            submission = submissions.submit_monthly_report(unit=unit, month=month, summary=SUMMARIES[index % len(SUMMARIES)],
                                                        by=None, now=_aware(when))
            if by is not None:
                MonthlySubmission.objects.filter(pk=submission.pk).update(submitted_by=by)
            created += 1
            if month == last:
                if index % 3 == 1:
                    submissions.return_submission(submission=submission, by=reviewer, comment="请补充本月诉求办理情况和下月计划。",
                                               now=_aware(min(when + timedelta(days=1), today)))
                continue
            if month == middle and index == 0:
                submissions.return_submission(submission=submission, by=reviewer, comment="走访天数与台账不符，请核实。",
                                           now=_aware(when, 15))
                submission = submissions.submit_monthly_report(unit=unit, month=month, summary=SUMMARIES[0] + "已核实更正。",
                                                            by=None, now=_aware(when + timedelta(days=1)))
            submissions.approve_submission(submission=submission, by=reviewer, now=_aware(when + timedelta(days=2), 16))
    return created


def seed_reports(*, county: str = "620502000000", today: date | None = None) -> dict[str, int]:
    """Load the reports demo for ``county`` (default 秦州区) as of ``today``; returns counts.
    Call it after ``seeding.demo.seed_demo`` (it uses the demo's office and unit accounts)."""
    today = today or timezone.localdate()
    counts = {"plans": seed_plans(county=county), "submissions": seed_submissions(county=county, today=today)}
    area = Area.objects.get(code=county)
    unit = Unit.objects.filter(code="DW62501").first() or Unit.objects.filter(area__code__startswith=Area.prefix_of(county)).first()
    admin = get_user_model().objects.filter(username="qinzhou_office").first()
    wanted = [("monthly", area, None), ("quarterly", area, None), ("annual", area, None), ("monthly", None, unit)]
    for kind, subject_area, subject_unit in wanted:
        if subject_area is None and subject_unit is None:
            continue
        report = runs.request_report(kind=kind, period=Period.last_complete(kind, today), area=subject_area,
                                         unit=subject_unit, by=admin, enqueue=False, today=today)
        runs.run_report(report_id=report.pk, today=today)
    counts["reports"] = Report.objects.filter(status=Report.Status.DONE).count()
    counts["notices"] = notices.send_pace_reminders(today=today)
    return counts
