"""Writes of the two-way evaluation: rounds, paper tallies, one-time codes, web ballots, closing.

One statement per rule: the admin, the roster sheet 评议 and the ballot page call these.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.models import Area, VillageYear
from pairing.access import visible_cadres, visible_units
from pairing.models import Cadre, Unit
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH

from . import selectors
from .models import UNIT_TARGETS, AppraisalResult, Ballot, BallotCode, Direction, EvaluationRound, Level, Tally

# Codes are read off paper and typed on phones: no 0/O, 1/I/L, and grouped for the eye.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31^10 ≈ 8 × 10^14: guessing a live code is hopeless


def round_errors(rnd: EvaluationRound) -> dict[str, list[str]]:
    """The settings of a round that cannot be right."""
    errors: dict[str, list[str]] = {}
    if rnd.opens and rnd.closes and rnd.closes < rnd.opens:
        errors.setdefault("closes", []).append(_("截止日期不能早于开始日期。"))
    weights = [rnd.weight_ballots, rnd.weight_compliance, rnd.weight_deeds, rnd.weight_income]
    if any(w is None or w < 0 for w in weights) or sum(w or 0 for w in weights) != 100:
        errors.setdefault("weight_ballots", []).append(_("四项权重应为非负数，合计100%。"))
    if not (rnd.score_satisfied >= rnd.score_basic >= rnd.score_unsatisfied >= 0):
        errors.setdefault("score_basic", []).append(_("计分应满足：满意 ≥ 基本满意 ≥ 不满意 ≥ 0。"))
    if not (100 >= rnd.team_excellent > rnd.team_good > rnd.team_fair > 0):
        errors.setdefault("team_good", []).append(_("工作队分数线应从“优秀”到“一般”依次降低。"))
    if not (100 >= rnd.cadre_excellent > rnd.cadre_competent > rnd.cadre_basic > 0):
        errors.setdefault("cadre_competent", []).append(_("干部分数线应从“优秀”到“基本称职”依次降低。"))
    return errors


def check_round(rnd: EvaluationRound) -> None:
    if errors := round_errors(rnd):
        raise DomainError(errors)


def check_open(rnd: EvaluationRound) -> None:
    if rnd.is_closed:
        raise DomainError(_("%(round)s已结束，结果已固定，不能再修改。") % {"round": rnd})


# --- paper tallies ------------------------------------------------------------------------------------------

def tally_problems(*, year: int, direction: str, target, counts: tuple[int, int, int], limit: int | None,
                   web: int, rnd: EvaluationRound | None) -> list[str]:
    """The rules of a tally on plain values (the roster importer checks many rows with it)."""
    problems = []
    if any(n is None or n < 0 for n in counts):
        problems.append(_("票数不能为负数。"))
    if rnd is None:
        problems.append(_("%(year)s年度该对象没有联村联户，不在任何评议范围内。") % {"year": year})
    elif rnd.is_closed:
        problems.append(_("%(round)s已结束，结果已固定，不能再修改。") % {"round": rnd})
    if limit is not None and not problems:
        total = sum(counts) + web
        if total > limit:
            problems.append(limit_message(direction, limit, total))
    return problems


def limit_reason(direction: str, limit: int) -> str:
    """What a target's limit comes from, naming the recorded figure."""
    return {
        Direction.VILLAGE_ON_UNIT: ngettext("村两委成员数合计%(limit)s人，选票不能超过%(limit)s张",
                                           "村两委成员数合计%(limit)s人，选票不能超过%(limit)s张", limit),
        Direction.HOUSEHOLD_ON_CADRE: ngettext("该干部本年度联系%(limit)s户", "该干部本年度联系%(limit)s户", limit),
        Direction.UNIT_ON_CADRE: ngettext("单位班子成员数%(limit)s人，选票不能超过%(limit)s张",
                                          "单位班子成员数%(limit)s人，选票不能超过%(limit)s张", limit),
        Direction.CADRE_ON_LEADERSHIP: ngettext("该单位共有%(limit)s名干部", "该单位共有%(limit)s名干部", limit),
    }[direction] % {"limit": limit}


