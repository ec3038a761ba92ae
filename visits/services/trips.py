"""Writes of trips: the rules of a cadre's visit and of a unit's visit to its village
(docs/domain.md §6), logging a visit once, correcting it, and the policy's own rule."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from households.models import Household
from pairing.models import Cadre
from pairing.selectors import team_memberships
from shuanglian import audit, freshness
from shuanglian.errors import DomainError

from ..locks import check_month_open
from ..models import LONGEST_TRIP_DAYS, UnitVisit, Visit, VisitPolicy
from ..photos import prepare_photos
from ..selectors import TripFacts, policy_for, trip_facts
from ..spans import spans_cover, village_spans
from .anomalies import flag_anomalies, trips_sharing_a_day_call


@dataclass(frozen=True)
class DateMessages:
    """What the date rules say of one kind of entry (a trip, a resident's stay), in the reader's language."""

    future: Callable[[], str]
    too_long: Callable[[int], str]  # with the policy's longest entry, for the plural form
    too_old: Callable[[int], str]  # with the policy's back-dating window


TRIP_MESSAGES = DateMessages(
    future=lambda: gettext("不能登记今天以后的走访。"),
    too_long=lambda n: ngettext("一次走访最长%(max)s天，本次为%(days)s天。", "一次走访最长%(max)s天，本次为%(days)s天。", n),
    too_old=lambda n: ngettext("只能补录%(days)s天内的走访，更早的请联系双联办登记。",
                               "只能补录%(days)s天内的走访，更早的请联系双联办登记。", n),
)


def dated_entry_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool,
                       messages: DateMessages, ceiling: int | None = None) -> dict[str, list[str]]:
    """The date rules of an entry of the visit policy's kind (a trip, a stay), on plain values: not
    ending before it starts, not in the future, no longer than the policy's longest nor than
    ``ceiling`` days (whatever the policy, or with none), and for one's own entry no older than
    its back-dating window."""
    errors: dict[str, list[str]] = {}
    if end < start:
        errors.setdefault("end", []).append(gettext("结束日期不能早于开始日期。"))
    if start > today or end > today:
        errors.setdefault("end" if start <= today else "start", []).append(messages.future())
    limits = [n for n in (policy.max_trip_days if policy is not None else None, ceiling) if n is not None]
    if limits and end >= start and (end - start).days + 1 > (longest := min(limits)):
        errors.setdefault("end", []).append(
            messages.too_long(longest) % {"max": longest, "days": (end - start).days + 1})
    if own_entry and policy is not None and start < today - timedelta(days=policy.backdate_days):
        errors.setdefault("start", []).append(messages.too_old(policy.backdate_days) % {"days": policy.backdate_days})
    return errors


def trip_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool) -> dict[str, list[str]]:
    """The date rules of a trip, on plain values (the roster importer checks rows with it too).
    No trip is longer than a year, whatever its policy (``LONGEST_TRIP_DAYS``)."""
    return dated_entry_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry,
                              messages=TRIP_MESSAGES, ceiling=LONGEST_TRIP_DAYS)


def listed(items) -> str:
    """Items of a list within a sentence."""
    # Translators: what separates the items of a list within a sentence (“H1、H2”).
    return gettext("、").join(items)


def unpaired_message(numbers: list[str]) -> str:
    return ngettext("农户%(numbers)s在走访期间未与该干部结对。", "农户%(numbers)s在走访期间未与该干部结对。",
                    len(numbers)) % {"numbers": listed(numbers)}


def visit_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool,
                 households: list[str], spans: dict[str, list]) -> dict[str, list[str]]:
    """Every rule of a cadre's trip but the month lock, on facts already loaded: the date rules,
    and each household (by number) paired with the cadre for the whole trip, ``spans`` holding
    the cadre's pairing spans by household number. The roster checks its rows with it in bulk."""
    errors = trip_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry)
    if not households:
        errors.setdefault("households", []).append(gettext("请至少选择一户联系户。"))
    elif end >= start:
        unpaired = [number for number in households if not spans_cover(spans.get(number, ()), start, end)]
        if unpaired:
            errors.setdefault("households", []).append(unpaired_message(unpaired))
    return errors


