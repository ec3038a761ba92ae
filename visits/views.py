"""Pages of the visits app: the office's due list (who is behind now)."""
from __future__ import annotations

import tempfile
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from shuanglian import scoping

from .selectors import due_list

DUE_HEADERS = ["身份证号", "姓名", "单位", "走访次数", "应走访次数（至今）", "差次数", "累计天数", "应累计天数（至今）", "差天数"]


def _due_rows(request):
    scope = scoping.scope_for(request.user)
    if scope.is_empty or scope.cadre_id:
        raise PermissionDenied
    cadres = scoping.visible_cadres(scope)
    unit = request.GET.get("unit", "").strip()
    if unit:
        cadres = cadres.filter(unit__code=unit)
    area = request.GET.get("area", "").strip()
    if area and not scoping.visible_areas(scope).filter(code=area).exists():
        area = ""
    if not area and scope.area_prefix:
        area = scope.area_prefix.ljust(12, "0")  # compute for the office's own area only
    try:
        on = date.fromisoformat(request.GET["on"]) if request.GET.get("on") else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    on = min(on, timezone.localdate())
    return due_list(cadres=cadres, on=on, area=area or None), {"unit": unit, "area": area, "on": on}


@login_required
def due(request):
    rows, filters = _due_rows(request)
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, rows, filters["on"])
    scope = scoping.scope_for(request.user)
    areas = scoping.visible_areas(scope).filter(level__in=["county", "township"]).order_by("code")[:300]
    units = scoping.visible_units(scope).order_by("code")[:500]
    return render(request, "visits/due.html", {"rows": rows, "filters": filters, "areas": areas, "units": units})


def _xlsx(request, rows, on):
    from openpyxl import Workbook

    scope = scoping.scope_for(request.user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("滞后名单")
    sheet.append(DUE_HEADERS)
    for r in rows:
        sheet.append([scoping.shown_id_number(scope, r.cadre.id_number), r.cadre.name, r.cadre.unit.name,
                      r.progress.visits, r.progress.required_visits, r.visits_behind,
                      r.progress.days, r.progress.required_days, r.days_behind])
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"走访滞后名单-{on:%Y%m%d}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


