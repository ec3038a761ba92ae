"""Rules and writes of pairing: who may pair, how pairings of a household chain, hand-overs.

``household_pairing_errors`` is the one statement of the chain rules. The roster importer
feeds it a household's pairings from the database and the file; the admin and the hand-over
service feed it the database's pairings with the change applied. Both get the same messages.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from households.models import Household
from shuanglian import audit
from shuanglian.errors import DomainError
from shuanglian.helpers import in_batches

from .models import (
    CATEGORIES_WITHOUT_HOUSEHOLDS,
    Cadre,
    Category,
    HouseholdPairing,
    Rank,
    Unit,
    VillagePairing,
    WorkTeamMember,
)


def validate_leadership_size(size: int | None) -> None:
    """A unit's leadership (班子) has at least one member; blank while unknown."""
    if size is not None and not 1 <= size <= 99:
        raise DomainError({"leadership_size": gettext("班子成员数应为1到99之间的整数。")})


def check_role(*, kind: str, area, unit) -> None:
    """A unit administrator works for a unit; offices, leaders and inspection groups for an area."""
    from .models import Role

    if kind == Role.Kind.UNIT_ADMIN and unit is None:
        raise DomainError({"unit": gettext("单位管理员必须选择单位。")})
    if kind != Role.Kind.UNIT_ADMIN and area is None:
        raise DomainError({"area": gettext("双联办、领导和督查组必须选择管辖区划。")})


def category_problem(category: str, *, name: str) -> str | None:
    """Teachers, medical staff and enterprise workers pair no households."""
    if category in CATEGORIES_WITHOUT_HOUSEHOLDS:
        return f"{name}为{Category(category).label}，按规定不承担联户任务。"
    return None


def cadre_may_pair_households(category: str, *, name: str = "该干部") -> None:
    if problem := category_problem(category, name=name):
        raise DomainError(problem)


@dataclass
class PairingFacts:
    """One pairing of a household, as the chain rules see it."""

    ref: Any  # echoed back with each error: a roster row number, a pk, "new"
    cadre: str  # the cadre's ID number
    cadre_category: str
    start: date
    end: date | None = None
    successor_cadre: str | None = None  # ID number of the cadre who took over
    cadre_name: str = ""
    errors: list[str] = field(default_factory=list)
    stored: bool = False  # already in the database: its past is history, not a new assignment


def may_end_without_successor(*, status: str, exit_year: int | None, end: date, followed: bool = False) -> bool:
    """不脱贫不脱钩: a pairing may simply end only once the household has exited poverty,
    at the earliest in its exit year. A household that later returned to poverty keeps the
    pairing that ended in the year it exited, and any that ended after it when a later pairing
    (``followed``) shows the household has a cadre again; its latest pairing may not lapse."""
    if not exit_year or end.year < exit_year:
        return False
    if status == Household.Status.EXITED:
        return True
    return status == Household.Status.RETURNED and (end.year == exit_year or followed)


def household_pairing_errors(*, status: str, exit_year: int | None, pairings: list[PairingFacts]) -> list[tuple[Any, str]]:
    """Every breach of the pairing rules among all pairings of one household.

    The category rule (teachers, medical staff, enterprise workers pair no households) binds
    every pairing being recorded and every open one. The category is the cadre's current one,
    so a stored pairing that has ended is history, and ending or handing over the pairing of a
    cadre who has since moved to a school stays possible."""
    errors: list[tuple[Any, str]] = []
    ordered = sorted(pairings, key=lambda p: p.start)
    by_cadre_start = {(p.cadre, p.start): p for p in ordered}
    for p in ordered:
        problem = category_problem(p.cadre_category, name=f"干部{p.cadre_name or p.cadre}")
        if problem and (not p.stored or p.end is None):
            errors.append((p.ref, problem))
        if p.end is not None and p.end < p.start:
            errors.append((p.ref, "结束日期不能早于开始日期。"))
            continue
        if p.end is None and p.successor_cadre:
            errors.append((p.ref, "填写接替干部时必须同时填写结束日期。"))
        if p.end is None:
            continue
        if p.successor_cadre:
            handed_to = by_cadre_start.get((p.successor_cadre, p.end + timedelta(days=1)))
            if p.successor_cadre == p.cadre:
                errors.append((p.ref, "接替干部不能是原联户干部本人。"))
            elif handed_to is None:
                errors.append((p.ref, f"未找到接替干部{p.successor_cadre}自{p.end + timedelta(days=1):%Y-%m-%d}起与该户的结对。"))
        elif not may_end_without_successor(
            status=status, exit_year=exit_year, end=p.end, followed=any(q.start > p.end for q in ordered)
        ):
            errors.append((p.ref, "该户尚未脱贫，结对不能在没有接替干部的情况下结束（不脱贫不脱钩）。"))
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.end is None or earlier.end >= later.start:
            until = "至今" if earlier.end is None else f"至{earlier.end:%Y-%m-%d}"
            errors.append(
                (later.ref, f"与干部{earlier.cadre_name or earlier.cadre}{earlier.start:%Y-%m-%d}{until}的结对时间重叠，一户同一时间只能有一名联户干部。")
            )
    return errors


