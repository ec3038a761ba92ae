"""The signed-in landing page and the household card, both scoped to the user: the pairing app
serves them because both show who is paired with whom."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from households.access import visible_areas, visible_households
from households.filters import HouseholdSearch
from shuanglian import scoping

from .access import visible_cadres
from .models import HouseholdPairing
from .selectors import coverage_summary, in_force


@login_required
def home(request):
    scope = scoping.scope_for(request.user)
    if scoping.is_cadre(scope):
        return redirect("visits-workspace")  # a cadre starts from their own progress
    if scoping.is_leader(scope):
        return redirect("dashboard")  # a leader reads the area; the household list offers nothing to do
    today = timezone.localdate()
    households = visible_households(scope).select_related("village").prefetch_related(
        Prefetch("pairings", queryset=HouseholdPairing.objects.filter(in_force(today)).select_related("cadre"), to_attr="current")
    )
    search = HouseholdSearch(request.GET, queryset=households)
    query, households = search.text, search.qs
    page = Paginator(households.order_by("number"), 50).get_page(request.GET.get("page"))
    summary = None
    if not (scope.is_empty or scoping.is_cadre(scope)):
        summary = coverage_summary(
            on=today, areas=visible_areas(scope), households=visible_households(scope),
            cadres=visible_cadres(scope),
        )
    return render(request, "pairing/home.html", {"page": page, "summary": summary, "query": query, "scope": scope, "today": today})


@login_required
def household_detail(request, number: str):
    scope = scoping.scope_for(request.user)
    household = get_object_or_404(visible_households(scope).select_related("village__parent"), number=number)
    return render(request, "pairing/household.html", {
        "household": household,
        "members": household.members.all(),
        "incomes": household.incomes.order_by("-year"),
        "pairings": household.pairings.select_related("cadre__unit", "successor__cadre").order_by("start"),
        "scope": scope,
    })
