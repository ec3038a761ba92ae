"""Reads of discipline: the office page's lists, overdue rectifications (the weekly reminder
reads them too) and the year's figures for the annual report."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from .models import Accountability, Complaint, Finding, Inspection


def overdue_rectifications(findings: QuerySet[Finding] | None = None, *, today: date) -> QuerySet[Finding]:
    """Findings past their deadline and not signed off, oldest deadline first."""
    findings = Finding.objects.all() if findings is None else findings
    return (findings.filter(closed_on__isnull=True, deadline__lt=today)
            .select_related("inspection__unit", "inspection__village").order_by("deadline", "id"))


def overdue_by_area(*, today: date) -> dict[str, list[Finding]]:
    """Every overdue rectification of the province by the area of its inspection (one query)."""
    out: dict[str, list[Finding]] = {}
    for finding in overdue_rectifications(today=today):
        out.setdefault(finding.inspection.area_id, []).append(finding)
    return out


def year_figures(*, prefix: str, year: int) -> dict:
    """The annual report's discipline figures for an area (by code prefix): complaints received
    and closed, substantiated, inspections, findings and those rectified, and accountability by kind."""
    complaints = Complaint.objects.filter(area__code__startswith=prefix, created_at__year=year).aggregate(
        received=Count("id"), closed=Count("id", filter=Q(status=Complaint.Status.CLOSED)),
        substantiated=Count("id", filter=Q(finding=Complaint.Finding.SUBSTANTIATED)))
    inspections = Inspection.objects.filter(area__code__startswith=prefix, year=year).count()
    findings = Finding.objects.filter(inspection__area__code__startswith=prefix, inspection__year=year).aggregate(
        found=Count("id"), rectified=Count("id", filter=Q(closed_on__isnull=False)))
    kinds = dict(Accountability.objects.filter(Q(unit__area__code__startswith=prefix) | Q(cadre__unit__area__code__startswith=prefix),
                                               on__year=year).values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "complaints_received": complaints["received"], "complaints_closed": complaints["closed"],
        "complaints_substantiated": complaints["substantiated"], "inspections": inspections,
        "findings": findings["found"], "findings_rectified": findings["rectified"],
        **{f"accountability_{kind}": kinds.get(kind, 0) for kind in Accountability.Kind.values},
    }