def facts_from_db(household: Household, *, exclude_pk: int | None = None) -> list[PairingFacts]:
    rows = (
        HouseholdPairing.objects.filter(household=household)
        .exclude(pk=exclude_pk)
        .select_related("cadre", "successor__cadre")
    )
    return [facts_of(p) for p in rows]


def facts_of(p: HouseholdPairing, ref: Any = None) -> PairingFacts:
    return PairingFacts(
        ref=p.pk if ref is None else ref,
        cadre=p.cadre.id_number,
        cadre_name=p.cadre.name,
        cadre_category=p.cadre.category,
        start=p.start,
        end=p.end,
        successor_cadre=p.successor.cadre.id_number if p.successor_id else None,
        stored=p.pk is not None,
    )


def check_household_pairings(household: Household, facts: list[PairingFacts]) -> None:
    errors = household_pairing_errors(status=household.status, exit_year=household.exit_year, pairings=facts)
    if errors:
        raise DomainError(sorted({message for _, message in errors}))


@transaction.atomic
def pair_household(*, cadre: Cadre, household: Household, start: date) -> HouseholdPairing:
    """Pair a cadre with a household from a date on (联户)."""
    # Lock and re-read the household: concurrent pairings of it queue here, and its status is current.
    household = Household.objects.select_for_update().get(pk=household.pk)
    new = HouseholdPairing(cadre=cadre, household=household, start=start)
    check_household_pairings(household, facts_from_db(household) + [facts_of_unsaved(new)])
    new.save()
    return new


def facts_of_unsaved(p: HouseholdPairing, successor: Cadre | None = None) -> PairingFacts:
    return PairingFacts(
        ref="new", cadre=p.cadre.id_number, cadre_name=p.cadre.name, cadre_category=p.cadre.category,
        start=p.start, end=p.end, successor_cadre=successor.id_number if successor else None,
        stored=p.pk is not None,
    )


@transaction.atomic
def hand_over_household(*, pairing: HouseholdPairing, successor: Cadre, on: date, reason: str) -> HouseholdPairing:
    """Hand a household to a successor from ``on``: the old pairing ends the day before and
    points at the new one, so the chain of who helped the household is never broken."""
    pairing = HouseholdPairing.objects.select_for_update().select_related("cadre", "household").get(pk=pairing.pk)
    if pairing.end is not None:
        raise DomainError("该结对已结束，不能再交接。")
    if on <= pairing.start:
        raise DomainError(f"交接日期应晚于原结对开始日期{pairing.start:%Y-%m-%d}。")
    cadre_may_pair_households(successor.category, name=f"接替干部{successor.name}")
    household = pairing.household
    new = HouseholdPairing(cadre=successor, household=household, start=on)
    pairing.end = on - timedelta(days=1)
    pairing.end_reason = reason
    facts = facts_from_db(household, exclude_pk=pairing.pk)
    check_household_pairings(household, facts + [facts_of_unsaved(pairing, successor), facts_of_unsaved(new)])
    pairing.save(update_fields=["end", "end_reason"])  # close first: one open pairing per household
    new.save()
    pairing.successor = new
    pairing.save(update_fields=["successor"])
    return new


@transaction.atomic
def end_household_pairing(*, pairing: HouseholdPairing, end: date, reason: str) -> HouseholdPairing:
    """End a pairing without a successor: only once the household has exited poverty."""
    pairing = HouseholdPairing.objects.select_for_update().select_related("cadre", "household").get(pk=pairing.pk)
    pairing.end, pairing.end_reason = end, reason
    check_household_pairings(pairing.household, facts_from_db(pairing.household, exclude_pk=pairing.pk) + [facts_of(pairing)])
    pairing.save(update_fields=["end", "end_reason"])
    return pairing