def limit_message(direction: str, limit: int, total: int) -> str:
    return ngettext("票数合计%(total)s张（含网上评议），超过上限：%(reason)s。",
                    "票数合计%(total)s张（含网上评议），超过上限：%(reason)s。", total) % {
        "total": total, "reason": limit_reason(direction, limit)}


# --- how many ballots a target may receive -------------------------------------------------------------------

# The raters that are teams (docs/domain.md §7): every member of a village's two committees (村两委)
# rates the unit, every member of a unit's leadership (班子) rates each of its cadres.
TEAM_DIRECTIONS = frozenset({Direction.VILLAGE_ON_UNIT, Direction.UNIT_ON_CADRE})


def ballot_limit(direction: str, *, raters: int = 0, team_sizes: Iterable[int | None] = ()) -> int | None:
    """The most ballots, paper and web together, that one target may receive in a year.

    One per rater (``raters``: the households paired with a cadre, the cadres of a unit); for a
    team direction one per member of each rating team, so the sum of ``team_sizes``, the
    recorded sizes of the target's teams that year (a unit's paired villages' 村两委成员数, a
    cadre's unit's 班子成员数). None while any of those sizes is not recorded: the ballots are
    then accepted unchecked, and the results page says so. The one statement of the limit:
    the admin tally, the roster sheet 评议 and the ballot page all ask it.
    """
    if direction not in TEAM_DIRECTIONS:
        return raters
    sizes = list(team_sizes)
    if any(size is None for size in sizes):
        return None
    return sum(sizes)


def ballot_limits(year: int, direction: str, *, units=(), cadres=()) -> dict[int, int | None]:
    """``ballot_limit`` of each target given (database pks), from the pairings and sizes stored."""
    keys = list(units if direction in UNIT_TARGETS else cadres)
    if direction in TEAM_DIRECTIONS:
        sizes = selectors.team_sizes(year, direction, units=keys, cadres=keys)
        return {pk: ballot_limit(direction, team_sizes=sizes.get(pk, ())) for pk in keys}
    raters = selectors.rater_counts(year, direction, units=keys, cadres=keys)
    return {pk: ballot_limit(direction, raters=raters.get(pk, 0)) for pk in keys}


def _target_kwargs(direction: str, target) -> dict:
    return {"unit": target, "cadre": None} if direction in UNIT_TARGETS else {"unit": None, "cadre": target}


def _check_target_kind(direction: str, target) -> None:
    expected = Unit if direction in UNIT_TARGETS else Cadre
    if not isinstance(target, expected):
        raise DomainError(_("“%(direction)s”的评议对象应为%(kind)s。") % {
            "direction": Direction(direction).label, "kind": _("单位") if expected is Unit else _("干部")})


def limit_for(year: int, direction: str, target) -> int | None:
    key = {"units" if direction in UNIT_TARGETS else "cadres": [target.pk]}
    return ballot_limits(year, direction, **key)[target.pk]


def web_count(year: int, direction: str, target) -> int:
    key = {"units" if direction in UNIT_TARGETS else "cadres": [target.pk]}
    return selectors.web_ballots(year, direction, **key).get(target.pk, 0)


def covers(rnd: EvaluationRound, direction: str, target) -> bool:
    """Whether the target worked in a village of the round's area during its year."""
    prefix = Area.prefix_of(rnd.area_id)
    if direction in UNIT_TARGETS:
        return selectors.village_pairings_of_year(rnd.year, prefix).filter(unit=target).exists()
    return selectors.household_pairings_of_year(rnd.year, prefix).filter(cadre=target).exists()


