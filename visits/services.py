"""Writes of visits: validation of a trip (DOMAIN §6), logging it once, and flagging anomalies."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from households.models import Household
from pairing.models import Cadre, HouseholdPairing
from shuanglian.errors import DomainError

from .models import AnomalyFlag, Visit, VisitPolicy


def policy_for(*, subject: str, area_code: str, year: int) -> VisitPolicy | None:
    """The policy in force: the most specific area containing ``area_code``, a policy of the year
    before one for every year (the compliance engine applies the same order in SQL)."""
    candidates = [p for p in VisitPolicy.objects.filter(subject=subject).filter(Q(year=year) | Q(year__isnull=True))
                  if area_code.startswith(p.area_prefix)]
    candidates.sort(key=lambda p: (len(p.area_prefix), p.year is not None, p.pk), reverse=True)
    return candidates[0] if candidates else None


def households_not_paired(*, cadre: Cadre, households: list[Household], start: date, end: date) -> list[Household]:
    """Of the households, those not paired with the cadre for the whole of [start, end]."""
    covered = set(
        HouseholdPairing.objects.filter(cadre=cadre, household__in=households, start__lte=start)
        .filter(Q(end__isnull=True) | Q(end__gte=end)).values_list("household_id", flat=True)
    )
    return [h for h in households if h.pk not in covered]


def trip_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool) -> dict[str, list[str]]:
    """The date rules of a trip, on plain values (the roster importer checks rows with it too)."""
    errors: dict[str, list[str]] = {}
    if end < start:
        errors.setdefault("end", []).append("结束日期不能早于开始日期。")
    if start > today or end > today:
        errors.setdefault("end" if start <= today else "start", []).append("不能登记今天以后的走访。")
    if policy is not None and end >= start and (end - start).days + 1 > policy.max_trip_days:
        errors.setdefault("end", []).append(f"一次走访最长{policy.max_trip_days}天，本次为{(end - start).days + 1}天。")
    if own_entry and policy is not None and start < today - timedelta(days=policy.backdate_days):
        errors.setdefault("start", []).append(f"只能补录{policy.backdate_days}天内的走访，更早的请联系双联办登记。")
    return errors


def unpaired_message(numbers: list[str]) -> str:
    return f"农户{'、'.join(numbers)}在走访期间未与该干部结对。"


def check_visit(*, cadre: Cadre, households: list[Household], start: date, end: date, own_entry: bool,
                today: date | None = None) -> None:
    """Every rule a trip must satisfy, each with a clear message. An office's roster import or
    admin entry carries history (own_entry=False): the back-dating window does not apply."""
    today = today or timezone.localdate()
    policy = policy_for(subject=VisitPolicy.Subject.CADRE, area_code=cadre.unit.area_id, year=start.year)
    errors = trip_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry)
    if not households:
        errors.setdefault("households", []).append("请至少选择一户联系户。")
    elif end >= start:
        unpaired = households_not_paired(cadre=cadre, households=households, start=start, end=end)
        if unpaired:
            errors.setdefault("households", []).append(unpaired_message([h.number for h in unpaired]))
    if errors:
        raise DomainError(errors)


def log_visit(*, cadre: Cadre, households: list[Household], start: date, end: date, key: uuid.UUID | None,
              by=None, own_entry: bool = True, stayed: bool = False, tasks: list[str] | None = None,
              help_given: str = "", notes: str = "", photos: list | None = None) -> Visit:
    """Record one trip. The same idempotency key returns the first visit: a double tap or a
    resent form stores nothing twice, also when the two requests race."""
    if key is not None and (existing := Visit.objects.filter(idempotency_key=key).first()):
        return existing
    check_visit(cadre=cadre, households=households, start=start, end=end, own_entry=own_entry)
    prepared = prepare_photos(photos or [])
    try:
        with transaction.atomic():
            visit = Visit.objects.create(cadre=cadre, start=start, end=end, stayed=stayed, tasks=tasks or [],
                                         help_given=help_given, notes=notes, idempotency_key=key, created_by=by)
            visit.households.set(households)
            for content in prepared:
                visit.photos.create(image=content)
    except IntegrityError:
        if key is not None and (existing := Visit.objects.filter(idempotency_key=key).first()):
            return existing  # the other request of a race stored it first
        raise
    flag_anomalies(visits=[visit])
    return visit


def flag_anomalies(*, visits: list[Visit]) -> int:
    """Flag, for review, trips of the same cadre that share a day, and days on which a cadre's
    trips reach households of two villages. Returns the number of new flags."""
    created = 0
    for visit in visits:
        others = Visit.objects.filter(cadre_id=visit.cadre_id, start__lte=visit.end, end__gte=visit.start).exclude(pk=visit.pk)
        villages = set(visit.households.values_list("village_id", flat=True))
        if len(villages) > 1:
            created += _flag(AnomalyFlag.Kind.TWO_VILLAGES, visit, None, visit.start)
        for other in others:
            day = max(visit.start, other.start)
            created += _flag(AnomalyFlag.Kind.OVERLAP, visit, other, day)
            if set(other.households.values_list("village_id", flat=True)) - villages:
                created += _flag(AnomalyFlag.Kind.TWO_VILLAGES, visit, other, day)
    return created


def _flag(kind: str, visit: Visit, other: Visit | None, day: date) -> int:
    first, second = (visit, other) if other is None or visit.pk < other.pk else (other, visit)
    _, made = AnomalyFlag.objects.get_or_create(kind=kind, visit=first, other=second, day=day)
    return int(made)


def review_flag(*, flag: AnomalyFlag, status: str, note: str, by) -> AnomalyFlag:
    if status not in AnomalyFlag.Status.values or status == AnomalyFlag.Status.OPEN:
        raise DomainError("请选择“已核实无误”或“确认有误”。")
    flag.status, flag.note, flag.reviewed_by = status, note, by
    flag.save(update_fields=["status", "note", "reviewed_by"])
    return flag



# --- demands and deeds ----------------------------------------------------------------------------

# Where a demand may go next: the unit works on it and resolves it, or escalates it to the
# office when it cannot (000 §1); the office resolves what was escalated.
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
        raise DomainError({"text": "请填写诉求内容。"})
    if category not in Demand.Category.values:
        raise DomainError({"category": "请选择诉求类别。"})
    if household is not None:
        if not _paired_now(cadre, household, timezone.localdate()):
            raise DomainError({"household": f"农户{household.number}不是您的联系户。"})
        village = household.village
    if village is None:
        raise DomainError({"village": "请选择农户或村。"})
    demand = Demand.objects.create(cadre=cadre, household=household, village=village, visit=visit, category=category, text=text)
    return demand


def check_demand_step(*, demand, status: str, note: str) -> None:
    from .models import Demand

    if status not in DEMAND_STEPS.get(demand.status, set()):
        target = Demand.Status(status).label if status in Demand.Status.values else status
        raise DomainError(f"诉求当前为“{demand.get_status_display()}”，不能改为“{target}”。")
    if not (note or "").strip():
        raise DomainError({"note": "请填写办理情况。"})


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
    from decimal import Decimal, InvalidOperation

    from .models import Deed

    errors: dict[str, list[str]] = {}
    if on > timezone.localdate():
        errors.setdefault("on", []).append("不能登记今天以后的实事。")
    if category not in Deed.Category.values:
        errors.setdefault("category", []).append("请选择实事类别。")
    if not (description or "").strip():
        errors.setdefault("description", []).append("请填写实事内容。")
    try:
        money = Decimal(str(money or 0))
        if money < 0 or not money.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.setdefault("money", []).append("金额应为不小于0的数字。")
    if people_helped is None or int(people_helped) < 0:
        errors.setdefault("people_helped", []).append("受益人数不能为负数。")
    if household is not None:
        if not _paired_now(cadre, household, on):
            errors.setdefault("household", []).append(f"农户{household.number}不是您的联系户。")
        village = household.village
    if village is None:
        errors.setdefault("village", []).append("请选择农户或村。")
    if errors:
        raise DomainError(errors)
    return Deed.objects.create(cadre=cadre, household=household, village=village, on=on, category=category,
                               description=description.strip(), money=money, people_helped=int(people_helped))


# --- photos -----------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTOS_PER_VISIT = 6


def prepare_photo(upload):
    """Check an uploaded photo by its content (not its name) and return it as a resized JPEG file."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise DomainError({"photos": f"照片“{upload.name}”超过{PHOTO_MAX_BYTES // (1024 * 1024)} MB。"})
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError({"photos": f"“{upload.name}”不是可识别的照片。"}) from None
    if kind not in PHOTO_FORMATS:
        raise DomainError({"photos": f"“{upload.name}”格式为{kind}，只接受JPEG、PNG或WebP照片。"})
    return ContentFile(out.getvalue(), name="photo.jpg")


def prepare_photos(uploads: list) -> list:
    """Every photo checked before any is stored."""
    if len(uploads) > PHOTOS_PER_VISIT:
        raise DomainError({"photos": f"每次走访最多{PHOTOS_PER_VISIT}张照片。"})
    return [prepare_photo(upload) for upload in uploads]