def village_pairing_errors(pairings: list[tuple[Any, date, date | None]]) -> list[tuple[Any, str]]:
    """Pairings of one unit with one village must not overlap in time."""
    errors = []
    ordered = sorted(pairings, key=lambda p: p[1])
    for ref, start, end in ordered:
        if end is not None and end < start:
            errors.append((ref, "结束日期不能早于开始日期。"))
    for (_, s1, e1), (ref, s2, _) in zip(ordered, ordered[1:]):
        if e1 is None or e1 >= s2:
            errors.append((ref, f"与该单位{s1:%Y-%m-%d}起对同一村的联村时间重叠。"))
    return errors


def check_pairable_village(village) -> None:
    """A unit pairs villages (and communities) only."""
    from households.models import AreaLevel

    if village.level != AreaLevel.VILLAGE:
        raise DomainError(f"{village.name}不是村（社区），单位只能联系村。")


@transaction.atomic
def check_village_pairing(*, unit, village, start: date, end: date | None, exclude_pk: int | None = None) -> None:
    """A unit pairs villages only, and its pairings of one village do not overlap."""
    check_pairable_village(village)
    others = VillagePairing.objects.filter(unit=unit, village=village).exclude(pk=exclude_pk)
    errors = village_pairing_errors([(p.pk, p.start, p.end) for p in others] + [("this", start, end)])
    if errors:
        raise DomainError(sorted({m for _, m in errors}))


@transaction.atomic
def pair_village(*, unit, village, start: date, end: date | None = None, end_reason: str = "") -> VillagePairing:
    check_village_pairing(unit=unit, village=village, start=start, end=end)
    return VillagePairing.objects.create(unit=unit, village=village, start=start, end=end, end_reason=end_reason)


def ensure_cadre_accounts(cadres: list[Cadre]) -> None:
    """Give each cadre a sign-in account named by their ID number, with no usable password
    until the office sets one (docs/roster-format.md, sheet 干部)."""
    User = get_user_model()
    wanted = {c.id_number: c for c in cadres if c.user_id is None}
    if not wanted:
        return
    keys = list(wanted)
    existing = {}
    for batch in in_batches(keys):
        existing.update({u.username: u for u in User.objects.filter(username__in=batch)})
    new_users = []
    for id_number in keys:
        if id_number not in existing:
            user = User(username=id_number, first_name=wanted[id_number].name[:150])
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=2000)
    existing.update({u.username: u for u in new_users})
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; fetch any that it could not.
    missing = [u.username for u in new_users if u.pk is None]
    if missing:
        existing.update({u.username: u for u in User.objects.filter(username__in=missing)})
    for id_number, cadre in wanted.items():
        cadre.user = existing[id_number]
    audit.bulk_update(Cadre, [c for c in wanted.values() if c.pk], ["user"], batch_size=2000, reason="开通登录账号")


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


# --- postings (驻村) and leave (请假), docs/domain.md §11 ----------------------------------------
#
# As with the pairing rules, each rule is stated once on plain facts (``posting_errors``,
# ``leave_errors``): the roster feeds them the file's rows merged with the database's, the admin
# and the services the database's with the change applied. A posting to a village that is not
# poor that year, or that the cadre's unit does not pair, is stored and flagged for review
# (``posting_warnings``), as pairings outside the unit's villages are (§4). The domain names no
# category of cadre that may not be posted (the category rule of §4 is about households), so no
# category is refused here.




@dataclass
class SpanFacts:
    """A posting or a leave row of a cadre, as its rules see it."""

    ref: Any  # echoed back with each error: a roster row number, a pk, "new"
    cadre: str  # the cadre's ID number
    start: date
    end: date | None
    village: str = ""  # a posting's village code
    role: str = ""  # a posting's role
    cadre_name: str = ""
    village_name: str = ""
    stored: bool = False  # already in the database: a conflict between two stored rows is not this write's


def _until(end: date | None) -> str:
    return gettext("至今") if end is None else gettext("至%(end)s") % {"end": f"{end:%Y-%m-%d}"}


def _overlaps(a: SpanFacts, b: SpanFacts) -> bool:
    return (a.end is None or a.end >= b.start) and (b.end is None or b.end >= a.start)


def _clashes(rows: list[SpanFacts]):
    """(the row to blame, the row it clashes with) for every overlapping pair of which at least
    one is being written: the written one is blamed, the later one when both are."""
    ordered = sorted(rows, key=lambda r: (r.start, str(r.ref)))
    for i, earlier in enumerate(ordered):
        for later in ordered[i + 1:]:
            if earlier.end is not None and later.start > earlier.end:
                break
            if earlier.stored and later.stored:
                continue
            if _overlaps(earlier, later):
                yield (earlier, later) if later.stored else (later, earlier)