def check_visit(*, cadre: Cadre, households: list[Household], start: date, end: date, own_entry: bool,
                today: date | None = None, facts: TripFacts | None = None) -> None:
    """Every rule a trip must satisfy, each with a clear message. An office's roster import or
    admin entry carries history (own_entry=False): the back-dating window does not apply.
    ``facts``: the policy and pairing spans when already read (``trip_facts``), else read here."""
    today = today or timezone.localdate()
    if facts is None:
        facts = trip_facts(**_facts_of(cadre, households, start, end))
    errors = visit_errors(start=start, end=end, today=today, policy=facts.policy, own_entry=own_entry,
                          households=[h.number for h in households],
                          spans={h.number: facts.spans.get(h.pk, []) for h in households})
    if errors:
        raise DomainError(errors)
    if end >= start and facts.locked is not False:  # not asked with the facts, or locked: the message names the months
        check_month_open(unit=cadre.unit, start=start, end=end)


def _facts_of(cadre: Cadre, households: list[Household] | None, start: date, end: date, **more) -> dict:
    """The arguments of ``trip_facts`` for a trip of the cadre, its month lock asked with them."""
    return {"cadre_id": cadre.pk, "area_code": cadre.unit.area_id, "year": start.year,
            "household_ids": [h.pk for h in households or ()], "unit_id": cadre.unit_id,
            "months": (start.replace(day=1), end.replace(day=1)) if end >= start else None, **more}


def log_visit(*, cadre: Cadre, households: list[Household] | None = None, start: date, end: date,
              key: uuid.UUID | None, by=None, own_entry: bool = True, stayed: bool = False,
              tasks: list[str] | None = None, help_given: str = "", notes: str = "", photos: list | None = None,
              location: Location | None = None, household_ids: list[int] | None = None) -> Visit:
    """Record one trip (see ``log_visit_once``); the visit stored, or the first one for a replayed key."""
    return log_visit_once(cadre=cadre, households=households, start=start, end=end, key=key, by=by,
                          own_entry=own_entry, stayed=stayed, tasks=tasks, help_given=help_given, notes=notes,
                          photos=photos, location=location, household_ids=household_ids)[0]


def log_visit_once(*, cadre: Cadre, households: list[Household] | None = None, start: date, end: date,
                   key: uuid.UUID | None, by=None, own_entry: bool = True, stayed: bool = False,
                   tasks: list[str] | None = None, help_given: str = "", notes: str = "",
                   photos: list | None = None, location: Location | None = None,
                   household_ids: list[int] | None = None) -> tuple[Visit, bool]:
    """Record one trip: (the visit, whether this call stored it). The same idempotency key from
    its author returns the first visit: a double tap or a resent form stores nothing twice, also
    when the two requests race. Which request stored it is the database's answer (the key is
    unique), not a look beforehand that a racing twin can pass too.

    The households are given as records, or by id (``household_ids``, the phone's form): ids
    are looked up with the trip's facts among the households ever paired with the cadre, and
    one that is not among them is refused.

    A fixed number of statements whatever the households: the visit already stored under the
    key, the policy, the pairing spans, the month lock (and the households named by id) are read
    in one; the visit, its audit record and its households are written in one more (on
    PostgreSQL, see ``audit.create_with_history``), which also finds the trips sharing a day
    with it (``anomalies.trips_sharing_a_day_call``; elsewhere they are looked up after)."""
    by_id = household_ids is not None
    if by_id:
        household_ids = list(dict.fromkeys(household_ids))
        facts = trip_facts(**_facts_of(cadre, None, start, end, household_ids=household_ids, key=key,
                                       with_households=True))
        if facts.keyed is None:
            households = _paired_households(household_ids, facts.households)
    else:
        households = list(dict.fromkeys(households))
        facts = trip_facts(**_facts_of(cadre, households, start, end, key=key))
    if facts.keyed is not None:
        return _replayed(Visit.objects.get(pk=facts.keyed), cadre=cadre, by=by), False
    check_visit(cadre=cadre, households=households, start=start, end=end, own_entry=own_entry, facts=facts)
    check_location(location)
    prepared = prepare_photos(photos or [])
    where = {"latitude": location.latitude, "longitude": location.longitude,
             "location_accuracy": location.accuracy} if location else {}
    visit = Visit(cadre=cadre, start=start, end=end, stayed=stayed, tasks=tasks or [], help_given=help_given,
                  notes=notes, idempotency_key=key, created_by=by, **where)
    # The visit, its audit record and its households: one statement on PostgreSQL, atomic by
    # itself outside a transaction; a savepoint inside one (and wherever photos come with it)
    # keeps a refused key from spoiling the transaction around it. On PostgreSQL the statement
    # also returns the cadre's trips sharing a day with this one.
    alone = connection.vendor == "postgresql" and not prepared and not connection.in_atomic_block
    try:
        with nullcontext() if alone else transaction.atomic():
            sharing = audit.create_with_history(visit, related={"households": [h.pk for h in households]},
                                                then=trips_sharing_a_day_call())
            for content in prepared:
                visit.photos.create(image=content)
            freshness.touch_villages(h.village_id for h in households)
    except IntegrityError:
        if key is not None and (existing := Visit.objects.filter(idempotency_key=key).order_by().first()):
            return _replayed(existing, cadre=cadre, by=by), False  # the twin of a race stored it first
        raise
    overlaps = None if sharing is None else [(visit.pk, other, day) for other, day in sharing]
    flag_anomalies(visits=[visit], villages={visit.pk: {h.village_id for h in households}}, new=True,
                   overlaps=overlaps)
    return visit, True


