"""Reads of the identification records that pages, reports and the ledger build on."""
from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from households.models import Household

from .models import StepEntry
from .rules import SEQUENCES


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



def _over() -> Q:
    """Annotated by ``with_stage``: the latest step was its procedure's last."""
    parts = [Q(stage_procedure=procedure, stage=sequence[-1]) for procedure, sequence in SEQUENCES.items()]
    over = parts[0]
    for part in parts[1:]:
        over |= part
    return over


def open_procedure() -> Q:
    """On households annotated by ``with_stage``: those in a procedure not yet over (their latest
    step passed and was not their procedure's last)."""
    return Q(stage_passed=True) & ~_over()


def not_in_procedure() -> Q:
    """The others, spelled without a negation a NULL would swallow."""
    return Q(stage_passed__isnull=True) | Q(stage_passed=False) | _over()


def villages_in_procedure(households: QuerySet) -> QuerySet:
    """Per village of ``households``: how many are in an open procedure and how many are
    candidates waiting for one; villages with neither are left out. One grouped query."""
    candidate = Q(status=Household.Status.CANDIDATE) & not_in_procedure()
    return (with_stage(households).filter(open_procedure() | candidate)
            .values("village_id", "village__name")
            .annotate(in_procedure=Count("pk", filter=open_procedure()), candidates=Count("pk", filter=candidate))
            .order_by("village_id"))
