"""Writes of a resident's attendance (驻村考勤, docs/domain.md §11): a stay in the village lies
within one of the cadre's postings, is not in the future, is no longer than the resident
policy's longest stay, and obeys, for the cadre's own entries, the policy's back-dating window
and, for everyone, the month lock — the rules of a trip (§6) on the resident policy.

``stay_errors`` states them once on facts already loaded; the roster checks its rows with it in
bulk, the phone, the API and the admin through ``check_stay``."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from pairing.models import Cadre, Posting
from shuanglian import freshness
from shuanglian.errors import DomainError
from shuanglian.helpers import in_batches

from ..locks import check_month_open
from ..models import Stay, VisitPolicy
from ..selectors import policy_for
from .trips import DateMessages, dated_entry_errors

PostingSpan = tuple[Any, date, date | None]  # (posting id or roster ref, start, end or None: in force)


def covering_posting(postings: Iterable[PostingSpan], start: date, end: date) -> Any | None:
    """The posting that holds for the whole stay (the latest-starting one, if several do)."""
    covering = [p for p in postings if p[1] <= start and (p[2] is None or p[2] >= end)]
    return max(covering, key=lambda p: p[1])[0] if covering else None


STAY_MESSAGES = DateMessages(
    future=lambda: gettext("不能登记今天以后的驻村考勤。"),
    too_long=lambda n: ngettext("一次驻村考勤最长%(max)s天，本次为%(days)s天。", "一次驻村考勤最长%(max)s天，本次为%(days)s天。", n),
    too_old=lambda n: ngettext("只能补录%(days)s天内的驻村考勤，更早的请联系双联办登记。",
                               "只能补录%(days)s天内的驻村考勤，更早的请联系双联办登记。", n),
)


def stay_errors(*, start: date, end: date, today: date, policy: VisitPolicy | None, own_entry: bool,
                postings: Iterable[PostingSpan]) -> dict[str, list[str]]:
    """Every rule of a stay but the month lock, on plain facts: ``postings`` are the cadre's."""
    errors = dated_entry_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry,
                                messages=STAY_MESSAGES)
    if end >= start and covering_posting(postings, start, end) is None:
        errors.setdefault("start", []).append(gettext("考勤期间该干部没有驻村任务：驻村考勤须在一次驻村的起止日期之内。"))
    return errors


def resident_policy(*, cadre: Cadre, village: str | None, year: int) -> VisitPolicy | None:
    """The resident policy of the posting's village (the cadre's unit's area while none is known)."""
    return policy_for(subject=VisitPolicy.Subject.RESIDENT, area_code=village or cadre.unit.area_id, year=year)


def check_stay(*, cadre: Cadre, start: date, end: date, own_entry: bool, stored: Stay | None = None,
               today: date | None = None) -> Posting:
    """Every rule of a stay, each with a clear message; the posting it lies within. An office's
    roster import or admin entry carries history (own_entry=False): no back-dating window. For a
    correction (``stored``), the month the stay was in must still be open too."""
    today = today or timezone.localdate()
    postings = list(Posting.objects.filter(cadre=cadre).values_list("pk", "start", "end"))
    found = covering_posting(postings, start, end) if end >= start else None
    village = Posting.objects.filter(pk=found).values_list("village_id", flat=True).first() if found else None
    policy = resident_policy(cadre=cadre, village=village, year=start.year)
    errors = stay_errors(start=start, end=end, today=today, policy=policy, own_entry=own_entry, postings=postings)
    taken = Stay.objects.filter(cadre=cadre, start=start, end=end).exclude(pk=stored.pk if stored else None)
    if not errors and taken.exists():
        errors["start"] = [gettext("该干部这一起止日期的驻村考勤已经登记。")]
    if errors:
        raise DomainError(errors)
    if stored is not None and stored.pk:
        check_month_open(unit=cadre.unit, start=stored.start, end=stored.end)
    check_month_open(unit=cadre.unit, start=start, end=end)
    return Posting.objects.get(pk=found)


def log_stay(*, cadre: Cadre, start: date, end: date, key: uuid.UUID | None, by=None, own_entry: bool = True,
             note: str = "") -> Stay:
    """Record one stay (see ``log_stay_once``)."""
    return log_stay_once(cadre=cadre, start=start, end=end, key=key, by=by, own_entry=own_entry, note=note)[0]


def log_stay_once(*, cadre: Cadre, start: date, end: date, key: uuid.UUID | None, by=None, own_entry: bool = True,
                  note: str = "") -> tuple[Stay, bool]:
    """Record one stay: (the stay, whether this call stored it). The same idempotency key from its
    author returns the first stay, so a resent form stores nothing twice, also when two requests
    race (the key is unique: the database decides)."""
    if key is not None and (existing := Stay.objects.filter(idempotency_key=key).first()):
        return _replayed(existing, cadre=cadre, by=by), False
    posting = check_stay(cadre=cadre, start=start, end=end, own_entry=own_entry)
    try:
        with transaction.atomic():
            stay = Stay.objects.create(cadre=cadre, posting=posting, start=start, end=end, note=note,
                                       idempotency_key=key, created_by=by)
            freshness.touch_villages([posting.village_id])
    except IntegrityError:
        if key is not None and (existing := Stay.objects.filter(idempotency_key=key).first()):
            return _replayed(existing, cadre=cadre, by=by), False
        raise DomainError({"start": [gettext("该干部这一起止日期的驻村考勤已经登记。")]}) from None
    return stay, True


def _replayed(stay: Stay, *, cadre: Cadre, by) -> Stay:
    """The stay a key was first stored with, for its author only."""
    if stay.cadre_id != cadre.pk or stay.created_by_id != (by.pk if by is not None else None):
        raise DomainError({"idempotency_key": gettext("该提交标识已被他人使用，请重新打开登记页面或换用新的提交标识。")})
    return stay


@transaction.atomic
def update_stay(*, stay: Stay, start: date, end: date, note: str = "", own_entry: bool = False) -> Stay:
    """Correct a stay by the rules of a new one; the month it was in must still be open."""
    stored = Stay.objects.select_related("cadre__unit").get(pk=stay.pk)
    stay.posting = check_stay(cadre=stored.cadre, start=start, end=end, own_entry=own_entry, stored=stored)
    stay.start, stay.end, stay.note = start, end, note
    stay.save()
    freshness.touch_villages([stored.posting.village_id, stay.posting.village_id])
    return stay


def stays_left_outside(changes: list[tuple[int, str, date, date | None]]) -> dict[int, list[str]]:
    """The postings whose correction would leave stored stays outside them (another village, or
    dates beyond the new start or end): a stay lies within its posting (docs/domain.md §11).
    Registered with the pairing app as a posting guard (``VisitsConfig.ready``)."""
    after = {pk: (village, start, end) for pk, village, start, end in changes}
    outside: dict[int, list[tuple[date, date]]] = {}
    for batch in in_batches(after):
        for pk, village, start, end in Stay.objects.filter(posting_id__in=batch).values_list(
                "posting_id", "posting__village_id", "start", "end"):
            new_village, new_start, new_end = after[pk]
            if village != new_village or start < new_start or (new_end is not None and end > new_end):
                outside.setdefault(pk, []).append((start, end))
    return {pk: [gettext("该驻村已登记的%(count)s条驻村考勤（%(first)s至%(last)s）将不在修改后的驻村地点或期间内，"
                         "请先更正这些驻村考勤。") % {"count": len(spans), "first": min(s for s, _ in spans),
                                                    "last": max(e for _, e in spans)}]
            for pk, spans in outside.items()}
