"""Writes of deeds (帮办实事): recording one for a paired household or a village, and the
office's correction of one."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext

from households.models import Household
from pairing.models import Cadre
from shuanglian import freshness
from shuanglian.errors import DomainError

from ..models import Deed
from ..spans import paired_on
from .keys import stored_once


def record_deed(*, cadre: Cadre, on: date, category: str, description: str, money=0, people_helped: int = 0,
                household: Household | None = None, village=None, key: uuid.UUID | None = None, by=None):
    """Record a deed (see ``record_deed_once``)."""
    return record_deed_once(cadre=cadre, on=on, category=category, description=description, money=money,
                            people_helped=people_helped, household=household, village=village, key=key, by=by)[0]


def record_deed_once(*, cadre: Cadre, on: date, category: str, description: str, money=0, people_helped: int = 0,
                     household: Household | None = None, village=None, key: uuid.UUID | None = None,
                     by=None) -> tuple[Deed, bool]:
    """Record a deed: (the deed, whether this call stored it). The same idempotency key from its
    author returns the first deed (``keys.stored_once``)."""
    def create():
        amount, where = check_deed(cadre=cadre, on=on, category=category, description=description, money=money,
                                   people_helped=people_helped, household=household, village=village)
        deed = Deed.objects.create(cadre=cadre, household=household, village=where, on=on, category=category,
                                   description=description.strip(), money=amount, people_helped=int(people_helped),
                                   idempotency_key=key, created_by=by)
        freshness.touch_villages([deed.village_id])
        return deed

    return stored_once(Deed, key=key, cadre=cadre, by=by, create=create)


def update_deed(*, deed, on: date, category: str, description: str, money=0, people_helped: int = 0):
    """Correct a deed (the office, in the admin) by the rules of recording one; who did it and
    for whom stay as recorded."""
    money, _ = check_deed(cadre=deed.cadre, on=on, category=category, description=description, money=money,
                          people_helped=people_helped, household=deed.household, village=deed.village)
    deed.on, deed.category, deed.description = on, category, description.strip()
    deed.money, deed.people_helped = money, int(people_helped)
    deed.save()
    freshness.touch_villages([deed.village_id])
    return deed


def check_deed(*, cadre: Cadre, on: date, category: str, description: str, money=0, people_helped: int = 0,
               household: Household | None = None, village=None):
    """Every rule of a deed; returns the amount as a Decimal and the village (the household's)."""
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
        if not paired_on(cadre=cadre, household=household, on=on):
            errors.setdefault("household", []).append(gettext("农户%(number)s不是您的联系户。") % {"number": household.number})
        village = household.village
    if village is None:
        errors.setdefault("village", []).append(gettext("请选择农户或村。"))
    if errors:
        raise DomainError(errors)
    return money, village
