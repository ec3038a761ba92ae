"""Writes of demands (民情诉求): recording one for a paired household or a village, and moving
it on with a note of what was done."""
from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Household
from pairing.models import Cadre
from shuanglian import freshness
from shuanglian.errors import DomainError

from ..models import Demand, DemandFollowUp, Visit
from ..spans import paired_on
from .keys import stored_once

# Where a demand may go next: the unit works on it and resolves it, or escalates it to the
# office when it cannot (docs/domain.md §6; seed 000, requirement 1); the office resolves what was escalated.
DEMAND_STEPS = {
    "open": {"in_progress", "resolved", "escalated"},
    "in_progress": {"resolved", "escalated"},
    "escalated": {"in_progress", "resolved"},
    "resolved": set(),
}


def record_demand(*, cadre: Cadre, category: str, text: str, household: Household | None = None, village=None,
                  visit: Visit | None = None, key: uuid.UUID | None = None, by=None):
    """Record a demand (see ``record_demand_once``)."""
    return record_demand_once(cadre=cadre, category=category, text=text, household=household, village=village,
                              visit=visit, key=key, by=by)[0]


def record_demand_once(*, cadre: Cadre, category: str, text: str, household: Household | None = None,
                       village=None, visit: Visit | None = None, key: uuid.UUID | None = None,
                       by=None) -> tuple[Demand, bool]:
    """Record a demand: (the demand, whether this call stored it). The same idempotency key from
    its author returns the first demand (``keys.stored_once``)."""
    return stored_once(Demand, key=key, cadre=cadre, by=by, create=lambda: _create_demand(
        cadre=cadre, category=category, text=text, household=household, village=village, visit=visit, key=key, by=by))


def _create_demand(*, cadre, category, text, household, village, visit, key, by):
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": gettext("请填写诉求内容。")})
    if category not in Demand.Category.values:
        raise DomainError({"category": gettext("请选择诉求类别。")})
    if household is not None:
        if not paired_on(cadre=cadre, household=household, on=timezone.localdate()):
            raise DomainError({"household": gettext("农户%(number)s不是您的联系户。") % {"number": household.number}})
        village = household.village
    if village is None:
        raise DomainError({"village": gettext("请选择农户或村。")})
    demand = Demand.objects.create(cadre=cadre, household=household, village=village, visit=visit, category=category,
                                   text=text, idempotency_key=key, created_by=by)
    freshness.touch_villages([demand.village_id])
    return demand


def check_demand_step(*, demand, status: str, note: str) -> None:
    if status not in DEMAND_STEPS.get(demand.status, set()):
        target = Demand.Status(status).label if status in Demand.Status.values else status
        raise DomainError(gettext("诉求当前为“%(current)s”，不能改为“%(target)s”。")
                          % {"current": demand.get_status_display(), "target": target})
    if not (note or "").strip():
        raise DomainError({"note": gettext("请填写办理情况。")})


@transaction.atomic
def advance_demand(*, demand, status: str, note: str, by):
    """Move a demand on, with a note of what was done; resolved demands are closed."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    check_demand_step(demand=demand, status=status, note=note)
    demand.status = status
    demand.resolved_at = timezone.now() if status == Demand.Status.RESOLVED else None
    demand.save(update_fields=["status", "resolved_at"])
    DemandFollowUp.objects.create(demand=demand, status=status, note=note.strip(), by=by)
    freshness.touch_villages([demand.village_id])
    return demand
