"""Writes of visits: validation of a trip (docs/domain.md §6), logging it once, and flagging anomalies."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from households.models import Household
from pairing.models import Cadre, HouseholdPairing, VillagePairing
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches

from .models import AnomalyFlag, UnitVisit, Visit, VisitPolicy
from .photos import prepare_photos


def policy_for(*, subject: str, area_code: str, year: int) -> VisitPolicy | None:
    """The policy in force: the most specific area containing ``area_code``, a policy of the year
    before one for every year (the compliance engine applies the same order in SQL)."""
    candidates = [p for p in VisitPolicy.objects.filter(subject=subject).filter(Q(year=year) | Q(year__isnull=True))
                  if area_code.startswith(p.area_prefix)]
    candidates.sort(key=lambda p: (len(p.area_prefix), p.year is not None, p.pk), reverse=True)
    return candidates[0] if candidates else None


def spans_cover(spans, start: date, end: date) -> bool:
    """One of the pairing spans [(start, end or None: still in force)] holds for the whole trip."""
    return any(s <= start and (e is None or e >= end) for s, e in spans)


def household_spans(*, cadre: Cadre, households: list[Household]) -> dict[str, list[tuple[date, date | None]]]:
    """The spans of the cadre's pairings with each household, by household number: one query."""
    spans: dict[str, list[tuple[date, date | None]]] = {}
    for number, start, end in HouseholdPairing.objects.filter(cadre=cadre, household__in=households).values_list(
            "household__number", "start", "end"):
        spans.setdefault(number, []).append((start, end))
    return spans


def trip_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool) -> dict[str, list[str]]:
    """The date rules of a trip, on plain values (the roster importer checks rows with it too)."""
    errors: dict[str, list[str]] = {}
    if end < start:
        errors.setdefault("end", []).append(gettext("结束日期不能早于开始日期。"))
    if start > today or end > today:
        errors.setdefault("end" if start <= today else "start", []).append(gettext("不能登记今天以后的走访。"))
    if policy is not None and end >= start and (end - start).days + 1 > policy.max_trip_days:
        errors.setdefault("end", []).append(ngettext(
            "一次走访最长%(max)s天，本次为%(days)s天。", "一次走访最长%(max)s天，本次为%(days)s天。", policy.max_trip_days,
        ) % {"max": policy.max_trip_days, "days": (end - start).days + 1})
    if own_entry and policy is not None and start < today - timedelta(days=policy.backdate_days):
        errors.setdefault("start", []).append(ngettext(
            "只能补录%(days)s天内的走访，更早的请联系双联办登记。", "只能补录%(days)s天内的走访，更早的请联系双联办登记。",
            policy.backdate_days,
        ) % {"days": policy.backdate_days})
    return errors


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
                today: date | None = None) -> None:
    """Every rule a trip must satisfy, each with a clear message. An office's roster import or
    admin entry carries history (own_entry=False): the back-dating window does not apply."""
    today = today or timezone.localdate()
    policy = policy_for(subject=VisitPolicy.Subject.CADRE, area_code=cadre.unit.area_id, year=start.year)
    errors = visit_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry,
                          households=[h.number for h in households],
                          spans=household_spans(cadre=cadre, households=households) if households else {})
    if errors:
        raise DomainError(errors)
    if end >= start:
        from reports.services import check_month_open  # the reports app depends on this one

        check_month_open(unit=cadre.unit, start=start, end=end)


def log_visit(*, cadre: Cadre, households: list[Household], start: date, end: date, key: uuid.UUID | None,
              by=None, own_entry: bool = True, stayed: bool = False, tasks: list[str] | None = None,
              help_given: str = "", notes: str = "", photos: list | None = None,
              location: Location | None = None) -> Visit:
    """Record one trip (see ``log_visit_once``); the visit stored, or the first one for a replayed key."""
    return log_visit_once(cadre=cadre, households=households, start=start, end=end, key=key, by=by,
                          own_entry=own_entry, stayed=stayed, tasks=tasks, help_given=help_given, notes=notes,
                          photos=photos, location=location)[0]


