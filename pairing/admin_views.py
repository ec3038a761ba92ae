"""Admin pages beyond the model lists: coverage gaps with hand-over, and the roster workbook
upload and download. Thin: parse the request, call one service or selector, render."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from households.access import visible_areas, visible_households
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.helpers import spooled_download
from shuanglian.models import RosterImport
from shuanglian.roster import jobs
from shuanglian.roster.engine import export_workbook

from . import selectors
from .access import visible_cadres, visible_household_pairings, visible_village_pairings
from .models import CATEGORIES_WITHOUT_HOUSEHOLDS, Cadre
from .services import pairings


def _context(request, title: str, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def _require(request, *, change: bool = False) -> scoping.Scope:
    scope = scoping.scope_for(request.user)
    if scope.is_empty or (change and not scoping.may_change(scope)):
        raise PermissionDenied
    return scope


def coverage(request):
    scope = _require(request)
    today = timezone.localdate()
    areas, households, cadres = visible_areas(scope), visible_households(scope), visible_cadres(scope)
    limit = 200
    teams = selectors.teams_needing_attention(on=today, within=visible_village_pairings(scope))
    team_rows = list(teams[:limit])
    for row in team_rows:
        row.gap_label = selectors.TeamGap(row.gap).label
    return render(request, "admin/pairing/coverage.html", _context(
        request, "全覆盖缺口",
        today=today,
        summary=selectors.coverage_summary(on=today, areas=areas, households=households, cadres=cadres),
        villages=selectors.poor_villages_without_unit(on=today, within=areas)[:limit],
        households=selectors.households_without_cadre(on=today, within=households).order_by("number")[:limit],
        cadres=selectors.cadres_below_quota(on=today, within=cadres)[:limit],
        outside=selectors.pairings_outside_unit_villages(on=today, within=visible_household_pairings(scope))
        .order_by("cadre__unit__code", "household__number")[:limit],
        teams=team_rows, teams_count=teams.count(),
        without_resident_team=selectors.poor_villages_without_resident_team(on=today, within=areas).order_by("code")[:limit],
        without_first_secretary=selectors.poor_villages_without_first_secretary(on=today, within=areas).order_by("code")[:limit],
        limit=limit, can_change=scoping.may_change(scope),
    ))


class HandOverForm(forms.Form):
    successor = forms.ModelChoiceField(label="接替干部", queryset=Cadre.objects.none())
    on = forms.DateField(label="交接日期（接替干部开始联系之日）", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="交接原因", max_length=100)

    def __init__(self, *args, scope, exclude_cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            visible_cadres(scope).exclude(category__in=CATEGORIES_WITHOUT_HOUSEHOLDS)
            .exclude(pk=exclude_cadre).select_related("unit").order_by("unit__code", "name")
        )


def hand_over(request, pk: int):
    scope = _require(request, change=True)
    pairing = get_object_or_404(visible_household_pairings(scope).select_related("cadre", "household"), pk=pk)
    form = HandOverForm(request.POST or None, scope=scope, exclude_cadre=pairing.cadre_id,
                        initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            pairings.hand_over_household(pairing=pairing, successor=form.cleaned_data["successor"],
                                         on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"农户{pairing.household.number}已交接给{form.cleaned_data['successor'].name}。")
            return redirect(reverse("admin:pairing_householdpairing_changelist") + f"?q={pairing.household.number}")
    return render(request, "admin/pairing/form.html", _context(
        request, f"交接：{pairing.household} — 原联户干部 {pairing.cadre.name}", form=form,
        note="原结对在交接日期前一天结束，并记录接替结对，农户的帮扶历史不断线。",
    ))


class AssignForm(forms.Form):
    cadre = forms.ModelChoiceField(label="联户干部", queryset=Cadre.objects.none())
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = (
            visible_cadres(scope).exclude(category__in=CATEGORIES_WITHOUT_HOUSEHOLDS)
            .select_related("unit").order_by("unit__code", "name")
        )


def assign_cadre(request, number: str):
    scope = _require(request, change=True)
    household = get_object_or_404(visible_households(scope), number=number)
    form = AssignForm(request.POST or None, scope=scope, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            pairings.pair_household(cadre=form.cleaned_data["cadre"], household=household, start=form.cleaned_data["start"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已为农户{household.number}安排联户干部{form.cleaned_data['cadre'].name}。")
            return redirect("admin:pairing-coverage")
    return render(request, "admin/pairing/form.html", _context(request, f"安排联户干部：{household}", form=form))


class RosterUploadForm(forms.Form):
    workbook = forms.FileField(label="花名册工作簿（.xlsx）")

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > settings.ROSTER_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大（上限 {settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)} MB），请拆分后再导入。")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的。")
        return upload


def _require_office(request) -> scoping.Scope:
    scope = _require(request, change=True)
    if not scoping.is_office(scope):
        raise PermissionDenied  # rosters are kept by the offices
    return scope


def roster_upload(request):
    """Upload the whole roster workbook: stored and imported by a task (the same validation as
    `import_roster`, all or nothing, with the uploader's scope); the status page follows it."""
    _require_office(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.start_import(upload=form.cleaned_data["workbook"], user=request.user)
        return redirect("admin:roster-import", pk=job.pk)
    return render(request, "admin/pairing/roster_upload.html", _context(
        request, "导入花名册", form=form, recent=RosterImport.objects.filter(user=request.user)[:10],
    ))


PROBLEMS_PER_PAGE = 200


def roster_import(request, pk: int):
    """An import's progress (the page refreshes itself until it ends), then its counts, or its
    problems a page at a time with all of them as a workbook. Only the uploader sees it."""
    _require_office(request)
    job = get_object_or_404(RosterImport, pk=pk, user=request.user)
    problems = Paginator(job.problems.all(), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "admin/pairing/roster_import.html", _context(
        request, gettext("导入花名册：%(name)s") % {"name": job.filename}, job=job, problems=problems,
    ))


def roster_import_problems(request, pk: int):
    """Every problem of an import as a workbook: 工作表, 行, 问题."""
    _require_office(request)
    job = get_object_or_404(RosterImport, pk=pk, user=request.user)
    return spooled_download(lambda out: jobs.write_problems(job, out), filename=f"花名册问题-{job.pk}.xlsx")


def roster_download(request):
    """The roster of the user's scope (optionally one area) as a workbook, IDs masked as the role requires."""
    scope = _require(request)
    area = request.GET.get("area") or None
    if area and not visible_areas(scope).filter(code=area).exists():
        raise Http404("该区划不存在或不在您的管辖范围内。")
    name = f"花名册-{area or '全部'}-{timezone.localdate():%Y%m%d}.xlsx"
    return spooled_download(lambda out: export_workbook(out, scope=scope, area_code=area), filename=name)

