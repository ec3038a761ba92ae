"""Who sees which discipline records (docs/domain.md §13).

Complaints and inspections are the business of the roles over an area (offices, inspection
groups, leaders reading); a unit or a cadre never sees the complaints against it. Accountability
records are seen where their unit or cadre is seen. The complainant's name and contact are shown
only to the handling office: an office or inspection group governing the complaint's area."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from shuanglian import scoping
from shuanglian.scoping import narrow

from .models import Accountability, Complaint, ComplaintNote, Finding, Inspection


def visible_complaints(user_or_scope) -> QuerySet[Complaint]:
    return narrow(Complaint.objects.all(), user_or_scope, area=lambda prefix: Q(area__code__startswith=prefix))


def visible_complaint_notes(user_or_scope) -> QuerySet[ComplaintNote]:
    """Investigation notes: only the handling offices (never a leader, a unit or the filer)."""
    if not scoping.may_inspect(user_or_scope):
        return ComplaintNote.objects.none()
    return narrow(ComplaintNote.objects.all(), user_or_scope, area=lambda prefix: Q(complaint__area__code__startswith=prefix))


def visible_inspections(user_or_scope) -> QuerySet[Inspection]:
    return narrow(Inspection.objects.all(), user_or_scope, area=lambda prefix: Q(area__code__startswith=prefix))


def visible_findings(user_or_scope) -> QuerySet[Finding]:
    return narrow(Finding.objects.all(), user_or_scope, area=lambda prefix: Q(inspection__area__code__startswith=prefix))


def visible_accountability(user_or_scope) -> QuerySet[Accountability]:
    return narrow(
        Accountability.objects.all(), user_or_scope,
        area=lambda prefix: Q(unit__area__code__startswith=prefix) | Q(cadre__unit__area__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit) | Q(cadre__unit_id=unit),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


# --- decisions on a role --------------------------------------------------------------------------------

def opens_discipline(user_or_scope) -> bool:
    """The discipline page: the roles over an area (offices, inspection groups, leaders)."""
    return scoping.sees_region(user_or_scope)


def handles_area(user_or_scope, code: str) -> bool:
    """The inspection group or office over ``code``: it handles complaints and records inspections there."""
    return scoping.may_inspect(user_or_scope) and scoping.governs_area(user_or_scope, code)


def handles(user_or_scope, complaint: Complaint) -> bool:
    return handles_area(user_or_scope, complaint.area_id)


def signs_off(user_or_scope, code: str) -> bool:
    """Rectifications are signed off, and accountability issued, by the office over the area."""
    return scoping.is_office(user_or_scope) and scoping.governs_area(user_or_scope, code)


def shown_complainant(user_or_scope, complaint: Complaint, value: str) -> str:
    """The filer's name or contact: to the handling office as given, masked to everyone else."""
    if not value or handles(user_or_scope, complaint):
        return value
    return "***"
