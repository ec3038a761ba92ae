"""Writes of plans: a household's plan of the year with its measures (docs/domain.md §12).

Every door (the phone page, the API) calls ``save_plan``; the admin of offices checks the same
figures through ``households.services.validate_plan`` and ``validate_measure``.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Household, HouseholdPlan, PlanMeasure
from households.services import validate_measure, validate_plan
from shuanglian import scoping
from shuanglian.errors import DomainError

from .access import may_keep_plan
from .models import PlanSubmission


@dataclass
class MeasureRow:
    kind: str
    item: str = ""
    description: str = ""
    status: str = PlanMeasure.Status.PLANNED
    planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)


def plan_errors(*, by, household: Household, year: int, target_income: Decimal | None, exit_deadline: int | None,
                measures: list[MeasureRow]) -> dict[str, list[str]]:
    """Every reason the plan cannot be stored, keyed by field (measures as ``measures``)."""
    errors: dict[str, list[str]] = {}
    if not may_keep_plan(by, household, timezone.localdate()):
        errors.setdefault("__all__", []).append(
            gettext("只有该户的联户干部或所辖双联办、单位管理员可以填写其脱贫计划。"))
    today = timezone.localdate()
    if scoping.is_cadre(by) and year not in (today.year, today.year - 1):
        # A cadre keeps the plan in force (last year's too, while its exits are reviewed into
        # January); earlier plans are the offices' record, corrected by them.
        errors.setdefault("year", []).append(
            gettext("干部只能填写本年度或上一年度的脱贫计划（%(year)s年不可）。") % {"year": year})
    try:
        validate_plan(year=year, target_income=target_income, exit_deadline=exit_deadline)
    except DomainError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for n, row in enumerate(measures, start=1):
        try:
            validate_measure(kind=row.kind, item=row.item, planned=row.planned, spent=row.spent)
        except DomainError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault("measures", []).extend(
                    gettext("第%(n)d项措施：%(message)s") % {"n": n, "message": m} for m in messages)
        if row.kind not in PlanMeasure.Kind.values:
            errors.setdefault("measures", []).append(gettext("第%(n)d项措施：请选择措施类别。") % {"n": n})
    return errors


def _submitted(key: uuid.UUID) -> HouseholdPlan | None:
    submission = PlanSubmission.objects.select_related("plan").filter(key=key).first()
    return submission.plan if submission else None


def save_plan(*, by, household: Household, year: int, target_income: Decimal, exit_deadline: int,
              measures: list[MeasureRow], summary: str | None = None,
              key: uuid.UUID | None = None) -> tuple[HouseholdPlan, bool]:
    """Create or replace the household's plan of ``year`` with exactly these measures:
    (the plan, whether this call stored it). The same key again stores nothing twice."""
    if key is not None and (done := _submitted(key)):
        if done.household_id != household.pk:
            raise DomainError({"key": gettext("该提交标识已被使用，请重新打开计划页面。")})
        return done, False
    if errors := plan_errors(by=by, household=household, year=year, target_income=target_income,
                             exit_deadline=exit_deadline, measures=measures):
        raise DomainError(errors)
    try:
        with transaction.atomic():
            plan = HouseholdPlan.objects.select_for_update().filter(household=household, year=year).first()
            if plan is None:
                plan = HouseholdPlan(household=household, year=year)
            plan.target_income, plan.exit_deadline = target_income, exit_deadline
            if summary is not None:
                plan.measures = summary
            plan.save()
            for old in plan.measure_rows.all():
                old.delete()  # one by one: the audit trail keeps each removed measure
            for row in measures:
                PlanMeasure.objects.create(plan=plan, kind=row.kind, item=row.item or "", description=row.description or "",
                                           status=row.status or PlanMeasure.Status.PLANNED,
                                           planned=row.planned or 0, spent=row.spent or 0)
            if key is not None:
                PlanSubmission.objects.create(key=key, plan=plan)
    except IntegrityError:
        if key is not None and (done := _submitted(key)):
            return done, False  # a double submission raced this one and won
        raise
    return plan, True