def _ordered_spans(rows: list[SpanFacts]) -> tuple[list[tuple[Any, str]], list[SpanFacts]]:
    """The end-before-start errors, and the rows whose dates make a span."""
    errors = [(r.ref, gettext("结束日期不能早于开始日期。")) for r in rows if r.end is not None and r.end < r.start]
    return errors, [r for r in rows if r.end is None or r.end >= r.start]


def posting_errors(postings: list[SpanFacts]) -> list[tuple[Any, str]]:
    """Every breach of the posting rules among postings of the cadres and villages concerned:
    the end not before the start, one village at a time for a cadre, one first secretary at a
    time for a village."""
    from .models import Posting

    errors, spans = _ordered_spans(postings)
    by_cadre, secretaries = defaultdict(list), defaultdict(list)
    for p in spans:
        by_cadre[p.cadre].append(p)
        if p.role == Posting.Role.FIRST_SECRETARY:
            secretaries[p.village].append(p)
    for rows in by_cadre.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与该干部%(start)s%(until)s在%(village)s的驻村时间重叠，一名干部同一时间只能驻一个村。")
                           % {"start": f"{other.start:%Y-%m-%d}", "until": _until(other.end),
                              "village": other.village_name or other.village}))
    for rows in secretaries.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与第一书记%(name)s%(start)s%(until)s的任职时间重叠，一个村同一时间只能有一名第一书记。")
                           % {"name": other.cadre_name or other.cadre, "start": f"{other.start:%Y-%m-%d}",
                              "until": _until(other.end)}))
    return errors


def posting_warnings(*, village_name: str, year: int, poor: bool, unit_name: str, unit_pairs_village: bool) -> list[str]:
    """What a posting is flagged for: stored, and shown to the office to review."""
    warnings = []
    if not poor:
        warnings.append(gettext("%(village)s在%(year)s年不是贫困村，驻村已登记，请核实。") % {"village": village_name, "year": year})
    if not unit_pairs_village:
        warnings.append(gettext("%(unit)s在驻村开始时未联系%(village)s，驻村已登记，请核实。") % {"unit": unit_name, "village": village_name})
    return warnings


def posting_village_problem(village) -> str | None:
    from households.models import AreaLevel

    if village.level != AreaLevel.VILLAGE:
        return gettext("%(name)s不是村（社区），只能派驻到村。") % {"name": village.name}
    return None


def posting_facts_of(p, ref: Any = None) -> SpanFacts:
    return SpanFacts(ref=p.pk if ref is None else ref, cadre=p.cadre.id_number, cadre_name=p.cadre.name, start=p.start,
                     end=p.end, village=p.village_id, village_name=p.village.name if p.village_id else "", role=p.role,
                     stored=p.pk is not None)


def posting_flags(*, cadre: Cadre, village, start: date) -> list[str]:
    """The flags of one posting, read from the database."""
    from households.models import PoorAreaYear

    from .selectors import in_force

    poor = PoorAreaYear.objects.filter(area=village, year=start.year, kind=PoorAreaYear.Kind.POOR_VILLAGE).exists()
    paired = VillagePairing.objects.filter(in_force(start), unit_id=cadre.unit_id, village=village).exists()
    return posting_warnings(village_name=village.name, year=start.year, poor=poor, unit_name=cadre.unit.name,
                            unit_pairs_village=paired)


# What other apps keep against a posting and must stay true when it is corrected: the visits app
# registers its stays' rule (a stay lies within its posting, docs/domain.md §11), so this app
# never reads stays. A guard takes [(posting id, village code, start, end)] as they would become
# and answers {posting id: [message]}.
_posting_guards: list = []


def register_posting_guard(guard) -> None:
    if guard not in _posting_guards:
        _posting_guards.append(guard)


def posting_change_errors(changes: list[tuple[int, str, date, date | None]]) -> dict[int, list[str]]:
    """What the registered guards refuse of these corrections of stored postings."""
    found: dict[int, list[str]] = defaultdict(list)
    for guard in _posting_guards:
        for pk, messages in guard(changes).items():
            found[pk] += messages
    return found