def check_tally(*, direction: str, target, satisfied: int, basic: int, unsatisfied: int, year: int | None = None,
                rnd: EvaluationRound | None = None, existing: Tally | None = None) -> EvaluationRound:
    """Every rule of a tally; returns the round it belongs to (the one given, or the most
    specific round of the year covering the target)."""
    _check_target_kind(direction, target)
    year = rnd.year if rnd is not None else year
    if rnd is None:
        rnd = selectors.round_for(year, direction, target)
    elif not covers(rnd, direction, target):
        raise DomainError(_("该对象%(year)s年度没有在%(area)s联村联户，不属于本轮评议。") % {"year": year, "area": rnd.area.name})
    problems = tally_problems(year=year, direction=direction, target=target, counts=(satisfied, basic, unsatisfied),
                              limit=limit_for(year, direction, target), web=web_count(year, direction, target), rnd=rnd)
    if existing is not None and existing.pk and existing.round.is_closed:
        problems.append(_("%(round)s已结束，结果已固定，不能再修改。") % {"round": existing.round})
    if problems:
        raise DomainError(problems)
    twin = Tally.objects.filter(round=rnd, direction=direction, **_target_kwargs(direction, target))
    if existing is not None and existing.pk:
        twin = twin.exclude(pk=existing.pk)
    if twin.exists():
        raise DomainError(_("该对象在本轮评议中已有纸质票汇总，请修改原记录。"))
    return rnd


@transaction.atomic
def record_tally(*, direction: str, target, satisfied: int, basic: int, unsatisfied: int, year: int | None = None,
                 rnd: EvaluationRound | None = None, by=None, existing: Tally | None = None) -> Tally:
    """Enter (or correct, with ``existing``) the paper ballots of one target. A second tally for
    the same target in a round is refused: the office corrects the first."""
    rnd = check_tally(direction=direction, target=target, satisfied=satisfied, basic=basic, unsatisfied=unsatisfied,
                      year=year, rnd=rnd, existing=existing)
    tally = existing or Tally()
    tally.round, tally.direction = rnd, direction
    tally.unit, tally.cadre = _target_kwargs(direction, target).values()
    tally.satisfied, tally.basic, tally.unsatisfied, tally.entered_by = satisfied, basic, unsatisfied, by
    tally.save()
    return tally


# --- one-time codes and web ballots ----------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person types: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _village_teams(rnd: EvaluationRound, scope=None):
    """The round's unit–village pairings of its year with the village's 村两委成员数 (None: not recorded)."""
    committee = VillageYear.objects.filter(village_id=OuterRef("village_id"), year=rnd.year).values("committee_size")[:1]
    rows = selectors.village_pairings_of_year(rnd.year, rnd.area_id).annotate(size=Subquery(committee)).order_by()
    return rows.filter(unit__in=visible_units(scope)) if scope is not None else rows


def _leadership_teams(rnd: EvaluationRound, scope=None):
    """The cadres pairing households in the round's area and year, each rated by its unit's 班子."""
    cadres = Cadre.objects.filter(pk__in=selectors.household_pairings_of_year(rnd.year, rnd.area_id).values("cadre_id"))
    return cadres.filter(pk__in=visible_cadres(scope).values("pk")) if scope is not None else cadres


def _raters(rnd: EvaluationRound, direction: str):
    """(rater key, rater label, target kwargs, slips) for every rater the round's area holds.

    ``slips`` is how many codes the rater gets: one per member of a team whose size is recorded
    (村两委成员数 of the village that year, 班子成员数 of the unit), otherwise one, as for a
    household or a cadre.
    """
    year, area = rnd.year, rnd.area_id
    if direction == Direction.HOUSEHOLD_ON_CADRE:
        rows = (selectors.household_pairings_of_year(year, area)
                .values_list("household_id", "household__number", "household__head_name", "cadre_id").distinct())
        for household_id, number, head, cadre_id in rows.order_by("household__number", "cadre_id"):
            yield f"h{household_id}", f"{head}（{number}）", {"cadre_id": cadre_id}, 1
    elif direction == Direction.VILLAGE_ON_UNIT:
        rows = _village_teams(rnd).values_list("village_id", "village__name", "unit_id", "size").distinct()
        for village, name, unit_id, size in rows.order_by("village_id", "unit_id"):
            yield f"v{village}", _("%(village)s村“两委”") % {"village": name}, {"unit_id": unit_id}, size or 1
    elif direction == Direction.UNIT_ON_CADRE:
        rows = _leadership_teams(rnd).values_list("pk", "unit_id", "unit__name", "unit__leadership_size")
        for cadre_id, unit_id, unit_name, size in rows.order_by("unit__code", "id_number"):
            yield f"u{unit_id}", _("%(unit)s领导班子") % {"unit": unit_name}, {"cadre_id": cadre_id}, size or 1
    else:
        units = selectors.village_pairings_of_year(year, area).values("unit_id")
        for cadre_id, name, unit_id in Cadre.objects.filter(unit_id__in=units).values_list(
                "pk", "name", "unit_id").order_by("unit__code", "id_number"):
            yield f"c{cadre_id}", name, {"unit_id": unit_id}, 1


