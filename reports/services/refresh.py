"""Recomputing the dashboards a write has made stale, in the background, at most once a minute.

A write renews the generation of its areas (``shuanglian.freshness``), so the next reader of
their dashboards gets new figures; here the province's, cities' and counties' dashboards —
the ones the nightly warm-up computes, seconds each — are recomputed ahead by a worker, so a
leader rarely waits for them. For each such area the first write of a minute
(``DASHBOARD_REFRESH_SECONDS``) queues ``reports.tasks.refresh_dashboards`` to run when the
minute is over: the writes of that minute are all in its figures, and a busy province costs
one recomputation per area and minute, not one per visit. A reader who comes first computes
the figures himself, and the task then finds them current and leaves them.

Without a broker (development, tests) nothing is queued: a task would run at once inside the
request that wrote, making the cadre wait for the province's figures; the next reader
computes them instead. ``DASHBOARD_REFRESH_SECONDS = 0`` turns the refresh off.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from households.models import Area, AreaLevel

from ..dashboard import dashboard
from .queue import dispatch

REFRESHED_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)  # those ``dashboard.warm`` computes
TASK = "reports.tasks.refresh_dashboards"


def interval() -> int:
    return int(getattr(settings, "DASHBOARD_REFRESH_SECONDS", 60))


def schedule_refresh(*, codes) -> list[str]:
    """Queue the refresh of the touched areas' dashboards that no refresh is already waiting
    for; the codes queued."""
    from shuanglian.celery import app

    seconds = interval()
    if seconds <= 0 or app.conf.task_always_eager:
        return []
    due = sorted(c for c in codes if len(c) == 12 and c.isdigit() and Area.level_of(c) in REFRESHED_LEVELS)
    # One waiting refresh per area: ``add`` is atomic, so of two web workers only one queues it.
    queued = [c for c in due if cache.add(f"dashboard:refresh:{c}", 1, timeout=seconds)]
    if queued:
        dispatch(TASK, queued, countdown=seconds)
    return queued


def on_areas_touched(sender, codes, **kwargs) -> None:
    schedule_refresh(codes=codes)


def refresh(*, codes, today: date | None = None) -> int:
    """Today's dashboards of these areas, computed unless current ones are kept already; kept,
    like the nightly warm-up's, until midnight (or until the next write). How many areas."""
    today = today or timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    areas = list(Area.objects.filter(code__in=list(codes)).order_by("code"))
    for area in areas:
        dashboard(area=area, year=today.year, today=today, keep_until=midnight)
    return len(areas)
