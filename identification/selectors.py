"""Reads of the identification records that pages, reports and the ledger build on."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from households.models import Household

from .models import StepEntry
from .rules import SEQUENCES, Procedure, Stage


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


# --- announced changes: the yearly update (动态调整) and the reports' exits ---------------------------

# The three lists of the yearly update, each the passed entries of its procedure's announcement.
YEARLY_LISTS: tuple[tuple[str, object], ...] = (
    (Procedure.IDENTIFICATION, _("新识别")),
    (Procedure.EXIT, _("脱贫")),
    (Procedure.RETURN, _("返贫")),
)


def announced_entries(households: QuerySet | None = None, *, procedure: str | None = None, year: int | None = None,
                      start: date | None = None, end: date | None = None) -> QuerySet:
    """Households announced (公告) by a procedure: the passed entries of its ANNOUNCEMENT steps,
    of the procedure's ``year`` and/or dated between ``start`` and ``end``, among ``households``."""
    entries = StepEntry.objects.filter(passed=True, step__stage=Stage.ANNOUNCEMENT)
    if procedure is not None:
        entries = entries.filter(step__procedure=procedure)
    if year is not None:
        entries = entries.filter(step__year=year)
    if start is not None:
        entries = entries.filter(step__date__gte=start)
    if end is not None:
        entries = entries.filter(step__date__lte=end)
    if households is not None:
        entries = entries.filter(household__in=households.values("pk"))
    return entries


def announced_exit(start: date, end: date) -> Exists:
    """For a household queryset: announced as exited by an announcement dated in the period.
    A household loaded as exited from the roster, with no steps, is not an exit of any period."""
    return Exists(announced_entries(procedure=Procedure.EXIT, start=start, end=end).filter(household=OuterRef("pk")))


def yearly_update(households: QuerySet, year: int) -> dict:
    """The yearly update of ``year`` among ``households``: for each list (new, exited, returned),
    its entries (household, village, township, announcement date), and counts per township."""
    entries = (announced_entries(households, year=year)
               .filter(step__procedure__in=[p for p, _label in YEARLY_LISTS])
               .select_related("household__village__parent", "step")
               .order_by("step__procedure", "household__village_id", "household__number"))
    lists = {procedure: [] for procedure, _label in YEARLY_LISTS}
    seen = set()
    for entry in entries:
        if (entry.step.procedure, entry.household_id) in seen:
            continue  # a household announced twice in one year by the same procedure counts once
        seen.add((entry.step.procedure, entry.household_id))
        lists[entry.step.procedure].append(entry)
    areas: dict[str, dict] = {}
    for procedure, rows in lists.items():
        for entry in rows:
            township = entry.household.village.parent
            key = township.code if township else entry.household.village_id
            area = areas.setdefault(key, {"code": key, "name": township.name if township else "",
                                          **{p: 0 for p, _l in YEARLY_LISTS}, **{f"{p}_people": 0 for p, _l in YEARLY_LISTS}})
            area[procedure] += 1
            area[f"{procedure}_people"] += entry.household.resident_population
    return {"lists": [(procedure, label, lists[procedure]) for procedure, label in YEARLY_LISTS],
            "areas": [areas[k] for k in sorted(areas)]}