def _member_key(rater: str, n: int) -> str:
    """The key of a team's n-th slip. The first keeps the rater's own key, so the one code issued
    while the size was unknown counts as the first member's and issuing again only tops up."""
    return rater if n == 1 else f"{rater}.{n}"


@transaction.atomic
def issue_codes(*, rnd: EvaluationRound, direction: str) -> int:
    """Codes for every rater and target of the round that lack them; returns how many were made.

    One per household or cadre; for a team, one per member where its size is recorded, else one
    (``team_size_notes`` says where). Issuing again adds the codes of new pairings and tops a
    team up to a size recorded since, never beyond it and never twice for one slip.
    """
    check_open(rnd)
    if direction not in Direction.values:
        raise DomainError(_("请选择评议类型。"))
    have: dict[tuple, set[str]] = defaultdict(set)
    for key, unit_id, cadre_id in BallotCode.objects.filter(round=rnd, direction=direction).values_list(
            "rater_key", "unit_id", "cadre_id"):
        have[(key.split(".")[0], unit_id, cadre_id)].add(key)
    fresh = []
    with translation.override(settings.LANGUAGE_CODE):  # the slips are printed in the site's language
        raters = list(_raters(rnd, direction))
    for rater, label, target, slips in raters:
        issued = have[(rater, target.get("unit_id"), target.get("cadre_id"))]
        missing, n = slips - len(issued), 0
        while missing > 0:
            n += 1
            if (key := _member_key(rater, n)) in issued:
                continue
            fresh.append(BallotCode(round=rnd, direction=direction, code=new_code(), rater_key=key,
                                    rater_label=label[:100], **target))
            missing -= 1
    BallotCode.objects.bulk_create(fresh, batch_size=BATCH)
    return len(fresh)


def missing_team_sizes(rnd: EvaluationRound, scope=None) -> dict[str, int]:
    """Per team direction, how many rating teams of the round have no recorded size (villages
    without 村两委成员数 in their 村情 of the year, units without 班子成员数): one code each."""
    return {
        Direction.VILLAGE_ON_UNIT: _village_teams(rnd, scope).filter(size__isnull=True)
        .values("village_id").distinct().count(),
        Direction.UNIT_ON_CADRE: _leadership_teams(rnd, scope).filter(unit__leadership_size__isnull=True)
        .values("unit_id").distinct().count(),
    }


def team_size_notes(rnd: EvaluationRound, scope=None, direction: str | None = None) -> list[str]:
    """What the office is told when issuing and on the slips page about teams of unknown size."""
    missing = missing_team_sizes(rnd, scope)
    notes = []
    if (n := missing[Direction.VILLAGE_ON_UNIT]) and direction in (None, "", Direction.VILLAGE_ON_UNIT):
        notes.append(ngettext(
            "村评单位：%(count)s个村未登记村两委成员数，每村只生成了1个评议码；在村情中登记村两委成员数后再次生成评议码，即可为其余成员补发。",
            "村评单位：%(count)s个村未登记村两委成员数，每村只生成了1个评议码；在村情中登记村两委成员数后再次生成评议码，即可为其余成员补发。",
            n) % {"count": n})
    if (n := missing[Direction.UNIT_ON_CADRE]) and direction in (None, "", Direction.UNIT_ON_CADRE):
        notes.append(ngettext(
            "单位评干部：%(count)s个单位未登记班子成员数，每名干部只生成了1个评议码；登记班子成员数后再次生成评议码，即可为其余班子成员补发。",
            "单位评干部：%(count)s个单位未登记班子成员数，每名干部只生成了1个评议码；登记班子成员数后再次生成评议码，即可为其余班子成员补发。",
            n) % {"count": n})
    return notes


