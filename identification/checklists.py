"""The "两不愁三保障" checklist and the exit test it feeds (docs/domain.md §10).

A household may be proposed for exit in a year only when (1) its checklist of that year answers
all five items and each holds, (2) its per-capita net income of that year is not below the
provincial line in force (equal to the line is not below it) and (3) it is on the registry
(registered, identified or returned): a candidate is not yet poor, an exited household is out."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from households.models import Household, IncomeRecord
from households.selectors import thresholds_for

from .models import ExitChecklist
from .rules import CHECKLIST_ITEMS

ITEM_KEYS: tuple[str, ...] = tuple(key for key, _label in CHECKLIST_ITEMS)
ITEM_LABELS: dict[str, object] = dict(CHECKLIST_ITEMS)
MAY_EXIT = frozenset({Household.Status.REGISTERED, Household.Status.IDENTIFIED, Household.Status.RETURNED})


@dataclass(frozen=True)
class IncomeTest:
    """A year's per-capita net income against the provincial line (None: no income record)."""

    year: int
    income: Decimal | None
    line: Decimal

    @property
    def passes(self) -> bool:
        return self.income is not None and self.income >= self.line


def income_test(household, year: int) -> IncomeTest:
    income = IncomeRecord.objects.filter(household=household, year=year).values_list("per_capita_income", flat=True).first()
    return IncomeTest(year=year, income=income, line=thresholds_for(year).province_line)


def checklist_errors(answers: dict[str, bool] | None, year: int) -> list[str]:
    """Why a checklist (item key → holds, None: none recorded) does not clear the household."""
    if answers is None:
        return [gettext("尚未填报%(year)s年度“两不愁三保障”核查表。") % {"year": year}]
    errors = []
    missing = [str(ITEM_LABELS[key]) for key in ITEM_KEYS if key not in answers]
    if missing:
        errors.append(gettext("核查表缺少项目：%(items)s。") % {"items": "、".join(missing)})
    failed = [str(ITEM_LABELS[key]) for key in ITEM_KEYS if answers.get(key) is False]
    if failed:
        errors.append(gettext("核查项目未达到：%(items)s。") % {"items": "、".join(failed)})
    return errors


def income_errors(test: IncomeTest) -> list[str]:
    if test.income is None:
        return [gettext("没有%(year)s年度家庭收入记录，无法对照收入标准。") % {"year": test.year}]
    if not test.passes:
        return [gettext("%(year)s年度人均纯收入%(income)s元，低于省定标准%(line)s元。")
                % {"year": test.year, "income": test.income, "line": test.line}]
    return []


def status_errors(household) -> list[str]:
    if household.status == Household.Status.CANDIDATE:
        return [gettext("该户尚未识别为贫困户，不能提出脱贫申请。")]
    if household.status == Household.Status.EXITED:
        return [gettext("该户已脱贫，不能再次提出脱贫申请。")]
    return []


def checklist_answers(household, year: int) -> dict[str, bool] | None:
    checklist = ExitChecklist.objects.filter(household=household, year=year).first()
    if checklist is None:
        return None
    return dict(checklist.items.values_list("item", "holds"))


def exit_proposal_errors(household, year: int) -> list[str]:
    """Why ``household`` may not be proposed for exit in ``year``; empty when it may."""
    return (status_errors(household) + checklist_errors(checklist_answers(household, year), year)
            + income_errors(income_test(household, year)))
