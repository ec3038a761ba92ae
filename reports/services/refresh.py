"""Recomputing the dashboards a write has made stale, in the background, at most once a minute.

A write renews the generation of its areas (``shuanglian.freshness``), so the next reader of
their dashboards gets new figures; here the province's, cities' and counties' dashboards —
the ones the nightly warm-up computes, seconds each — are recomputed ahead by a worker, so a
leader rarely waits for them. For each such area the first write of a minute
(``DASHBOARD_REFRESH_SECONDS``) queues ``reports.tasks.refresh_dashboards`` to run when the
minute is over: the writes of that minute are all in its figures, and a busy province costs
one recomputation per area and minute, not one per visit. A reader who comes first computes
the figures himself, and the task then finds them current and leaves them.

A broad write renews a subtree (a roster import, a unit moved to another area) or every area
(a visit policy, the poverty lines): the refresh then names the subtree, and the worker
recomputes every province's, city's and county's dashboard within it (``EVERY_AREA``: all of
them, as the nightly warm-up does), also at most once a minute per subtree.

Without a broker (development, tests) nothing is queued: a task would run at once inside the
request that wrote, making the cadre wait for the province's figures; the next reader
computes them instead. ``DASHBOARD_REFRESH_SECONDS = 0`` turns the refresh off.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from households.models import Area, AreaLevel
from shuanglian import freshness
from shuanglian.freshness import EVERY_AREA

from ..dashboard import dashboard
from .queue import dispatch

REFRESHED_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)  # those ``dashboard.warm`` computes
TASK = "reports.tasks.refresh_dashboards"


def interval() -> int:
    return int(getattr(settings, "DASHBOARD_REFRESH_SECONDS", 60))


def schedule_refresh(*, codes, subtrees=()) -> list[str]:
    """Queue the refresh of the touched areas' dashboards, and of every one within the touched
    subtrees, that no refresh is already waiting for; the codes and subtrees queued."""
    from shuanglian.celery import app

    seconds = interval()
    if seconds <= 0 or app.conf.task_always_eager:
        return []
    due = {f"dashboard:refresh:{c}": c for c in sorted(c for c in codes if _refreshed(c))}
    wide = {f"dashboard:refresh:all:{c}": c for c in sorted(c for c in subtrees if c == EVERY_AREA or _holds_refreshed(c))}
    # Within the minute every refresh a write needs is waiting already: one read finds them, where
    # an ``add`` per area would ask the cache once each. The others are claimed with ``add``,
    # which is atomic, so of two web workers only one queues a refresh. The claims are kept where
    # the figures' generations are (``freshness.store``: the cache's Redis, its client kept).
    marks = freshness.store()
    waiting = marks.get_many([*due, *wide]) if due or wide else {}
    queued = [c for key, c in due.items() if key not in waiting and marks.add(key, "1", timeout=seconds)]
    queued_wide = [c for key, c in wide.items() if key not in waiting and marks.add(key, "1", timeout=seconds)]
    if queued_wide:
        dispatch(TASK, queued, queued_wide, countdown=seconds)
    elif queued:
        dispatch(TASK, queued, countdown=seconds)
    return queued + queued_wide


def _refreshed(code: str) -> bool:
    return len(code) == 12 and code.isdigit() and Area.level_of(code) in REFRESHED_LEVELS


def _holds_refreshed(code: str) -> bool:
    """Whether a subtree holds an area whose dashboard is refreshed besides its own code (a
    province or a city holds counties)."""
    return _refreshed(code) and Area.level_of(code) != AreaLevel.COUNTY


def on_areas_touched(sender, codes, subtrees=(), **kwargs) -> None:
    schedule_refresh(codes=codes, subtrees=subtrees)


def refresh(*, codes, subtrees=(), today: date | None = None) -> int:
    """Today's dashboards of these areas, and of the province, cities and counties within these
    subtrees (``EVERY_AREA``: all of them), computed unless current ones are kept already; kept,
    like the nightly warm-up's, until midnight (or until the next write). How many areas."""
    today = today or timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    within = Q(code__in=list(codes))
    for code in subtrees:
        below = Q() if code == EVERY_AREA else Q(code__startswith=Area.prefix_of(code))
        within |= below & Q(level__in=REFRESHED_LEVELS)
    areas = list(Area.objects.filter(within).order_by("code"))
    for area in areas:
        dashboard(area=area, year=today.year, today=today, keep_until=midnight)
    return len(areas)
