"""Writes of village and unit plans (两规划): who enters them and the checks of their figures.

Offices enter the plans of the villages they govern; a unit administrator the plans of their
own unit (an office governing the unit's seat may too). Every door calls these checks."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from households.models import Area, AreaLevel
from pairing.models import Unit
from shuanglian import scoping
from shuanglian.errors import DomainError

from .models import Commitment, CommitmentProgress, DevelopmentPlan

UNIT_PLAN_YEARS = 5


def development_plan_errors(*, by, kind: str, village: Area | None, unit: Unit | None, start_year: int | None,
                            end_year: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if kind == DevelopmentPlan.Kind.VILLAGE:
        if village is None or village.level != AreaLevel.VILLAGE or unit is not None:
            add("village", gettext("村级发展规划请选择一个村，不填联村单位。"))
        elif by is not None and not scoping.governs_area(by, village.code):
            add("village", gettext("村级发展规划由管辖该村的双联办填写。"))
    elif kind == DevelopmentPlan.Kind.UNIT:
        if unit is None or village is not None:
            add("unit", gettext("单位帮扶规划请选择联村单位，不填村。"))
        elif by is not None and not (scoping.is_own_unit(by, unit.pk) or scoping.governs_area(by, unit.area_id)):
            add("unit", gettext("单位帮扶规划由本单位管理员或所辖双联办填写。"))
    if start_year and end_year:
        if end_year < start_year:
            add("end_year", gettext("截止年度不能早于起始年度。"))
        elif kind == DevelopmentPlan.Kind.UNIT and end_year - start_year + 1 > UNIT_PLAN_YEARS:
            add("end_year", gettext("单位帮扶规划最长五年。"))
    return errors


def check_development_plan(**facts) -> None:
    if errors := development_plan_errors(**facts):
        raise DomainError(errors)


def check_commitment(*, plan: DevelopmentPlan | None, money: Decimal | None, year_due: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if money is not None and money < 0:
        errors.setdefault("money", []).append(gettext("计划资金不能为负数。"))
    if plan is not None and year_due and not plan.start_year <= year_due <= plan.end_year:
        errors.setdefault("year_due", []).append(gettext("完成年度应在规划年度之内（%(start)s—%(end)s）。") % {
            "start": plan.start_year, "end": plan.end_year})
    if errors:
        raise DomainError(errors)


def check_progress(*, commitment: Commitment | None, year: int | None) -> None:
    plan = commitment.plan if commitment is not None else None
    if plan is not None and year and not plan.start_year <= year <= plan.end_year:
        raise DomainError({"year": [gettext("进展年度应在规划年度之内（%(start)s—%(end)s）。") % {
            "start": plan.start_year, "end": plan.end_year}]})


@transaction.atomic
def save_development_plan(*, by, kind: str, village: Area | None = None, unit: Unit | None = None, start_year: int,
                          end_year: int, goals: str, commitments: list[dict] = ()) -> DevelopmentPlan:
    """Enter a plan with its commitments (text, money, year_due)."""
    check_development_plan(by=by, kind=kind, village=village, unit=unit, start_year=start_year, end_year=end_year)
    plan = DevelopmentPlan.objects.create(kind=kind, village=village, unit=unit, start_year=start_year,
                                          end_year=end_year, goals=goals)
    for row in commitments:
        check_commitment(plan=plan, money=row.get("money", 0), year_due=row["year_due"])
        Commitment.objects.create(plan=plan, text=row["text"], money=row.get("money", 0), year_due=row["year_due"])
    return plan


def record_progress(*, commitment: Commitment, year: int, text: str, done: bool) -> CommitmentProgress:
    """A year's progress on a commitment; recording the year again replaces it."""
    check_progress(commitment=commitment, year=year)
    progress, _created = CommitmentProgress.objects.update_or_create(
        commitment=commitment, year=year, defaults={"text": text, "done": done})
    return progress
