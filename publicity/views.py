"""Pages of the publicity app.

Signed in: typical cases (submit, list, review), publication of evaluation rounds, lead units
and their meetings. Public, without sign-in (``/gongkai/``): published cases and their photos,
and the published evaluation results of a year. The public pages use their own frame
(``publicity/public_base.html``: no user, no form, no CSRF token), so one rendering serves every
visitor and can be cached: the results page answers with an ETag computed in one query and
keeps its body in the cache under that ETag.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.access import visible_evaluation_rounds
from assessments.models import Grade
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.keys import new_key
from shuanglian.params import ID, int_param

from .access import visible_cases, visible_publications
from .forms import CaseForm, LeadUnitForm, MeetingForm, ReviewForm
from .models import MEETINGS_PER_YEAR, CasePhoto, CaseStatus
from .selectors import (
    lead_units,
    published_cases,
    published_results,
    published_rounds,
    published_years,
    results_etag,
)
from .services import (
    may_publish,
    may_review,
    publish_round,
    record_lead_unit,
    record_meeting,
    review_case,
    submit_case,
    unpublish_round,
)

CASES_PER_PAGE = 30
PUBLIC_MAX_AGE = 300  # seconds a browser or a proxy may keep a public page without asking
YEARS = (2000, 2100)


def _scope(request):
    scope = scoping.scope_for(request.user)
    if scope.is_empty:
        raise PermissionDenied
    return scope


# --- typical cases (signed in) -------------------------------------------------------------------------------

@login_required
def cases(request):
    scope = _scope(request)
    qs = visible_cases(scope).select_related("area", "unit", "cadre").order_by("-submitted_at", "-pk")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, CASES_PER_PAGE).get_page(int_param(request.GET, "page", default=1, bounds=(1, 10**6)))
    return render(request, "publicity/cases.html", {
        "page": page, "status": status, "statuses": CaseStatus.choices,
        "may_submit": scoping.may_change(scope) and (scoping.is_office(scope) or scoping.is_unit_admin(scope)),
        "office": scoping.is_office(scope), "region": scoping.sees_region(scope),
    })


@login_required
def new_case(request):
    scope = _scope(request)
    if not (scoping.may_change(scope) and (scoping.is_office(scope) or scoping.is_unit_admin(scope))):
        raise PermissionDenied
    form = CaseForm(scope, request.POST or None, request.FILES or None, initial={"key": new_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _created = submit_case(by=request.user, category=data["category"], title=data["title"], text=data["text"],
                                         village=data["village"], unit=data["unit"], cadre=data["cadre"],
                                         photos=data["photos"], key=data["key"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("典型“%(title)s”已报送，等待双联办审核。") % {"title": case.title})
            return redirect("publicity-case", pk=case.pk)
    return render(request, "publicity/case_form.html", {"form": form})


@login_required
def case_detail(request, pk):
    scope = _scope(request)
    case = get_object_or_404(visible_cases(scope).select_related("area", "village", "unit", "cadre__unit", "submitted_by"),
                             pk=pk)
    reviewing = may_review(scope, case)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not reviewing:
            raise PermissionDenied
        if form.is_valid():
            try:
                review_case(case=case, by=request.user, publish=form.cleaned_data["action"] == "publish",
                            reason=form.cleaned_data["reason"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已发布。") if case.is_published else _("已退回。"))
                return redirect("publicity-case", pk=case.pk)
    return render(request, "publicity/case_detail.html", {
        "case": case, "photos": list(case.photos.order_by("pk").values_list("pk", flat=True)), "reviewing": reviewing,
        "form": form,
    })


def _photo_response(photo: CasePhoto, *, public: bool):
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=0)
    return response


@login_required
def case_photo(request, pk):
    scope = _scope(request)
    photo = get_object_or_404(CasePhoto.objects.filter(case__in=visible_cases(scope)), pk=pk)
    return _photo_response(photo, public=False)


# --- publication of evaluation results (signed in) ------------------------------------------------------------

@login_required
def rounds(request):
    """The office's closed rounds and whether their results are public; publish or unpublish."""
    scope = _scope(request)
    if not scoping.is_office(scope):
        raise PermissionDenied
    if request.method == "POST":
        rnd = get_object_or_404(visible_evaluation_rounds(scope).select_related("area"),
                                pk=int_param(request.POST, "round", bounds=ID) or 0)
        try:
            if request.POST.get("action") == "unpublish":
                unpublish_round(rnd=rnd, by=request.user)
                messages.success(request, _("%(round)s的结果已撤回公开。") % {"round": rnd})
            else:
                publish_round(rnd=rnd, by=request.user)
                messages.success(request, _("%(round)s的结果已公开。") % {"round": rnd})
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))  # the page again, with the reason
        else:
            return redirect("publicity-rounds")
    published = dict(visible_publications(scope).values_list("round_id", "published"))
    shown = [{"round": r, "published": published.get(r.pk, False), "may_publish": may_publish(scope, r)}
             for r in visible_evaluation_rounds(scope).select_related("area").order_by("-year", "area_id")[:200]]
    return render(request, "publicity/rounds.html", {"rows": shown})


