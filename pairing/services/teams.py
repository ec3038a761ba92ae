"""Unit work teams (工作小组, docs/domain.md §11): who may be on a unit's team for a village, and its leader."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from shuanglian.errors import DomainError

from ..models import (
    Cadre,
    Rank,
    Unit,
    VillagePairing,
    WorkTeamMember,
)

# --- unit work teams (工作小组, docs/domain.md §11) -------------------------------------------------------

# 县处级 or higher (docs/domain.md §11: a team is "led by a 县处级 or higher cadre"): of the ranks a
# cadre holds (pairing.models.Rank), 省级, 地厅级 and 县处级 itself; 乡科级 and 一般干部 are below it.
TEAM_LEADER_RANKS = frozenset({Rank.PROVINCIAL, Rank.PREFECTURE, Rank.COUNTY})

Span = tuple[date, date | None]


def _within(spans: list[Span], start: date, end: date | None) -> bool:
    """One span holds from ``start`` to ``end`` (None: open, so only an open span holds it)."""
    return any(s <= start and (e is None or (end is not None and e >= end)) for s, e in spans)


def _overlap(a: Span, b: Span) -> bool:
    (s1, e1), (s2, e2) = a, b
    return (e1 is None or e1 >= s2) and (e2 is None or e2 >= s1)


def _period(start: date, end: date | None) -> str:
    if end is None:
        return gettext("%(start)s至今") % {"start": f"{start:%Y-%m-%d}"}
    return gettext("%(start)s至%(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}


@dataclass
class TeamMembership:
    """One membership of a unit's team for a village, as the team rules see it."""

    cadre: Any  # the cadre's key (pk)
    cadre_name: str
    role: str
    start: date
    end: date | None = None


def team_member_errors(*, unit_id: int, cadre_unit_id: int, cadre_rank: str, this: TeamMembership,
                       others: list[TeamMembership], pairings: list[Span]) -> dict[str, list[str]]:
    """Every breach of the team rules by one membership, on facts already loaded: ``others``
    the other memberships of the same team (the unit's, for the village), ``pairings`` the
    unit's pairings with the village. The membership lies within one pairing (the team is the
    unit's for a village it holds), the cadre is the unit's, it ends after it starts, the cadre
    is not twice in the team at once, the team has one leader at a time, of 县处级 or above."""
    errors: dict[str, list[str]] = {}
    if this.end is not None and this.end < this.start:
        errors.setdefault("end", []).append(gettext("结束日期不能早于开始日期。"))
        return errors
    if cadre_unit_id != unit_id:
        errors.setdefault("cadre", []).append(
            gettext("干部%(name)s不是该单位的干部，不能加入其工作小组。") % {"name": this.cadre_name})
    if not _within(pairings, this.start, this.end):
        errors.setdefault("village", []).append(gettext("任职期间该单位未联系此村（工作小组只能在单位联系期间组建）。"))
    span = (this.start, this.end)
    for other in others:
        if other.cadre == this.cadre and _overlap(span, (other.start, other.end)):
            errors.setdefault("start", []).append(
                gettext("干部%(name)s在该工作小组中%(period)s已有任职，时间重叠。")
                % {"name": this.cadre_name, "period": _period(other.start, other.end)})
    if this.role == WorkTeamMember.Role.LEADER:
        for other in others:
            if other.role == WorkTeamMember.Role.LEADER and other.cadre != this.cadre and _overlap(span, (other.start, other.end)):
                errors.setdefault("role", []).append(
                    gettext("该工作小组%(period)s已由%(name)s任组长，同一时间只能有一名组长。")
                    % {"name": other.cadre_name, "period": _period(other.start, other.end)})
        if cadre_rank not in TEAM_LEADER_RANKS:
            errors.setdefault("role", []).append(
                gettext("组长应由县处级及以上干部担任，%(name)s为%(rank)s。")
                % {"name": this.cadre_name, "rank": Rank(cadre_rank).label})
    return errors


def check_team_member(*, unit: Unit, village, cadre: Cadre, role: str, start: date, end: date | None,
                      exclude_pk: int | None = None) -> None:
    """The team rules for one membership, the other memberships of the team read from the database."""
    others = [
        TeamMembership(cadre=m.cadre_id, cadre_name=m.cadre.name, role=m.role, start=m.start, end=m.end)
        for m in WorkTeamMember.objects.filter(unit=unit, village=village).exclude(pk=exclude_pk).select_related("cadre")
    ]
    pairings = list(VillagePairing.objects.filter(unit=unit, village=village).values_list("start", "end"))
    errors = team_member_errors(
        unit_id=unit.pk, cadre_unit_id=cadre.unit_id, cadre_rank=cadre.rank, others=others, pairings=pairings,
        this=TeamMembership(cadre=cadre.pk, cadre_name=cadre.name, role=role, start=start, end=end),
    )
    if errors:
        raise DomainError(errors)


@transaction.atomic
def record_team_member(*, unit: Unit, village, cadre: Cadre, role: str, start: date, end: date | None = None,
                       member: WorkTeamMember | None = None) -> WorkTeamMember:
    """Add a cadre to the unit's team for a village, or change a membership (``member``). The
    unit is locked first, so two memberships of its teams written at once are checked in turn."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    exclude = member.pk if member is not None else None
    check_team_member(unit=unit, village=village, cadre=cadre, role=role, start=start, end=end, exclude_pk=exclude)
    member = member or WorkTeamMember()
    member.unit, member.village, member.cadre, member.role, member.start, member.end = unit, village, cadre, role, start, end
    member.save()
    return member
