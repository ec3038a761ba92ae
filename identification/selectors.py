"""Reads of the identification records that pages, reports and the ledger build on."""
from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from .models import StepEntry


def with_stage(households: QuerySet) -> QuerySet:
    """Households annotated with their latest step: ``stage_procedure``, ``stage``,
    ``stage_year``, ``stage_date`` and ``stage_passed`` (all None for a household no step has
    named). One correlated subquery per column, no Python loop."""
    latest = StepEntry.objects.filter(household=OuterRef("pk")).order_by("-step__date", "-step_id")
    return households.annotate(
        stage_procedure=Subquery(latest.values("step__procedure")[:1]),
        stage=Subquery(latest.values("step__stage")[:1]),
        stage_year=Subquery(latest.values("step__year")[:1]),
        stage_date=Subquery(latest.values("step__date")[:1]),
        stage_passed=Subquery(latest.values("passed")[:1]),
    )
