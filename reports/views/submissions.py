"""On-time monthly reporting (按时报送): an office's picture of a month, a unit's recent months,
submitting a month's report and reviewing it."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pairing.models import Unit
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.params import ID, int_param

from .. import selectors
from ..access import visible_submissions
from ..filters import MonthQuery
from ..forms import ReviewForm, SubmitForm, last_month, month_param
from ..models import MonthlySubmission
from ..periods import month_end
from ..services import submissions as submission_services  # `submissions` is a page here
from .common import reports_scope


@login_required
def submissions(request):
    scope = reports_scope(request)
    if scoping.is_unit_admin(scope):
        return _unit_months(request, scope)
    month = MonthQuery(request.GET).month_or(last_month())
    return render(request, "reports/submissions.html", {
        "month": month, **selectors.month_summary(scope=scope, month=month), "reviewer": scoping.is_office(scope),
        "scope": scope,
    })


def _unit_months(request, scope: scoping.Scope):
    unit = Unit.objects.get(pk=scope.unit_id)
    return render(request, "reports/unit_months.html", {"unit": unit, "rows": selectors.unit_months(unit=unit, latest=last_month()),
                                                        "today": timezone.localdate()})


def _unit_for_submit(request):
    scope = reports_scope(request)
    if not (scoping.is_unit_admin(scope) or scoping.sees_everything(scope)):
        raise PermissionDenied
    unit_id = scope.unit_id or int_param(request.GET, "unit", bounds=ID) or int_param(request.POST, "unit", bounds=ID)
    return get_object_or_404(Unit, pk=unit_id)


@login_required
def submit(request, month: str):
    unit = _unit_for_submit(request)
    first = month_param(month, None)
    if first is None:
        raise Http404
    existing = MonthlySubmission.objects.filter(unit=unit, month=first).first()
    form = SubmitForm(request.POST or None, initial={"summary": existing.summary if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_services.submit_monthly_report(unit=unit, month=first, summary=form.cleaned_data["summary"], by=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%(year)s年%(month)s月月报已报送。") % {"year": first.year, "month": first.month}
                             + (_("（已超过截止日期 %(due)s）") % {"due": submission.due.isoformat()} if submission.late else ""))
            return redirect("reports-submission", pk=submission.pk)
    return render(request, "reports/submit.html", {"form": form, "unit": unit, "month": first, "existing": existing,
                                                   "due": existing.due if existing else selectors.deadline(unit=unit, month=first),
                                                   "month_end": month_end(first)})


@login_required
def submission_detail(request, pk: int):
    scope = reports_scope(request)
    submission = get_object_or_404(visible_submissions(scope).select_related("unit", "submitted_by", "reviewed_by"), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not scoping.is_office(scope):
            raise PermissionDenied
        if form.is_valid():
            try:
                submission_services.review_submission(submission=submission, action=form.cleaned_data["action"],
                                                      by=request.user, comment=form.cleaned_data["comment"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已处理：%(submission)s。") % {"submission": submission})
                return redirect(reverse("reports-submissions") + f"?month={submission.period}")
    return render(request, "reports/submission.html", {
        "submission": submission, "events": submission.events.select_related("by"), "form": form,
        "reviewer": selectors.may_review(scope, submission.unit),
        "own": selectors.may_submit(scope, submission.unit),
        **selectors.submission_figures(submission),
    })
