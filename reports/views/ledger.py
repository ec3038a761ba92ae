"""The illustrated ledger (扶贫台帐) download of an area or a unit, for a year."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.access import visible_incomes
from shuanglian import scoping
from shuanglian.helpers import spooled_download

from .. import selectors
from ..forms import LedgerForm
from ..ledger import count_households, write_ledger
from .common import reports_scope


@login_required
def ledger(request):
    scope = reports_scope(request)
    latest = visible_incomes(scope).aggregate(year=Max("year"))["year"]
    # The latest year with incomes recorded, in the user's own area.
    initial = {"year": latest or timezone.localdate().year, **selectors.area_initial(scope)}
    form = LedgerForm(request.GET or None, scope=scope, initial=initial)
    if request.GET and form.is_valid():
        area = form.cleaned_data.get("area")
        year = form.cleaned_data["year"]
        limit = getattr(settings, "LEDGER_WEB_MAX_HOUSEHOLDS", 50000)
        households = count_households(scope=scope, area_code=area.code if area else None)
        if households > limit:
            form.add_error("area", ngettext(
                "该范围有 %(n)s 户，超过网页导出上限 %(limit)s 户：请选择下一级区划，或请系统管理员用 export_ledger 命令导出。",
                "该范围有 %(n)s 户，超过网页导出上限 %(limit)s 户：请选择下一级区划，或请系统管理员用 export_ledger 命令导出。",
                households) % {"n": households, "limit": limit})
        else:
            name = area.name if area else _("本单位")
            return spooled_download(lambda out: write_ledger(out, scope=scope, year=year, area_code=area.code if area else None),
                                    filename=_("%(name)s%(year)s年扶贫台帐.xlsx") % {"name": name, "year": year})
    return render(request, "reports/ledger.html", {"form": form, "scope": scope, "unit_admin": scoping.is_unit_admin(scope)})
