"""Idempotency keys of the phone's entries (demands, deeds; visits and stays follow the same
rule in their own services): the same key from its author returns the first record, so a form
resent by the phone's outbox, a retry or a second phone stores nothing twice; anyone else's key
is refused. The key is unique in the database, so of two racing requests the database decides."""
from __future__ import annotations

import uuid
from typing import Callable, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from shuanglian.errors import DomainError

T = TypeVar("T")


def key_taken_message() -> str:
    return gettext("该提交标识已被他人使用，请重新打开登记页面或换用新的提交标识。")


def stored_once(model, *, key: uuid.UUID | None, cadre, by, create: Callable[[], T]) -> tuple[T, bool]:
    """(the record, whether this call stored it): ``create`` checks and stores a new record with
    the key; a key already stored returns its record, for its author only."""
    if key is not None and (existing := model.objects.filter(idempotency_key=key).first()):
        return _replayed(existing, cadre=cadre, by=by), False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if key is not None and (existing := model.objects.filter(idempotency_key=key).first()):
            return _replayed(existing, cadre=cadre, by=by), False
        raise


def _replayed(record, *, cadre, by):
    if record.cadre_id != cadre.pk or record.created_by_id != (by.pk if by is not None else None):
        raise DomainError({"idempotency_key": key_taken_message()})
    return record
