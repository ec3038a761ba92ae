"""The dashboard page: an area the user may see, a year, and the figures from ``dashboard``."""
from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from households.access import visible_areas
from households.models import Household
from shuanglian import scoping
from visits.models import Task

from .dashboard import dashboard, default_area_code
from .figures import FIGURES
from .filters import DashboardQuery


@login_required
def dashboard_page(request):
    scope = scoping.scope_for(request.user)
    if not scoping.sees_region(scope):
        raise PermissionDenied  # the dashboard reads an area; units and cadres have their own pages
    query = DashboardQuery(request.GET)
    code = query.value("area") or default_area_code(scoping.own_area_code(scope))
    area = visible_areas(scope).filter(code=code).first() if code else None
    if area is None:
        raise Http404
    today = timezone.localdate()
    year = query.value("year") or today.year  # not a year at all: the menu never sends it, show this year
    year = year if 2000 <= year <= today.year else today.year
    figures = dashboard(area=area, year=year, today=today)
    # The figures are shared by every reader of the area; which ancestors this reader may open
    # is theirs (an office of a county sees its city and province named, not linked).
    openable = set(visible_areas(scope).filter(code__in=[c["code"] for c in figures["breadcrumbs"]])
                   .values_list("code", flat=True))
    breadcrumbs = [{**c, "openable": c["code"] in openable} for c in figures["breadcrumbs"]]
    # The ranking chart draws the child areas that have cadres to count; the others have no
    # rate, and a bar of nothing would read as nobody on pace (the table still lists them).
    charted = [{"code": c["code"], "name": c["name"], "compliance_rate": c["compliance_rate"]}
               for c in figures.get("children", []) if c["compliance_rate"] != ""]
    statuses = dict(Household.Status.choices)  # the cached figures hold codes; labels follow the reader
    households = [{**h, "status_label": statuses.get(h["status"], h["status"])} for h in figures.get("households", [])]
    years = list(range(today.year, max(2000, today.year - 6), -1))
    return render(request, "reports/dashboard.html", {
        "figures": figures, "households": households, "computed_at": datetime.fromisoformat(figures["computed_at"]), "area": area, "year": year, "years": years, "labels": {k: f.label for k, f in FIGURES.items()},
        "kept_until": datetime.fromisoformat(figures["kept_until"]), "breadcrumbs": breadcrumbs, "charted": charted,
        # 吃住在村 and the six tasks (docs/domain.md §6), labelled in the reader's language.
        "task_counts": [(label, figures["summary"].get(f"task_{value}", 0)) for value, label in Task.choices],
    })
