"""Taking a step of identification, exit or return for a batch of one village's households
(docs/domain.md §10). The only place a household's status changes.

Where a household stands is its latest step entry (by the step's date, then the order steps
were taken):

- passed, and not the procedure's last stage: the household is in that procedure, and only its
  next stage (``rules.SEQUENCES``) may be taken for it, in the same year;
- passed at the last stage: the procedure is over;
- not passed: the household has left the procedure. It may start one again from its first stage
  (a new vote) if its status allows: identification from 待识别, exit from 在册 or 返贫, return
  from 已脱贫.

A notice (公示) runs from its first day to its last day, both counted: a notice of 7 days that
starts on 1 June ends on 7 June at the earliest. The next step may be dated from the day after
the last day, once every objection raised against the notice for the batch's households has been
checked; a household whose objection was upheld can only fail that next step.

When an announcement (公告) passes, identification makes a household 已识别 and its filing (建档立卡)
makes it 在册; an exit makes it 已脱贫 with the step's year as its exit year; a return makes it
返贫 again (the exit year stays in the household's history and on the exit's steps)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from typing import Any, Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Area, Household
from households.selectors import quota_errors, thresholds_for
from shuanglian import freshness
from shuanglian.errors import DomainError
from shuanglian.helpers import pad_area_code

from ..access import level_error
from ..checklists import exit_proposal_errors
from ..models import Objection, Step, StepEntry
from ..rules import LEVELS, NOTICES, SEQUENCES, Level, Procedure, Stage

Status = Household.Status

# Which status a household must have to start each procedure.
STARTS_FROM: dict[str, tuple[str, ...]] = {
    Procedure.IDENTIFICATION: (Status.CANDIDATE,),
    Procedure.EXIT: (Status.REGISTERED, Status.RETURNED),
    Procedure.RETURN: (Status.EXITED,),
}

# The status a passed stage gives: (procedure, stage) → status.
OUTCOMES: dict[tuple[str, str], str] = {
    (Procedure.IDENTIFICATION, Stage.ANNOUNCEMENT): Status.IDENTIFIED,
    (Procedure.IDENTIFICATION, Stage.FILING): Status.REGISTERED,
    (Procedure.EXIT, Stage.ANNOUNCEMENT): Status.EXITED,
    (Procedure.RETURN, Stage.ANNOUNCEMENT): Status.RETURNED,
}

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = {b"%PDF": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


@dataclass(frozen=True)
class Position:
    """A household's latest step entry."""

    procedure: str
    stage: str
    year: int
    passed: bool
    step: Step

    @property
    def next_stage(self) -> str | None:
        """The stage to take next in its procedure; None when the household is in none."""
        sequence = SEQUENCES[self.procedure]
        if not self.passed or self.stage == sequence[-1]:
            return None
        return sequence[sequence.index(self.stage) + 1]


def positions(household_ids: Iterable[int]) -> dict[int, Position]:
    """The latest step entry of each household (those no step has named are absent)."""
    found: dict[int, Position] = {}
    entries = (StepEntry.objects.filter(household_id__in=list(household_ids)).select_related("step")
               .order_by("household_id", "-step__date", "-step_id"))
    for entry in entries:
        if entry.household_id not in found:
            s = entry.step
            found[entry.household_id] = Position(s.procedure, s.stage, s.year, entry.passed, s)
    return found


def next_stage_for(household: Household, position: Position | None, procedure: str) -> str | None:
    """The stage ``procedure`` would take next for the household, None if it may take none."""
    if position is not None and position.next_stage is not None:
        return position.next_stage if position.procedure == procedure else None
    return SEQUENCES[procedure][0] if household.status in STARTS_FROM[procedure] else None


def _name(household: Household) -> str:
    return f"{household.number}（{household.head_name}）"


def parse_signatories(text: str) -> list[dict]:
    """Lines "姓名 职务" (a space, a full-width space or a tab between) as [{name, role}]."""
    people = []
    for line in (text or "").splitlines():
        parts = line.replace("\u3000", " ").replace("\t", " ").split(None, 1)
        if parts:
            people.append({"name": parts[0].strip(), "role": parts[1].strip() if len(parts) > 1 else ""})
    return people


def signatory_errors(people: list[dict], *, required: bool, label: str) -> list[str]:
    if required and not people:
        return [gettext("%(label)s至少一人（每行“姓名 职务”）。") % {"label": label}]
    bad = [p.get("name", "") for p in people if not (str(p.get("name", "")).strip() and str(p.get("role", "")).strip())]
    if bad:
        return [gettext("%(label)s每人须有姓名和职务（每行“姓名 职务”）：%(names)s。")
                % {"label": label, "names": "、".join(b or "？" for b in bad)}]
    return []


