"""Pages of the visits app: the cadre's phone workspace and the office's due list."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from households.access import visible_area_code, visible_areas
from households.models import Household
from pairing.access import own_cadre, visible_cadres, visible_postings, visible_units
from pairing.models import Cadre, HouseholdPairing
from pairing.selectors import in_force
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.helpers import spooled_download
from shuanglian.roster.engine import export_cell

from .access import visible_visits
from .forms import DeedForm, DemandForm, DueFilters, VisitForm
from .models import Demand, Visit, VisitPhoto
from .selectors import cadre_progress, office_due_list, resident_due_list, saved_visit_keys
from .services.deeds import record_deed
from .services.demands import record_demand
from .services.trips import log_visit, update_visit

DUE_HEADERS = [_("身份证号"), _("姓名"), _("单位"), _("走访次数"), _("应走访次数（至今）"), _("差次数"), _("累计天数"),
               _("应累计天数（至今）"), _("差天数")]


def _due_rows(request):
    scope = scoping.scope_for(request.user)
    if scope.is_empty or scoping.is_cadre(scope):
        raise PermissionDenied
    cadres = visible_cadres(scope)
    query = DueFilters(request.GET, queryset=cadres)
    cadres, given = query.qs, query.form.cleaned_data  # a value that does not parse is left out
    rows, filters = office_due_list(cadres=cadres, own_area=scoping.own_area_code(scope),
                                    area=visible_area_code(scope, given.get("area")), on=given.get("on"))
    # The residents behind pace (docs/domain.md §11), for the same area, date and unit: the
    # postings the office sees, those to its villages included whatever unit sent the cadre.
    postings = visible_postings(scope)
    if given.get("unit"):
        postings = postings.filter(cadre__unit__code=given["unit"])
    residents = resident_due_list(postings=postings, on=filters["on"], area=filters["area"] or None)
    return rows, {"unit": given.get("unit") or "", **filters}, residents


@login_required
def due(request):
    rows, filters, residents = _due_rows(request)
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, rows, filters["on"], residents)
    scope = scoping.scope_for(request.user)
    areas = visible_areas(scope).filter(level__in=["county", "township"]).order_by("code")[:300]
    units = visible_units(scope).order_by("code")[:500]
    return render(request, "visits/due.html", {"rows": rows, "filters": filters, "areas": areas, "units": units,
                                               "residents": residents})


def _xlsx(request, rows, on, residents=()):
    from openpyxl import Workbook

    scope = scoping.scope_for(request.user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("滞后名单"))
    sheet.append([str(header) for header in DUE_HEADERS])
    for r in rows:
        sheet.append([export_cell(sheet, v) for v in (
            scoping.shown_id_number(scope, r.cadre.id_number), r.cadre.name, r.cadre.unit.name,
            r.progress.visits, r.progress.required_visits, r.visits_behind,
            r.progress.days, r.progress.required_days, r.days_behind)])
    _resident_sheet(workbook, scope, residents)
    filename = gettext("走访滞后名单-%(date)s.xlsx") % {"date": f"{on:%Y%m%d}"}
    return spooled_download(workbook.save, filename=filename)




RESIDENT_DUE_HEADERS = [_("身份证号"), _("姓名"), _("村"), _("在村天数"), _("应在村天数（至今）"), _("差天数")]


def _resident_sheet(workbook, scope, residents) -> None:
    """The residents behind pace, a sheet of their own: days in the village, not visits."""
    sheet = workbook.create_sheet(gettext("驻村滞后名单"))
    sheet.append([str(header) for header in RESIDENT_DUE_HEADERS])
    for r in residents:
        cadre = r.posting.cadre
        sheet.append([export_cell(sheet, v) for v in (
            scoping.shown_id_number(scope, cadre.id_number), cadre.name, r.posting.village.name,
            r.progress.days, r.progress.required_days, r.days_behind)])


def _own_cadre(request) -> Cadre:
    cadre = own_cadre(request.user)  # read with the scope: no second query
    if cadre is None:
        raise PermissionDenied
    return cadre


def _current_households(cadre: Cadre, on: date):
    paired = HouseholdPairing.objects.filter(in_force(on), cadre=cadre).values("household_id")
    return Household.objects.filter(pk__in=paired).select_related("village").order_by("number")


@login_required
def workspace(request):
    """The cadre's start page: progress this year and the households to visit."""
    cadre, today = _own_cadre(request), timezone.localdate()
    return render(request, "visits/workspace.html", {
        "cadre": cadre, "progress": cadre_progress(cadre_id=cadre.pk, on=today),
        "households": _current_households(cadre, today), "today": today,
    })


