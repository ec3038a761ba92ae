"""The reports pages: the list, requesting a report, its progress, download and print page."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuanglian.errors import DomainError, add_to_form
from shuanglian.helpers import XLSX

from .. import selectors
from ..access import visible_reports
from ..filters import ReportFilter
from ..forms import ReportRequestForm, last_month
from ..models import Notice, Report
from ..services import runs
from .common import reports_scope


@login_required
def index(request):
    scope = reports_scope(request)
    filters = ReportFilter(request.GET or None, queryset=visible_reports(scope).select_related("area", "unit", "requested_by"))
    reports = filters.qs
    page = Paginator(reports.order_by("-requested_at", "-pk"), 30).get_page(request.GET.get("page"))
    form = ReportRequestForm(scope=scope, initial=selectors.request_initial(scope, last_month=last_month()))
    notices = Notice.objects.filter(user=request.user, read_at__isnull=True)[:10]
    return render(request, "reports/index.html", {
        "page": page, "filters": filters.form, "form": form, "notices": notices, "scope": scope,
        "query": request.GET.urlencode(),
    })


@login_required
@require_POST
def request_new(request):
    scope = reports_scope(request)
    form = ReportRequestForm(request.POST, scope=scope)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = runs.request_report(kind=data["kind"], period=data["period"], area=data.get("area"),
                                         unit=data.get("unit"), by=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已提交生成：%(title)s。生成完成后可下载和打印。") % {"title": report.title})
            return redirect(reverse("reports-index") + f"#report-{report.pk}")
    filters = ReportFilter().form
    page = Paginator(visible_reports(scope).select_related("area", "unit", "requested_by")
                     .order_by("-requested_at", "-pk"), 30).get_page(1)
    return render(request, "reports/index.html", {"page": page, "filters": filters, "form": form, "scope": scope,
                                                  "notices": [], "query": ""}, status=400)


def _visible_report(request, pk: int) -> Report:
    return get_object_or_404(visible_reports(reports_scope(request)).select_related("area", "unit"), pk=pk)


@login_required
def status(request, pk: int):
    report = _visible_report(request, pk)
    return JsonResponse({
        "id": report.pk, "status": report.status, "label": report.get_status_display(), "progress": report.progress,
        "error": report.error, "in_progress": report.in_progress,
        "download": reverse("reports-download", args=[report.pk]) if report.status == Report.Status.DONE and report.file else "",
        "detail": reverse("reports-detail", args=[report.pk]),
        "finished_at": timezone.localtime(report.finished_at).strftime("%Y-%m-%d %H:%M") if report.finished_at else "",
    })


@login_required
def download(request, pk: int):
    report = _visible_report(request, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404(_("报表尚未生成。"))
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.download_name, content_type=XLSX)


@login_required
def detail(request, pk: int):
    report = _visible_report(request, pk)
    if report.status != Report.Status.DONE:
        messages.info(request, _("报表尚未生成完成。"))
        return redirect(reverse("reports-index") + f"#report-{report.pk}")
    return render(request, "reports/print.html", {**selectors.print_context(report), "request": request})
