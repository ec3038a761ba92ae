"""Reads of the publicity app: what the public pages show, the offices' lists, and the figure
the reports take (typical cases published in a period)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import AppraisalResult

from .access import visible_lead_units
from .models import MEETINGS_PER_YEAR, CaseStatus, LeadUnit, RoundPublication, TypicalCase


def published_cases() -> QuerySet[TypicalCase]:
    """What the public sees: published cases, newest first, with what their pages name."""
    return (TypicalCase.objects.filter(status=CaseStatus.PUBLISHED)
            .select_related("village", "unit", "cadre__unit").order_by("-published_at", "-pk"))


def published_case_count(*, start: date, end: date, area_prefix: str | None = None, unit_id: int | None = None) -> int:
    """Typical cases published from ``start`` to ``end`` (inclusive, local days) in an area's
    subtree or about a unit and its cadres: the reports' figure of the task 推广典型."""
    t0 = timezone.make_aware(datetime.combine(start, time.min))
    t1 = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    cases = TypicalCase.objects.filter(status=CaseStatus.PUBLISHED, published_at__gte=t0, published_at__lt=t1)
    if area_prefix is not None:
        cases = cases.filter(area__code__startswith=area_prefix)
    if unit_id is not None:
        cases = cases.filter(Q(unit_id=unit_id) | Q(cadre__unit_id=unit_id))
    return cases.count()


# --- published evaluation results -------------------------------------------------------------------------

def published_rounds(year: int) -> list[dict]:
    """The rounds of a year whose results are public, with their area's name (one query)."""
    return list(RoundPublication.objects.filter(year=year, published=True)
                .order_by("round__area_id").values("round_id", "round__area__name", "round__area_id", "changed_at"))


def results_etag(year: int, rounds: list[dict], language: str) -> str:
    """Changes whenever a round of the year is published or unpublished (``changed_at`` moves),
    and with the reader's language. A closed round's results are frozen, so they need no part."""
    seed = "|".join([str(year), language, *(f"{r['round_id']}:{r['changed_at'].isoformat()}" for r in rounds)])
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def published_results(round_ids: list[int]) -> list[dict]:
    """Per target of the published rounds, only what is public: the unit's name, or the cadre's
    name and unit; satisfaction and grade (one query). Nothing of a rater, ballot or ID number."""
    if not round_ids:
        return []
    return list(AppraisalResult.objects.filter(round_id__in=round_ids)
                .order_by("round__area_id", "cadre_id", "unit__name", "cadre__unit__name", "cadre__name", "pk")
                .values("round_id", "unit__name", "cadre__name", "cadre__unit__name", "satisfaction", "grade"))


def published_years() -> list[int]:
    return list(RoundPublication.objects.filter(published=True).order_by("-year")
                .values_list("year", flat=True).distinct())


# --- lead units ---------------------------------------------------------------------------------------------

def lead_units(user_or_scope, year: int) -> QuerySet[LeadUnit]:
    return (visible_lead_units(user_or_scope).filter(year=year).select_related("county", "unit")
            .annotate(meeting_count=Count("meetings")).order_by("county_id"))


def counties_missing_meetings(user_or_scope, year: int) -> QuerySet[LeadUnit]:
    """Counties whose lead unit held fewer than two meetings in the year (每年至少召开2次)."""
    return lead_units(user_or_scope, year).filter(meeting_count__lt=MEETINGS_PER_YEAR)