def code_problem(code: BallotCode | None, today: date) -> str | None:
    """Why a code cannot cast a ballot now, or None."""
    if code is None:
        return _("评议码不存在，请核对后重新输入。")
    if code.spent:
        return _("该评议码已经使用过，每个评议码只能投一次票。")
    rnd = code.round
    if rnd.is_closed:
        return _("本轮评议已结束。")
    if today > rnd.closes:
        return _("评议码已过期（评议截止于%(date)s）。") % {"date": rnd.closes.isoformat()}
    if today < rnd.opens:
        return _("评议尚未开始（%(date)s开始）。") % {"date": rnd.opens.isoformat()}
    return None


def find_code(text: str) -> BallotCode | None:
    return BallotCode.objects.select_related("round__area", "unit", "cadre__unit").filter(code=normalise_code(text)).first()


def cast_ballot(*, code: str, level: str, comment: str = "", today: date | None = None) -> Ballot:
    """Cast the one ballot a code allows. Claiming the code is a conditional update, so of two
    racing submissions exactly one succeeds on every database. The ballot keeps no trace of
    the code, the time or the rater."""
    today = today or timezone.localdate()
    if level not in Level.values:
        raise DomainError({"level": [_("请选择满意、基本满意或不满意。")]})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise DomainError({"comment": [_("意见建议请控制在1000字以内。")]})
    with transaction.atomic():
        found = find_code(code)
        if problem := code_problem(found, today):
            raise DomainError(problem)
        direction, target = found.direction, found.target
        paper = (selectors.paper_ballots(found.round.year, direction, **{"units" if direction in UNIT_TARGETS else "cadres": [target.pk]})
                 .get(target.pk, 0))
        limit = limit_for(found.round.year, direction, target)
        if limit is not None and paper + web_count(found.round.year, direction, target) + 1 > limit:
            raise DomainError(_("该对象的选票已达上限（%(reason)s；含已录入的纸质票），请联系双联办。") % {
                "reason": limit_reason(direction, limit)})
        if not BallotCode.objects.filter(pk=found.pk, spent=False).update(spent=True):
            raise DomainError(_("该评议码已经使用过，每个评议码只能投一次票。"))
        return Ballot.objects.create(round=found.round, direction=direction, unit=found.unit, cadre=found.cadre,
                                     level=level, comment=comment)


# --- closing ----------------------------------------------------------------------------------------------------

@transaction.atomic
def close_round(*, rnd: EvaluationRound, by=None) -> int:
    """Freeze the round's results and make it read-only. Returns the number of results kept."""
    rnd = EvaluationRound.objects.select_for_update().get(pk=rnd.pk)
    check_open(rnd)
    rows = selectors.compute_appraisal(rnd)
    AppraisalResult.objects.filter(round=rnd).delete()
    AppraisalResult.objects.bulk_create([
        AppraisalResult(round=rnd, unit=a.target if a.is_unit else None, cadre=None if a.is_unit else a.target,
                        ballots=a.ballots, satisfied=a.satisfied, basic=a.basic, unsatisfied=a.unsatisfied,
                        satisfaction=a.satisfaction, ballot_score=a.ballot_score, compliance_score=a.compliance_score,
                        deeds_score=a.deeds_score, income_score=a.income_score, score=a.score, grade=a.grade)
        for a in rows
    ], batch_size=BATCH)
    rnd.closed_at, rnd.closed_by = timezone.now(), by
    rnd.save(update_fields=["closed_at", "closed_by"])
    return len(rows)
