"""Rules and writes of pairing: who may pair, how pairings of a household chain, hand-overs.

``household_pairing_errors`` is the one statement of the chain rules. The roster importer
feeds it a household's pairings from the database and the file; the admin and the hand-over
service feed it the database's pairings with the change applied. Both get the same messages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from households.models import Household
from shuanglian import audit, freshness
from shuanglian.errors import DomainError
from shuanglian.helpers import in_batches

from ..models import (
    CATEGORIES_WITHOUT_HOUSEHOLDS,
    Cadre,
    Category,
    HouseholdPairing,
    VillagePairing,
)


def validate_leadership_size(size: int | None) -> None:
    """A unit's leadership (班子) has at least one member; blank while unknown."""
    if size is not None and not 1 <= size <= 99:
        raise DomainError({"leadership_size": gettext("班子成员数应为1到99之间的整数。")})


def check_role(*, kind: str, area, unit) -> None:
    """A unit administrator works for a unit; offices, leaders and inspection groups for an area."""
    from ..models import Role

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
    freshness.touch_villages([household.village_id])
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
    freshness.touch_villages([household.village_id])
    return new


@transaction.atomic
def end_household_pairing(*, pairing: HouseholdPairing, end: date, reason: str) -> HouseholdPairing:
    """End a pairing without a successor: only once the household has exited poverty."""
    pairing = HouseholdPairing.objects.select_for_update().select_related("cadre", "household").get(pk=pairing.pk)
    pairing.end, pairing.end_reason = end, reason
    check_household_pairings(pairing.household, facts_from_db(pairing.household, exclude_pk=pairing.pk) + [facts_of(pairing)])
    pairing.save(update_fields=["end", "end_reason"])
    freshness.touch_villages([pairing.household.village_id])
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
    freshness.touch_villages([village.code])
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