# --- lead units (signed in) -----------------------------------------------------------------------------------

@login_required
def leads(request):
    scope = _scope(request)
    if not scoping.sees_region(scope):
        raise PermissionDenied
    year = int_param(request.GET, "year", default=timezone.localdate().year, bounds=YEARS)
    office = scoping.is_office(scope)
    lead_form = LeadUnitForm(scope, request.POST if request.POST.get("form") == "lead" else None, initial={"year": year})
    meeting_form = MeetingForm(scope, year, request.POST if request.POST.get("form") == "meeting" else None)
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        form = lead_form if request.POST.get("form") == "lead" else meeting_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is lead_form:
                    record_lead_unit(county=data["county"], year=data["year"], unit=data["unit"], by=request.user)
                else:
                    record_meeting(lead=data["lead"], on=data["on"], topic=data["topic"], attendees=data["attendees"],
                                   by=request.user)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(f"{request.path}?year={data['year'] if form is lead_form else year}")
    rows = list(lead_units(scope, year))
    return render(request, "publicity/leads.html", {
        "year": year, "rows": rows, "missing": [r for r in rows if r.meeting_count < MEETINGS_PER_YEAR],
        "office": office, "lead_form": lead_form, "meeting_form": meeting_form,
    })


# --- the public pages (no sign-in) -----------------------------------------------------------------------------

def _public(response):
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])  # the language comes from either
    return response


@require_GET
def public_index(request):
    page = Paginator(published_cases(), CASES_PER_PAGE).get_page(
        int_param(request.GET, "page", default=1, bounds=(1, 10**6)))
    return _public(render(request, "publicity/public_index.html", {"page": page, "years": published_years()}))


@require_GET
def public_case(request, pk):
    case = get_object_or_404(published_cases(), pk=pk)
    photos = list(case.photos.order_by("pk").values_list("pk", flat=True))
    return _public(render(request, "publicity/public_case.html", {"case": case, "photos": photos}))


@require_GET
def public_photo(request, pk):
    """A photo of a published case, and nothing else: the photos of other cases are not found."""
    photo = get_object_or_404(CasePhoto.objects.filter(case__status=CaseStatus.PUBLISHED), pk=pk)
    return _photo_response(photo, public=True)


@require_GET
def public_results(request, year):
    """A year's published evaluation results: per unit or cadre, satisfaction and grade. One
    query computes the ETag; a match is a 304, a known ETag is served from the cache, else one
    more query renders the page."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404
    rounds = published_rounds(year)
    if not rounds:
        raise Http404
    language = get_language() or ""
    etag = f'"{results_etag(year, rounds, language)}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return _public(_with_etag(HttpResponseNotModified(), etag))
    key = f"publicity:results:{etag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        names = {r["round_id"]: r["round__area__name"] for r in rounds}
        grades = dict(Grade.choices)
        groups: dict[int, dict] = {r["round_id"]: {"area": r["round__area__name"], "units": [], "cadres": []} for r in rounds}
        for row in published_results(list(names)):
            row["grade_label"] = grades.get(row["grade"], "")
            groups[row["round_id"]]["cadres" if row["cadre__name"] else "units"].append(row)
        body = render_to_string("publicity/public_results.html", {"year": year, "groups": list(groups.values())},
                                request=None)
        cache.set(key, body, 24 * 3600)
    return _public(_with_etag(HttpResponse(body), etag))


def _with_etag(response, etag):
    response["ETag"] = etag
    return response
