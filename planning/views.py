"""Pages of plans: the cadre's phone page of a household's plan, and the office's gaps page."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from households.access import visible_households
from households.models import HouseholdPlan
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form

from .access import may_keep_plan, visible_development_plans
from .forms import MEASURES_PREFIX, MeasureFormSet, PlanForm, measure_rows
from .selectors import gaps_by_township, latest_deadline, missing_plans, overdue_plans
from .services import save_plan

LIST_LIMIT = 500


@login_required
def household_plan(request, number: str):
    """This year's plan of one household, kept current on a phone by its paired cadre."""
    scope, today = scoping.scope_for(request.user), timezone.localdate()
    household = get_object_or_404(visible_households(scope).select_related("village__parent"), number=number)
    if not may_keep_plan(scope, household, today):
        raise PermissionDenied
    year = today.year
    plan = HouseholdPlan.objects.filter(household=household, year=year).first()
    current = plan or HouseholdPlan.objects.filter(household=household, year__lt=year).order_by("-year").first()
    initial = {}
    rows = []
    if current is not None:
        initial = {"target_income": current.target_income, "exit_deadline": max(current.exit_deadline, year),
                   "summary": current.measures}
        rows = [{"kind": m.kind, "item": m.item, "description": m.description, "status": m.status,
                 "planned": m.planned, "spent": m.spent} for m in current.measure_rows.all()]
    else:
        initial = {"exit_deadline": year}
    form = PlanForm(request.POST or None, initial=initial)
    formset = MeasureFormSet(request.POST or None, initial=rows, prefix=MEASURES_PREFIX)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            save_plan(by=request.user, household=household, year=year, target_income=data["target_income"],
                      exit_deadline=data["exit_deadline"], summary=data["summary"], measures=measure_rows(formset),
                      key=data["key"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("脱贫计划已保存。"))
            return redirect("planning-household-plan", number=household.number)
    return render(request, "planning/plan.html", {"household": household, "form": form, "formset": formset,
                                                  "year": year, "plan": plan})


@login_required
def gaps(request):
    """Offices: households still poor without a plan of the year, and plans past their exit deadline."""
    scope = scoping.scope_for(request.user)
    if not scoping.sees_region(scope):
        raise PermissionDenied
    year = timezone.localdate().year
    households = visible_households(scope)
    fields = ("number", "head_name", "village__name", "village__parent__name")
    missing = missing_plans(households, year).order_by("number").values(*fields)[:LIST_LIMIT]
    overdue = (overdue_plans(households, year).annotate(deadline=latest_deadline(year)).order_by("number")
               .values(*fields, "deadline")[:LIST_LIMIT])
    return render(request, "planning/gaps.html", {
        "year": year, "townships": gaps_by_township(households, year), "missing": missing, "overdue": overdue,
        "limit": LIST_LIMIT})


@login_required
def posting_sheet(request, pk: int):
    """The commitments of a village or unit plan on one A4 sheet, for public posting (张榜公布)."""
    plan = get_object_or_404(visible_development_plans(request.user).select_related("village__parent", "unit"), pk=pk)
    commitments = plan.commitments.prefetch_related("progress")
    return render(request, "planning/posting.html", {"plan": plan, "commitments": commitments,
                                                     "today": timezone.localdate()})