def log_visit_once(*, cadre: Cadre, households: list[Household], start: date, end: date, key: uuid.UUID | None,
                   by=None, own_entry: bool = True, stayed: bool = False, tasks: list[str] | None = None,
                   help_given: str = "", notes: str = "", photos: list | None = None,
                   location: Location | None = None) -> tuple[Visit, bool]:
    """Record one trip: (the visit, whether this call stored it). The same idempotency key from
    its author returns the first visit: a double tap or a resent form stores nothing twice, also
    when the two requests race. Which request stored it is the database's answer (the key is
    unique), not a look beforehand that a racing twin can pass too."""
    if key is not None and (existing := Visit.objects.filter(idempotency_key=key).first()):
        return _replayed(existing, cadre=cadre, by=by), False
    check_visit(cadre=cadre, households=households, start=start, end=end, own_entry=own_entry)
    check_location(location)
    prepared = prepare_photos(photos or [])
    where = {"latitude": location.latitude, "longitude": location.longitude,
             "location_accuracy": location.accuracy} if location else {}
    try:
        with transaction.atomic():
            visit = Visit.objects.create(cadre=cadre, start=start, end=end, stayed=stayed, tasks=tasks or [],
                                         help_given=help_given, notes=notes, idempotency_key=key, created_by=by,
                                         **where)
            visit.households.set(households)
            for content in prepared:
                visit.photos.create(image=content)
    except IntegrityError:
        if key is not None and (existing := Visit.objects.filter(idempotency_key=key).first()):
            return _replayed(existing, cadre=cadre, by=by), False  # the twin of a race stored it first
        raise
    flag_anomalies(visits=[visit])
    return visit, True


def _replayed(visit: Visit, *, cadre: Cadre, by) -> Visit:
    """The visit a key was first stored with, for its author only: the same cadre entered by the
    same user. Anyone else's request with that key is refused, never answered with the record."""
    if visit.cadre_id != cadre.pk or visit.created_by_id != (by.pk if by is not None else None):
        raise DomainError({"idempotency_key": gettext("该提交标识已被他人使用，请重新打开登记页面或换用新的提交标识。")})
    return visit


def check_unit_visit(*, unit, village, start: date, end: date, people: int | None = 1, stored: UnitVisit | None = None,
                     today: date | None = None) -> None:
    """Every rule of a unit's trip to its village (单位进村): the date rules of a trip under the
    unit policy of the village, the unit paired with the village for the whole trip, at least
    one person, and no locked month — neither the trip's nor, for a correction, the stored one's."""
    today = today or timezone.localdate()
    policy = policy_for(subject=VisitPolicy.Subject.UNIT, area_code=village.code, year=start.year)
    spans = list(VillagePairing.objects.filter(unit=unit, village=village).values_list("start", "end"))
    errors = unit_visit_errors(start=start, end=end, today=today, policy=policy, people=people, spans=spans)
    if errors:
        raise DomainError(errors)
    from reports.services import check_month_open

    if stored is not None and stored.pk:
        check_month_open(unit=stored.unit, start=stored.start, end=stored.end)
    check_month_open(unit=unit, start=start, end=end)


def unit_visit_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, people: int | None,
                      spans: list[tuple[date, date | None]]) -> dict[str, list[str]]:
    """Every rule of a unit's trip but the month lock, on facts already loaded: the date rules,
    at least one person, and the unit paired with the village for the whole trip (``spans``: the
    unit's pairings with the village). The roster checks its rows with it in bulk."""
    errors = trip_errors(start=start, end=end, today=today, policy=policy, own_entry=False)
    if people is None or people < 1:
        errors.setdefault("people", []).append(gettext("进村人数至少为1人。"))
    if end >= start and not spans_cover(spans, start, end):
        errors.setdefault("village", []).append(gettext("进村期间该单位未联系此村。"))
    return errors


def check_visit_policy(*, max_trip_days: int) -> None:
    """A policy must let a trip of one day count."""
    if max_trip_days is None or max_trip_days < 1:
        raise DomainError({"max_trip_days": gettext("单次最长天数至少为1天。")})


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
    from reports.services import check_month_open

    check_month_open(unit=visit.cadre.unit, start=visit.start, end=visit.end)  # the month it was in
    check_visit(cadre=visit.cadre, households=households, start=start, end=end, own_entry=own_entry)