def _window_households(cadre: Cadre):
    """The households a cadre may choose for a trip: those paired at any time (the service
    checks the trip's dates against the pairings)."""
    paired = HouseholdPairing.objects.filter(cadre=cadre).values("household_id")
    return Household.objects.filter(pk__in=paired).order_by("number")


@login_required
def log(request):
    cadre, today = _own_cadre(request), timezone.localdate()
    # A posted form names its households by id, and ``log_visit`` looks them up among the
    # cadre's with the trip's other facts: the choices are read only for a page to show.
    posted = request.method == "POST"
    form = VisitForm(request.POST or None, request.FILES or None, by_id=True,
                     households=None if posted else _window_households(cadre))
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            log_visit(cadre=cadre, household_ids=data["households"], start=data["start"], end=data["end"],
                      key=data["key"], by=request.user, own_entry=True, stayed=data["stayed"], tasks=data["tasks"],
                      help_given=data["help_given"], notes=data["notes"], photos=data["photos"],
                      location=data["location"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("走访已登记。"))
            return redirect("visits-workspace")
    if posted:
        form.fields["households"].queryset = _window_households(cadre)
    return render(request, "visits/log.html", {"form": form, "cadre": cadre, "today": today,
                                               "saved_keys": saved_visit_keys(cadre_id=cadre.pk)})


@login_required
def edit(request, pk):
    """A cadre corrects one of their own trips (within the back-dating window)."""
    cadre = _own_cadre(request)
    visit = get_object_or_404(Visit.objects.filter(cadre=cadre), pk=pk)
    initial = {"households": list(visit.households.all()), "start": visit.start, "end": visit.end, "stayed": visit.stayed,
               "tasks": visit.tasks, "help_given": visit.help_given, "notes": visit.notes}
    form = VisitForm(request.POST or None, households=_window_households(cadre), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_visit(visit=visit, households=list(data["households"]), start=data["start"], end=data["end"],
                         stayed=data["stayed"], tasks=data["tasks"], help_given=data["help_given"], notes=data["notes"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("走访记录已修改。"))
            return redirect("visits-history")
    return render(request, "visits/log.html", {"form": form, "cadre": cadre, "editing": visit})


@login_required
def history(request):
    cadre = _own_cadre(request)
    visits = Visit.objects.filter(cadre=cadre).prefetch_related("households").order_by("-start", "-pk")[:200]
    return render(request, "visits/history.html", {"visits": visits, "cadre": cadre})


def _form_page(request, form_class, save, template_title: str, done: str, outbox: dict | None = None):
    cadre, today = _own_cadre(request), timezone.localdate()
    form = form_class(request.POST or None, households=_current_households(cadre, today))
    if request.method == "POST" and form.is_valid():
        try:
            save(cadre, form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("visits-workspace")
    # ``outbox``: the API resource the phone's outbox sends this form to (static/js/outbox.js).
    return render(request, "visits/simple_form.html", {"form": form, "title": template_title,
                                                       "outbox": outbox})


@login_required
def new_demand(request):
    return _form_page(request, DemandForm, lambda cadre, d: record_demand(
        cadre=cadre, household=d["household"], category=d["category"], text=d["text"], key=d["key"], by=request.user),
        gettext("记录民情诉求"), gettext("诉求已记录。"), {"api": reverse("demand-list"), "label": gettext("民情诉求")})


@login_required
def new_deed(request):
    return _form_page(request, DeedForm, lambda cadre, d: record_deed(
        cadre=cadre, household=d["household"], on=d["on"], category=d["category"], description=d["description"],
        money=d["money"] or 0, people_helped=d["people_helped"] or 0, key=d["key"], by=request.user),
        gettext("登记帮办实事"), gettext("实事已登记。"), {"api": reverse("deed-list"), "label": gettext("帮办实事")})


@login_required
def my_demands(request):
    cadre = _own_cadre(request)
    demands = Demand.objects.filter(cadre=cadre).select_related("household").prefetch_related("follow_ups").order_by("-created_at")[:200]
    return render(request, "visits/demands.html", {"demands": demands})


@login_required
def photo(request, pk: int):
    """A visit's photo, to a reader who sees the visit (the diary, 民情日记); photos are never
    served from a public media address."""
    shown = get_object_or_404(VisitPhoto.objects.filter(visit__in=visible_visits(request.user)), pk=pk)
    response = FileResponse(shown.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