def check_posting(*, cadre: Cadre, village, role: str, start: date, end: date | None, exclude_pk: int | None = None) -> list[str]:
    """Every rule of one posting against the stored ones; its flags (warnings) when it may be stored."""
    from .models import Posting

    if problem := posting_village_problem(village):
        raise DomainError({"village": problem})
    others = (Posting.objects.filter(Q(cadre=cadre) | Q(village=village, role=Posting.Role.FIRST_SECRETARY))
              .exclude(pk=exclude_pk).select_related("cadre", "village"))
    this = SpanFacts(ref="new", cadre=cadre.id_number, cadre_name=cadre.name, start=start, end=end, village=village.code,
                     village_name=village.name, role=role)
    errors = [m for ref, m in posting_errors([posting_facts_of(p) for p in others] + [this]) if ref == "new"]
    if exclude_pk is not None:
        errors += posting_change_errors([(exclude_pk, village.code, start, end)]).get(exclude_pk, [])
    if errors:
        raise DomainError(list(dict.fromkeys(errors)))
    return posting_flags(cadre=cadre, village=village, start=start)


def _lock_village(village) -> None:
    """A village's postings queue here too, so two first secretaries posted at the same moment
    by two offices are checked one after the other."""
    from households.models import Area

    Area.objects.select_for_update().filter(pk=village.pk).exists()


@transaction.atomic
def record_posting(*, cadre: Cadre, village, role: str, start: date, end: date | None = None) -> tuple[Any, list[str]]:
    """Post a cadre to a village (驻村): (the posting, what it is flagged for)."""
    from .models import Posting

    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)  # a cadre's postings queue here
    _lock_village(village)
    warnings = check_posting(cadre=cadre, village=village, role=role, start=start, end=end)
    return Posting.objects.create(cadre=cadre, village=village, role=role, start=start, end=end), warnings


@transaction.atomic
def update_posting(*, posting, village, role: str, start: date, end: date | None) -> tuple[Any, list[str]]:
    """Correct a posting by the rules of a new one."""
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=posting.cadre_id)
    _lock_village(village)
    warnings = check_posting(cadre=cadre, village=village, role=role, start=start, end=end, exclude_pk=posting.pk)
    posting.village, posting.role, posting.start, posting.end = village, role, start, end
    posting.save()
    return posting, warnings


def leave_errors(leaves: list[SpanFacts], *, today: date) -> list[tuple[Any, str]]:
    """Every breach of the leave rules among a cadre's leave rows: an end, not before the start,
    dates within the bounds of every date of the roster, and no two rows overlapping."""
    from shuanglian.roster.cells import EARLIEST

    latest = today + timedelta(days=366)
    errors = [(r.ref, gettext("请填写请假结束日期。")) for r in leaves if r.end is None]
    dated = [r for r in leaves if r.end is not None]
    for r in dated:
        if not r.stored and not (EARLIEST <= r.start <= latest and EARLIEST <= r.end <= latest):
            errors.append((r.ref, gettext("请假日期超出合理范围（%(first)s至%(last)s）。")
                           % {"first": f"{EARLIEST:%Y-%m-%d}", "last": f"{latest:%Y-%m-%d}"}))
    more, spans = _ordered_spans(dated)
    errors += more
    by_cadre = defaultdict(list)
    for r in spans:
        by_cadre[r.cadre].append(r)
    for rows in by_cadre.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与该干部%(start)s至%(end)s的请假时间重叠。")
                           % {"start": f"{other.start:%Y-%m-%d}", "end": f"{other.end:%Y-%m-%d}"}))
    return errors


def leave_facts_of(leave, ref: Any = None) -> SpanFacts:
    return SpanFacts(ref=leave.pk if ref is None else ref, cadre=leave.cadre.id_number, cadre_name=leave.cadre.name,
                     start=leave.start, end=leave.end, stored=leave.pk is not None)


def check_leave(*, cadre: Cadre, start: date, end: date | None, exclude_pk: int | None = None, today: date | None = None) -> None:
    """Every rule of one leave row against the cadre's stored ones."""
    from django.utils import timezone

    from .models import Leave

    others = Leave.objects.filter(cadre=cadre).exclude(pk=exclude_pk).select_related("cadre")
    this = SpanFacts(ref="new", cadre=cadre.id_number, cadre_name=cadre.name, start=start, end=end)
    errors = [m for ref, m in leave_errors([leave_facts_of(p) for p in others] + [this],
                                           today=today or timezone.localdate()) if ref == "new"]
    if errors:
        raise DomainError(list(dict.fromkeys(errors)))


@transaction.atomic
def record_leave(*, cadre: Cadre, start: date, end: date, reason: str = ""):
    """Record a cadre's approved leave (请假)."""
    from .models import Leave

    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)  # a cadre's leave rows queue here
    check_leave(cadre=cadre, start=start, end=end)
    return Leave.objects.create(cadre=cadre, start=start, end=end, reason=reason)