@transaction.atomic
def update_visit(*, visit: Visit, households: list[Household], start: date, end: date, own_entry: bool = True,
                 stayed: bool = False, tasks: list[str] | None = None, help_given: str = "", notes: str = "") -> Visit:
    """Correct a trip by the same rules as entering it; the month it was in must still be open.
    The audit trail keeps the record as it was before."""
    check_visit_change(visit=visit, households=households, start=start, end=end, own_entry=own_entry)
    visit.start, visit.end, visit.stayed, visit.tasks = start, end, stayed, tasks or []
    visit.help_given, visit.notes = help_given, notes
    visit.save()
    visit.households.set(households)
    flag_anomalies(visits=[visit])
    return visit


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


def flag_anomalies(*, visits: list[Visit]) -> int:
    """Flag, for review, trips of the same cadre that share a day, and days on which a cadre's
    trips reach households of two villages. Returns the number of new flags.

    A fixed number of queries per batch of visits, whatever the batch holds: a province's
    roster import flags its trips in one pass instead of a few queries per trip.
    """
    ids = [v.pk for v in visits if v.pk]
    if not ids:
        return 0
    pairs = _overlapping_trips(ids)
    villages = _villages_of(ids + [other for _, other, _ in pairs])
    starts = {v.pk: v.start for v in visits}
    findings = {(AnomalyFlag.Kind.TWO_VILLAGES, pk, None, starts[pk]) for pk in ids if len(villages.get(pk, ())) > 1}
    for pk, other, day in pairs:
        first, second = min(pk, other), max(pk, other)
        findings.add((AnomalyFlag.Kind.OVERLAP, first, second, day))
        if villages.get(pk, set()) != villages.get(other, set()):
            findings.add((AnomalyFlag.Kind.TWO_VILLAGES, first, second, day))
    known = set()
    for batch in in_batches(sorted({f[1] for f in findings})):
        known.update(AnomalyFlag.objects.filter(visit_id__in=batch).values_list("kind", "visit_id", "other_id", "day"))
    new = [AnomalyFlag(kind=kind, visit_id=first, other_id=second, day=day)
           for kind, first, second, day in sorted(findings - known, key=str)]
    AnomalyFlag.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return len(new)


def _overlapping_trips(ids: list[int]) -> list[tuple[int, int, date]]:
    """(visit, other trip of the same cadre sharing a day, first shared day) for the visits."""
    qn = connection.ops.quote_name
    table = qn(Visit._meta.db_table)
    found = []
    for batch in in_batches(ids, 1000):
        sql = (f"SELECT v.id, o.id, CASE WHEN v.{qn('start')} > o.{qn('start')} THEN v.{qn('start')} ELSE o.{qn('start')} END "
               f"FROM {table} v JOIN {table} o ON o.cadre_id = v.cadre_id AND o.id <> v.id "
               f"AND o.{qn('start')} <= v.{qn('end')} AND o.{qn('end')} >= v.{qn('start')} "
               f"WHERE v.id IN ({', '.join(['%s'] * len(batch))})")
        with connection.cursor() as cursor:
            cursor.execute(sql, batch)
            found.extend((pk, other, _as_date(day)) for pk, other, day in cursor.fetchall())
    return found


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))  # SQLite returns text


def _villages_of(ids: list[int]) -> dict[int, set[str]]:
    villages: dict[int, set[str]] = {}
    through = Visit.households.through
    for batch in in_batches(sorted(set(ids))):
        for pk, village in through.objects.filter(visit_id__in=batch).values_list("visit_id", "household__village_id"):
            villages.setdefault(pk, set()).add(village)
    return villages


def check_review(*, status: str) -> None:
    if status not in AnomalyFlag.Status.values or status == AnomalyFlag.Status.OPEN:
        raise DomainError({"status": gettext("请选择“已核实无误”或“确认有误”。")})


def review_flag(*, flag: AnomalyFlag, status: str, note: str, by) -> AnomalyFlag:
    check_review(status=status)
    flag.status, flag.note, flag.reviewed_by = status, note, by
    flag.save(update_fields=["status", "note", "reviewed_by"])
    return flag



# --- demands and deeds ----------------------------------------------------------------------------

# Where a demand may go next: the unit works on it and resolves it, or escalates it to the
# office when it cannot (docs/domain.md §6; seed 000, requirement 1); the office resolves what was escalated.
DEMAND_STEPS = {
    "open": {"in_progress", "resolved", "escalated"},
    "in_progress": {"resolved", "escalated"},
    "escalated": {"in_progress", "resolved"},
    "resolved": set(),
}


