"""Recording the "两不愁三保障" checklist of a household (docs/domain.md §10).

Who may record it: the cadre paired with the household on the day (联户干部), or an office whose
area governs the household's village. Every item is answered; an item that does not hold says
why; photos go through the visit photos' checks. A resent form (the same idempotency key) stores
nothing twice; recording the same year again updates the checklist, and the history keeps the
earlier answers."""
from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Household
from pairing.models import HouseholdPairing
from pairing.selectors import in_force
from shuanglian import scoping
from shuanglian.errors import DomainError
from visits.photos import prepare_photo

from ..checklists import ITEM_KEYS, ITEM_LABELS
from ..models import ExitCheckItem, ExitChecklist


def may_record_checklist(user, household: Household, on: date | None = None) -> bool:
    """The household's paired cadre on ``on`` (today by default), or an office governing its village."""
    scope = scoping.scope_for(user)
    if scoping.is_office(scope):
        return scoping.governs_area(scope, household.village_id)
    if scoping.is_cadre(scope):
        on = on or timezone.localdate()
        return HouseholdPairing.objects.filter(in_force(on), household=household, cadre_id=scope.cadre_id).exists()
    return False


def checklist_item_errors(items: dict) -> dict[str, list[str]]:
    """The answers' own rules, keyed by field (``<item>``, ``<item>_note``): each item answered,
    a failed item explained."""
    errors: dict[str, list[str]] = {}
    for key in ITEM_KEYS:
        answer = items.get(key)
        holds = answer[0] if answer else None
        if holds is None:
            errors[key] = [gettext("请回答“%(item)s”是否达到。") % {"item": ITEM_LABELS[key]}]
        elif not holds and not (answer[1] or "").strip():
            errors[f"{key}_note"] = [gettext("“%(item)s”未达到，请说明情况。") % {"item": ITEM_LABELS[key]}]
    unknown = set(items) - set(ITEM_KEYS)
    if unknown:
        errors.setdefault("__all__", []).append(gettext("未知的核查项目：%(items)s。") % {"items": "、".join(sorted(unknown))})
    return errors


def record_checklist(user, household: Household, year: int, items: dict, idempotency_key: uuid.UUID | None = None,
                     ) -> ExitChecklist:
    """Store the checklist of ``household`` for ``year``: ``items`` maps each item key to
    ``(holds, note, photo_file or None)``. Returns the checklist (the first one stored for a
    replayed key)."""
    if idempotency_key is not None and (done := ExitChecklist.objects.filter(idempotency_key=idempotency_key).first()):
        return _replayed(done, user=user, household=household)
    if not may_record_checklist(user, household):
        raise DomainError(gettext("只有该户的联户干部或管辖该村的双联办可以填报核查表。"))
    today = timezone.localdate()
    if year not in (today.year, today.year - 1):  # the exits under review: this year's, and last year's into January
        raise DomainError({"year": gettext("不能填报%(year)s年度的核查表。") % {"year": year}})
    errors = checklist_item_errors(items)
    if errors:
        raise DomainError(errors)
    photos = {}
    for key in ITEM_KEYS:
        upload = items[key][2] if len(items[key]) > 2 else None
        if upload:
            try:
                photos[key] = prepare_photo(upload)
            except DomainError as exc:
                raise DomainError({f"{key}_photo": exc.messages}) from None
    try:
        with transaction.atomic():
            checklist, _created = ExitChecklist.objects.select_for_update().get_or_create(
                household=household, year=year, defaults={"recorded_by": user, "recorded_on": today})
            checklist.recorded_by, checklist.recorded_on = user, today
            if checklist.idempotency_key is None:  # the first form's key: resending it changes nothing later
                checklist.idempotency_key = idempotency_key
            checklist.save()
            stored = {item.item: item for item in checklist.items.all()}
            for key in ITEM_KEYS:
                holds, note = items[key][0], (items[key][1] or "").strip()
                item = stored.get(key) or ExitCheckItem(checklist=checklist, item=key)
                item.holds, item.note = bool(holds), note
                if key in photos:
                    item.photo.save(f"{household.number}-{year}-{key}.jpg", photos[key], save=False)
                item.save()  # one by one: the history keeps each item's earlier answer
    except IntegrityError:
        if idempotency_key is not None and (done := ExitChecklist.objects.filter(idempotency_key=idempotency_key).first()):
            return _replayed(done, user=user, household=household)  # a racing twin stored it first
        raise
    return checklist


def _replayed(checklist: ExitChecklist, *, user, household: Household) -> ExitChecklist:
    """The checklist a key was first stored with, for the same user and household only."""
    if checklist.household_id != household.pk or checklist.recorded_by_id != getattr(user, "pk", None):
        raise DomainError({"idempotency_key": gettext("该提交标识已被他人使用，请重新打开填报页面。")})
    return checklist
