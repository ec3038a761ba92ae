"""The audit trail's rule for bulk writes.

Saves through the ORM are recorded by django-simple-history's signals, with the user of the
request (HistoryRequestMiddleware). A roster import writes with bulk_create / bulk_update,
which send no signals; its handlers call ``bulk_create`` and ``bulk_update`` here so that
every row still gets its historical record, in batches, with the same user.
"""
from __future__ import annotations

from typing import Iterable

from shuanglian.helpers import BATCH

ROSTER_IMPORT = "花名册导入"


def record(model, objs: Iterable, *, update: bool, reason: str = ROSTER_IMPORT) -> None:
    objs = [o for o in objs if o.pk is not None]
    manager = getattr(model, "history", None)
    if objs and manager is not None:
        manager.bulk_history_create(objs, batch_size=BATCH, update=update, default_change_reason=reason)


def bulk_create(model, objs: list, *, batch_size: int = BATCH, reason: str = ROSTER_IMPORT, **kwargs) -> list:
    created = model.objects.bulk_create(objs, batch_size=batch_size, **kwargs)
    record(model, created, update=False, reason=reason)
    return created


def bulk_update(model, objs: list, fields: list[str], *, batch_size: int = BATCH, reason: str = ROSTER_IMPORT) -> None:
    model.objects.bulk_update(objs, fields, batch_size=batch_size)
    record(model, objs, update=True, reason=reason)