def _paired_now(cadre: Cadre, household: Household, on: date) -> bool:
    return HouseholdPairing.objects.filter(cadre=cadre, household=household, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)).exists()


@transaction.atomic
def record_demand(*, cadre: Cadre, category: str, text: str, household: Household | None = None, village=None,
                  visit: Visit | None = None):
    from .models import Demand

    text = (text or "").strip()
    if not text:
        raise DomainError({"text": gettext("请填写诉求内容。")})
    if category not in Demand.Category.values:
        raise DomainError({"category": gettext("请选择诉求类别。")})
    if household is not None:
        if not _paired_now(cadre, household, timezone.localdate()):
            raise DomainError({"household": gettext("农户%(number)s不是您的联系户。") % {"number": household.number}})
        village = household.village
    if village is None:
        raise DomainError({"village": gettext("请选择农户或村。")})
    demand = Demand.objects.create(cadre=cadre, household=household, village=village, visit=visit, category=category, text=text)
    return demand


def check_demand_step(*, demand, status: str, note: str) -> None:
    from .models import Demand

    if status not in DEMAND_STEPS.get(demand.status, set()):
        target = Demand.Status(status).label if status in Demand.Status.values else status
        raise DomainError(gettext("诉求当前为“%(current)s”，不能改为“%(target)s”。")
                          % {"current": demand.get_status_display(), "target": target})
    if not (note or "").strip():
        raise DomainError({"note": gettext("请填写办理情况。")})


@transaction.atomic
def advance_demand(*, demand, status: str, note: str, by):
    """Move a demand on, with a note of what was done; resolved demands are closed."""
    from .models import Demand, DemandFollowUp

    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    check_demand_step(demand=demand, status=status, note=note)
    demand.status = status
    demand.resolved_at = timezone.now() if status == Demand.Status.RESOLVED else None
    demand.save(update_fields=["status", "resolved_at"])
    DemandFollowUp.objects.create(demand=demand, status=status, note=note.strip(), by=by)
    return demand


def record_deed(*, cadre: Cadre, on: date, category: str, description: str, money=0, people_helped: int = 0,
                household: Household | None = None, village=None):
    from .models import Deed

    money, village = check_deed(cadre=cadre, on=on, category=category, description=description, money=money,
                                people_helped=people_helped, household=household, village=village)
    return Deed.objects.create(cadre=cadre, household=household, village=village, on=on, category=category,
                               description=description.strip(), money=money, people_helped=int(people_helped))


def update_deed(*, deed, on: date, category: str, description: str, money=0, people_helped: int = 0):
    """Correct a deed (the office, in the admin) by the rules of recording one; who did it and
    for whom stay as recorded."""
    money, _ = check_deed(cadre=deed.cadre, on=on, category=category, description=description, money=money,
                          people_helped=people_helped, household=deed.household, village=deed.village)
    deed.on, deed.category, deed.description = on, category, description.strip()
    deed.money, deed.people_helped = money, int(people_helped)
    deed.save()
    return deed


def check_deed(*, cadre: Cadre, on: date, category: str, description: str, money=0, people_helped: int = 0,
               household: Household | None = None, village=None):
    """Every rule of a deed; returns the amount as a Decimal and the village (the household's)."""
    from decimal import Decimal, InvalidOperation

    from .models import Deed

    errors: dict[str, list[str]] = {}
    if on > timezone.localdate():
        errors.setdefault("on", []).append(gettext("不能登记今天以后的实事。"))
    if category not in Deed.Category.values:
        errors.setdefault("category", []).append(gettext("请选择实事类别。"))
    if not (description or "").strip():
        errors.setdefault("description", []).append(gettext("请填写实事内容。"))
    try:
        money = Decimal(str(money or 0))
        if money < 0 or not money.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.setdefault("money", []).append(gettext("金额应为不小于0的数字。"))
    if people_helped is None or int(people_helped) < 0:
        errors.setdefault("people_helped", []).append(gettext("受益人数不能为负数。"))
    if household is not None:
        if not _paired_now(cadre, household, on):
            errors.setdefault("household", []).append(gettext("农户%(number)s不是您的联系户。") % {"number": household.number})
        village = household.village
    if village is None:
        errors.setdefault("village", []).append(gettext("请选择农户或村。"))
    if errors:
        raise DomainError(errors)
    return money, village

