"""Objections to a notice (公示) and their door-to-door check (docs/domain.md §10).

An objection is received against a household the notice named, on a day the notice ran (its
first to its last day), before the household's next step. It is recorded and checked by whoever
may take the notice's stage in that village (``access.level_error``). Until it is checked the
household's next step waits; an upheld objection makes the household fail that next step, so it
leaves the procedure (``services.steps``)."""
from __future__ import annotations

from datetime import date as Date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Household
from shuanglian.errors import DomainError

from ..access import level_error
from ..models import Objection, Step, StepEntry
from ..rules import NOTICES
from .steps import signatory_errors


def objection_errors(user, *, notice: Step, household: Household, received_on: Date, content: str,
                     today: Date | None = None) -> dict[str, list[str]]:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if notice.stage not in NOTICES:
        return {"notice": [gettext("异议只能针对公示提出。")]}
    if not StepEntry.objects.filter(step=notice, household=household).exists():
        return {"household": [gettext("%(number)s不在这次公示的名单中。") % {"number": household.number}]}
    if (problem := level_error(user, notice.village_id, notice.stage, received_on)) is not None:
        errors["notice"] = [problem]
    if not (notice.date <= received_on <= notice.end_date):
        errors["received_on"] = [gettext("异议须在公示期间（%(start)s至%(end)s）受理。") % {
            "start": notice.date.isoformat(), "end": notice.end_date.isoformat()}]
    elif received_on > today:
        errors["received_on"] = [gettext("受理日期不能晚于今天。")]
    later = StepEntry.objects.filter(household=household, step__date__gt=notice.end_date)
    if later.exists():
        errors.setdefault("notice", []).append(gettext("公示后的步骤已经办理，不能再登记这次公示的异议。"))
    if not (content or "").strip():
        errors["content"] = [gettext("请填写异议内容。")]
    return errors


def record_objection(user, notice: Step, household: Household, received_on: Date, raised_by: str,
                     content: str) -> Objection:
    """Record an objection received while ``notice`` ran against ``household``."""
    errors = objection_errors(user, notice=notice, household=household, received_on=received_on, content=content)
    if errors:
        raise DomainError(errors)
    objection = Objection(notice=notice, household=household, received_on=received_on,
                          raised_by=(raised_by or "").strip(), content=content.strip())
    objection._history_user = user if getattr(user, "pk", None) else None
    objection.save()
    return objection


def check_errors(user, objection: Objection, *, checked_on: Date, checkers: list[dict], finding: str, upheld,
                 today: Date | None = None) -> dict[str, list[str]]:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    notice = objection.notice
    if objection.checked_on is not None:
        return {"objection": [gettext("这条异议已经核实。")]}
    if (problem := level_error(user, notice.village_id, notice.stage, checked_on)) is not None:
        errors["objection"] = [problem]
    if checked_on < objection.received_on:
        errors["checked_on"] = [gettext("核实日期不能早于受理日期。")]
    elif checked_on > today:
        errors["checked_on"] = [gettext("核实日期不能晚于今天。")]
    if problems := signatory_errors(checkers, required=True, label=gettext("核实人员")):
        errors["checkers"] = problems
    if not (finding or "").strip():
        errors["finding"] = [gettext("请填写核实结果。")]
    if upheld is None:
        errors["upheld"] = [gettext("请选择异议是否成立。")]
    return errors


def check_objection(user, objection: Objection, checked_on: Date, checkers: list[dict], finding: str,
                    upheld: bool) -> Objection:
    """Record the door-to-door check of an objection: when, by whom, what was found, whether it holds."""
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
        errors = check_errors(user, objection, checked_on=checked_on, checkers=checkers, finding=finding, upheld=upheld)
        if errors:
            raise DomainError(errors)
        objection.checked_on = checked_on
        objection.checkers = [{"name": p["name"].strip(), "role": p["role"].strip()} for p in checkers]
        objection.finding = finding.strip()
        objection.upheld = bool(upheld)
        objection._history_user = user if getattr(user, "pk", None) else None
        objection.save()
    return objection