def _paired_households(ids: list[int], found: dict[int, Household]) -> list[Household]:
    """The households of these ids, each ever paired with the cadre (``found``, from the
    trip's facts); an id of any other household is refused, as the form's choices would. None
    at all is left to ``visit_errors``, which says so with the trip's other errors."""
    if any(pk not in found for pk in ids):
        raise DomainError({"households": gettext("所选农户不是您的联系户，请刷新页面后重新选择。")})
    return [found[pk] for pk in ids]


def _replayed(visit: Visit, *, cadre: Cadre, by) -> Visit:
    """The visit a key was first stored with, for its author only: the same cadre entered by the
    same user. Anyone else's request with that key is refused, never answered with the record."""
    if visit.cadre_id != cadre.pk or visit.created_by_id != (by.pk if by is not None else None):
        raise DomainError({"idempotency_key": gettext("该提交标识已被他人使用，请重新打开登记页面或换用新的提交标识。")})
    return visit


def check_unit_visit(*, unit, village, start: date, end: date, people: int | None = 1, stored: UnitVisit | None = None,
                     today: date | None = None, leader: Cadre | None = None) -> None:
    """Every rule of a unit's trip to its village (单位进村): the date rules of a trip under the
    unit policy of the village, the unit paired with the village for the whole trip, at least
    one person, the leader named on the unit's work team for the village (when it has one), and
    no locked month — neither the trip's nor, for a correction, the stored one's."""
    today = today or timezone.localdate()
    policy = policy_for(subject=VisitPolicy.Subject.UNIT, area_code=village.code, year=start.year)
    spans = village_spans(unit_ids=[unit.pk], village=village.code)[(unit.code, village.code)]
    team = team_memberships(unit_ids=[unit.pk], village=village.code)[(unit.code, village.code)] if leader else []
    errors = unit_visit_errors(start=start, end=end, today=today, policy=policy, people=people, spans=spans,
                               leader=leader.id_number if leader else None, leader_name=leader.name if leader else "",
                               team=team)
    if errors:
        raise DomainError(errors)
    if stored is not None and stored.pk:
        check_month_open(unit=stored.unit, start=stored.start, end=stored.end)
    check_month_open(unit=unit, start=start, end=end)


def unit_visit_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, people: int | None,
                      spans: list[tuple[date, date | None]], leader: str | None = None, leader_name: str = "",
                      team: list[tuple[str, date, date | None]] = ()) -> dict[str, list[str]]:
    """Every rule of a unit's trip but the month lock, on facts already loaded: the date rules,
    at least one person, the unit paired with the village for the whole trip (``spans``: the
    unit's pairings with the village), and the named leader (an ID number) on the unit's work
    team for the village for the whole trip (``team``: its memberships, (ID number, start, end)).
    Teams are recorded from now on, so a trip when the unit had no team member in the village
    is not refused for its leader (docs/domain.md §11). The roster checks its rows with it in bulk."""
    errors = trip_errors(start=start, end=end, today=today, policy=policy, own_entry=False)
    if people is None or people < 1:
        errors.setdefault("people", []).append(gettext("进村人数至少为1人。"))
    if end >= start and not spans_cover(spans, start, end):
        errors.setdefault("village", []).append(gettext("进村期间该单位未联系此村。"))
    if leader and end >= start:
        during = [(cadre, s, e) for cadre, s, e in team if s <= end and (e is None or e >= start)]
        if during and not spans_cover([(s, e) for cadre, s, e in during if cadre == leader], start, end):
            errors.setdefault("leader", []).append(
                gettext("带队干部%(name)s在进村期间不是该单位在此村工作小组的成员。") % {"name": leader_name or leader})
    return errors


