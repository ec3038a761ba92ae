"""The cadre's pages of exit: their households' checklists and the phone form of one checklist."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from households.access import visible_households
from households.models import Household
from pairing.models import HouseholdPairing
from pairing.selectors import in_force
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.params import int_param

from .checklists import exit_proposal_errors, income_test
from .exit_forms import ChecklistForm
from .models import ExitChecklist
from .services.checklists import may_record_checklist, record_checklist


def _year(request) -> int:
    """The checklist's year: this year, or the last (a year's exits are reviewed into January)."""
    today = timezone.localdate()
    year = int_param(request.GET, "year", default=today.year, bounds=(today.year - 1, today.year))
    return year


@login_required
def my_checklists(request):
    """A cadre's households in force today, each with whether its checklist of the year is recorded."""
    scope = scoping.scope_for(request.user)
    if not scoping.is_cadre(scope):
        raise PermissionDenied
    today, year = timezone.localdate(), _year(request)
    paired = HouseholdPairing.objects.filter(in_force(today), cadre_id=scope.cadre_id).values("household_id")
    households = Household.objects.filter(pk__in=paired).select_related("village").order_by("number")
    recorded = set(ExitChecklist.objects.filter(household__in=paired, year=year).values_list("household_id", flat=True))
    return render(request, "identification/my_checklists.html", {
        "rows": [(h, h.pk in recorded) for h in households], "year": year})


@login_required
def checklist(request, number: str):
    """The phone form of one household's checklist, the year's income against the line, and
    whether the household may be proposed for exit."""
    household = get_object_or_404(visible_households(request.user).select_related("village__parent"), number=number)
    if not may_record_checklist(request.user, household):
        raise PermissionDenied
    year = _year(request)
    stored = ExitChecklist.objects.filter(household=household, year=year).prefetch_related("items").first()
    initial = {}
    if stored:
        for item in stored.items.all():
            initial[item.item] = "yes" if item.holds else "no"
            initial[f"{item.item}_note"] = item.note
    form = ChecklistForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_checklist(request.user, household, year, form.items(), idempotency_key=form.cleaned_data["key"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("核查表已保存。"))
            return redirect(reverse("exit-checklist", args=[household.number]) + f"?year={year}")
    photos = {item.item for item in stored.items.all() if item.photo} if stored else set()
    return render(request, "identification/checklist.html", {
        "household": household, "year": year, "form": form, "stored": stored, "photos": photos,
        "income": income_test(household, year),
        "errors": exit_proposal_errors(household, year) if stored else None,
        "cadre": scoping.is_cadre(request.user),
    })
