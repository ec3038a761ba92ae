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


def period_figures(*, start: date, end: date, prefix: str | None = None, unit_id: int | None = None) -> dict:
    """The reports' discipline figures for an area (by code prefix) or a unit over a period:
    complaints received, closed and substantiated, inspections, findings and those signed off,
    and accountability by kind. A unit's inspections are those naming it (its complaints are never
    counted for it); its accountability records are its own and its cadres'."""
    if unit_id is None:
        complaints = Complaint.objects.filter(area__code__startswith=prefix)
        inspections = Inspection.objects.filter(area__code__startswith=prefix)
        records = Accountability.objects.filter(Q(unit__area__code__startswith=prefix)
                                                | Q(cadre__unit__area__code__startswith=prefix))
    else:
        # A unit never learns of complaints against it (discipline/access.py): its reports leave
        # them out, so that the figures cannot point at a complainant.
        complaints = Complaint.objects.none()
        inspections = Inspection.objects.filter(unit_id=unit_id)
        records = Accountability.objects.filter(Q(unit_id=unit_id) | Q(cadre__unit_id=unit_id))
    received = complaints.filter(created_at__date__gte=start, created_at__date__lte=end).count()
    closed = complaints.filter(closed_at__date__gte=start, closed_at__date__lte=end).aggregate(
        closed=Count("id"), substantiated=Count("id", filter=Q(finding=Complaint.Finding.SUBSTANTIATED)))
    inspections = inspections.filter(on__gte=start, on__lte=end)
    findings = Finding.objects.filter(inspection__in=inspections.values("pk")).aggregate(
        found=Count("id"), rectified=Count("id", filter=Q(closed_on__isnull=False, closed_on__lte=end)))
    kinds = dict(records.filter(on__gte=start, on__lte=end).values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "complaints_received": received, "complaints_closed": closed["closed"],
        "complaints_substantiated": closed["substantiated"], "inspections": inspections.count(),
        "findings": findings["found"], "findings_rectified": findings["rectified"],
        **{f"accountability_{kind}": kinds.get(kind, 0) for kind in Accountability.Kind.values},
    }