def check_visit_policy(*, max_trip_days: int) -> None:
    """A policy must let a trip of one day count, and allows none longer than a year."""
    if max_trip_days is None or max_trip_days < 1:
        raise DomainError({"max_trip_days": gettext("单次最长天数至少为1天。")})
    if max_trip_days > LONGEST_TRIP_DAYS:
        raise DomainError({"max_trip_days": gettext("单次最长天数不能超过%(days)s天。") % {"days": LONGEST_TRIP_DAYS}})


def check_edit_window(*, visit: Visit, today: date | None = None) -> None:
    """A cadre corrects their own trip only within the back-dating window, as they may enter one."""
    today = today or timezone.localdate()
    policy = policy_for(subject=VisitPolicy.Subject.CADRE, area_code=visit.cadre.unit.area_id, year=visit.start.year)
    if policy is not None and visit.start < today - timedelta(days=policy.backdate_days):
        raise DomainError(ngettext(
            "只能修改%(days)s天内的走访，更早的请联系双联办更正。", "只能修改%(days)s天内的走访，更早的请联系双联办更正。",
            policy.backdate_days) % {"days": policy.backdate_days})


def check_visit_change(*, visit: Visit, households: list[Household], start: date, end: date, own_entry: bool) -> None:
    """Every rule a correction must satisfy: the cadre's own within the window, the month the
    trip was in still open, and the corrected trip by the rules of a new one. ``visit`` is the
    record as stored."""
    if own_entry:
        check_edit_window(visit=visit)
    check_month_open(unit=visit.cadre.unit, start=visit.start, end=visit.end)  # the month it was in
    check_visit(cadre=visit.cadre, households=households, start=start, end=end, own_entry=own_entry)


@transaction.atomic
def update_visit(*, visit: Visit, households: list[Household], start: date, end: date, own_entry: bool = True,
                 stayed: bool = False, tasks: list[str] | None = None, help_given: str = "", notes: str = "") -> Visit:
    """Correct a trip by the same rules as entering it; the month it was in must still be open.
    The audit trail keeps the record as it was before."""
    check_visit_change(visit=visit, households=households, start=start, end=end, own_entry=own_entry)
    freshness.touch_villages([*visit_villages([visit.pk]), *(h.village_id for h in households)])  # before and after
    visit.start, visit.end, visit.stayed, visit.tasks = start, end, stayed, tasks or []
    visit.help_given, visit.notes = help_given, notes
    visit.save()
    visit.households.set(households)
    flag_anomalies(visits=[visit])
    return visit


def visit_villages(visit_ids) -> set[str]:
    """The villages of the households of these visits: the areas whose figures they count in."""
    return set(Visit.households.through.objects.filter(visit_id__in=list(visit_ids))
               .values_list("household__village_id", flat=True))


@transaction.atomic
def delete_visits(visits) -> int:
    """Delete trips entered in error (the office's admin): their villages' figures change with them."""
    ids = [v.pk for v in visits]
    freshness.touch_villages(visit_villages(ids))
    return Visit.objects.filter(pk__in=ids).delete()[0]


@transaction.atomic
def save_unit_visit(unit_visit: UnitVisit, *, stored_village: str | None = None) -> UnitVisit:
    """Store a unit's trip to its village, checked beforehand by ``check_unit_visit``; the
    village's figures change (and, for a correction, those of the village it was in)."""
    unit_visit.save()
    freshness.touch_villages([unit_visit.village_id, stored_village])
    return unit_visit


@transaction.atomic
def delete_unit_visits(unit_visits) -> int:
    ids = [v.pk for v in unit_visits]
    freshness.touch_villages(UnitVisit.objects.filter(pk__in=ids).values_list("village_id", flat=True))
    return UnitVisit.objects.filter(pk__in=ids).delete()[0]


@dataclass(frozen=True)
class Location:
    """Where the phone was when the visit was saved, if the cadre chose to share it."""

    latitude: Decimal
    longitude: Decimal
    accuracy: int | None = None


def check_location(location: Location | None) -> None:
    if location is None:
        return
    if not (-90 <= location.latitude <= 90 and -180 <= location.longitude <= 180):
        raise DomainError({"location": gettext("定位数据无效，请重新获取位置或不附位置提交。")})
    if location.accuracy is not None and location.accuracy < 0:
        raise DomainError({"location": gettext("定位精度无效，请重新获取位置或不附位置提交。")})