def document_errors(document) -> list[str]:
    """A scanned document: PDF, JPEG or PNG by its content, at most 10 MB."""
    if not document:
        return []
    if document.size > DOCUMENT_MAX_BYTES:
        return [gettext("扫描件“%(name)s”超过%(size)s MB。") % {"name": document.name, "size": DOCUMENT_MAX_BYTES // 2**20}]
    head = document.read(8)
    document.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_KINDS):
        return [gettext("扫描件“%(name)s”须为PDF、JPEG或PNG文件。") % {"name": document.name}]
    return []


def _document_name(document) -> str:
    head = document.read(8)
    document.seek(0)
    return "scan" + next(ext for magic, ext in DOCUMENT_KINDS.items() if head.startswith(magic))


def notice_days_between(start: Date, end: Date) -> int:
    """A notice's days, its first and last day both counted."""
    return (end - start).days + 1


def step_errors(user, *, village: Area, procedure: str, year: int, stage: str, date: Date, end_date: Date | None,
                households: list[Household], results: Mapping[int, Mapping[str, Any]], signatories: list[dict],
                document=None, today: Date | None = None) -> dict[str, list[str]]:
    """Every rule of a step, each with its message, per field of the form."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if procedure not in SEQUENCES:
        return {"procedure": [gettext("未知的程序。")]}
    if stage not in SEQUENCES[procedure]:
        return {"stage": [gettext("“%(procedure)s”没有“%(stage)s”这一步。") % {
            "procedure": Procedure(procedure).label, "stage": Stage(stage).label if stage in Stage.values else stage}]}
    if not households:
        add("households", gettext("请选择本步骤的农户。"))
        return errors
    elsewhere = [_name(h) for h in households if h.village_id != village.code]
    if elsewhere:
        add("households", gettext("一批农户须同属一个村，%(names)s不在%(village)s。") % {
            "names": "、".join(elsewhere), "village": village.name})
        return errors
    if (problem := level_error(user, village.code, stage, date)) is not None:
        add("stage", problem)
    if date > today:
        add("date", gettext("不能登记今天以后的步骤。"))
    if year not in (date.year - 1, date.year):
        add("year", gettext("年度须为步骤日期的当年或上一年。"))

    if stage in NOTICES:
        minimum = thresholds_for(year).notice_days
        if end_date is None:
            add("end_date", gettext("公示须填写截止日期。"))
        elif end_date < date or notice_days_between(date, end_date) < minimum:
            add("end_date", gettext("公示不少于%(days)s天（首日和截止日均计入），本次为%(actual)s天。") % {
                "days": minimum, "actual": max(notice_days_between(date, end_date), 0)})
    elif end_date is not None:
        add("end_date", gettext("只有公示填写截止日期。"))

    is_vote = stage == Stage.VOTE
    for problem in signatory_errors(signatories, required=is_vote, label=gettext("现场签字人员")):
        add("signatories", problem)
    errors_of_document = document_errors(document)
    if errors_of_document:
        errors["document"] = errors_of_document

    found = positions(h.pk for h in households)
    previous_notices = {p.step.pk for p in found.values() if p.step.stage in NOTICES}
    unchecked = set(Objection.objects.filter(notice_id__in=previous_notices, checked_on__isnull=True)
                    .values_list("notice_id", "household_id"))
    upheld = set(Objection.objects.filter(notice_id__in=previous_notices, upheld=True)
                 .values_list("notice_id", "household_id"))
    for h in households:
        position = found.get(h.pk)
        result = results.get(h.pk)
        expected = next_stage_for(h, position, procedure)
        if expected != stage:
            add("households", _order_message(h, position, procedure, stage, expected))
            continue
        if position is not None and position.next_stage is not None:
            if position.year != year:
                add("year", gettext("%(name)s的%(procedure)s程序是%(year)s年度的。") % {
                    "name": _name(h), "procedure": Procedure(procedure).label, "year": position.year})
            previous = position.step
            if previous.stage in NOTICES:
                if date <= previous.end_date:
                    add("date", gettext("%(name)s的公示%(end)s截止，下一步最早%(next)s。") % {
                        "name": _name(h), "end": previous.end_date.isoformat(),
                        "next": (previous.end_date + timedelta(days=1)).isoformat()})
                if (previous.pk, h.pk) in unchecked:
                    add("households", gettext("%(name)s对公示的异议尚未核实。") % {"name": _name(h)})
                if (previous.pk, h.pk) in upheld and result and result.get("passed"):
                    add("results", gettext("%(name)s的公示异议经核实成立，本步骤只能记为未通过。") % {"name": _name(h)})
            elif date < previous.date:
                add("date", gettext("%(name)s上一步骤日期为%(date)s，本步骤不能更早。") % {
                    "name": _name(h), "date": previous.date.isoformat()})
        elif procedure == Procedure.EXIT:
            for problem in exit_proposal_errors(h, year):
                add("households", f"{_name(h)}：{problem}")
        if result is None or result.get("passed") is None:
            add("results", gettext("请填写%(name)s本步骤是否通过。") % {"name": _name(h)})
        elif is_vote:
            counts = [result.get(k) for k in ("votes_for", "votes_against", "votes_abstaining")]
            if any(c is None or c < 0 for c in counts):
                add("results", gettext("请填写%(name)s的赞成、反对、弃权票数。") % {"name": _name(h)})

    if (not errors and procedure == Procedure.IDENTIFICATION and LEVELS[stage] == Level.COUNTY
            and SEQUENCES[procedure].index(stage) <= SEQUENCES[procedure].index(Stage.ANNOUNCEMENT)):
        passing = [h.pk for h in households if results[h.pk].get("passed")]
        people = Household.objects.filter(pk__in=passing).aggregate(n=Sum("resident_population"))["n"] or 0
        for problem in quota_errors(pad_area_code(village.code[:6]), year, people=people):
            add("households", problem)
    return errors


def _order_message(h: Household, position: Position | None, procedure: str, stage: str, expected: str | None) -> str:
    names = {"name": _name(h), "procedure": Procedure(procedure).label, "stage": Stage(stage).label}
    if position is not None and position.next_stage is not None:
        return gettext("%(name)s正在%(open)s程序中，下一步是“%(next)s”，不能办理%(procedure)s“%(stage)s”。") % {
            **names, "open": Procedure(position.procedure).label, "next": Stage(position.next_stage).label}
    if expected is None:
        return gettext("%(name)s状态为“%(status)s”，不能开始%(procedure)s程序。") % {
            **names, "status": h.get_status_display()}
    return gettext("%(name)s的%(procedure)s程序须从“%(first)s”开始，不能先办理“%(stage)s”。") % {
        **names, "first": Stage(expected).label}


def take_step(user, *, village: Area | str, procedure: str, year: int, stage: str, date: Date,
              end_date: Date | None = None, households: Iterable[Household | int],
              results: Mapping[int, Mapping[str, Any]], signatories: list[dict], note: str = "", document=None,
              idempotency_key: uuid.UUID | None = None) -> Step:
    """Take ``stage`` of ``procedure`` for a batch of one village's households, checked by every
    rule of the module's docstring (a clear message each, nothing stored), and change the status
    of the households a passed announcement or filing concludes. ``results`` maps each
    household's id to {passed, votes_for, votes_against, votes_abstaining, note}. The same
    ``idempotency_key`` from the same user returns the step first stored with it."""
    if idempotency_key is not None and (existing := Step.objects.filter(idempotency_key=idempotency_key).first()):
        return _replayed(existing, user)
    village = village if isinstance(village, Area) else Area.objects.get(code=village)
    ids = [h.pk if isinstance(h, Household) else h for h in households]
    batch = list(Household.objects.filter(pk__in=ids).order_by("number"))
    errors = step_errors(user, village=village, procedure=procedure, year=year, stage=stage, date=date,
                         end_date=end_date, households=batch, results=results, signatories=signatories,
                         document=document)
    if errors:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            step = Step(village=village, procedure=procedure, year=year, stage=stage, date=date, end_date=end_date,
                        signatories=[{"name": p["name"].strip(), "role": p["role"].strip()} for p in signatories],
                        note=note, taken_by=user if getattr(user, "pk", None) else None,
                        idempotency_key=idempotency_key)
            if document:
                step.document.save(_document_name(document), document, save=False)
            step._history_user = step.taken_by
            step.save()
            outcome = OUTCOMES.get((procedure, stage))
            for h in batch:
                result = results[h.pk]
                entry = StepEntry(step=step, household=h, passed=bool(result["passed"]),
                                  votes_for=result.get("votes_for"), votes_against=result.get("votes_against"),
                                  votes_abstaining=result.get("votes_abstaining"), note=result.get("note") or "")
                entry._history_user = step.taken_by
                entry.save()
                if outcome and entry.passed:
                    _set_status(h, outcome, year, step.taken_by)
            freshness.touch_villages([village.code])  # its households' status, its exits
    except IntegrityError:
        if idempotency_key is not None and (existing := Step.objects.filter(idempotency_key=idempotency_key).first()):
            return _replayed(existing, user)
        raise
    return step


def _set_status(household: Household, status: str, year: int, by) -> None:
    household.status = status
    if status == Status.EXITED:
        household.exit_year = year
    elif status == Status.RETURNED:
        household.exit_year = None  # the exit stays in the household's history and its steps
    household._history_user = by
    household.save(update_fields=["status", "exit_year", "updated_at"])


def _replayed(step: Step, user) -> Step:
    if step.taken_by_id != getattr(user, "pk", None):
        raise DomainError({"idempotency_key": gettext("该提交标识已被他人使用，请重新打开页面。")})
    return step
