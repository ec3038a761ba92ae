"""Pages of the reports app, all scoped to the user's area or unit: reports (list, request,
progress, download, print), the ledger download, on-time monthly reporting, notices."""
from __future__ import annotations

import tempfile
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form
from shuanglian.params import ID, int_list_param, int_param

from . import selectors
from .services import notices, runs
from .services import submissions as submission_services  # `submissions` is a page below
from .figures import AREA_COLUMNS, BEHIND_COLUMNS, GROUPS, MONEY, PERCENT, UNIT_COLUMNS
from .forms import LedgerForm, ReportFilterForm, ReportRequestForm, ReviewForm, SubmitForm, last_month, month_param
from .ledger import count_households, write_ledger
from .models import MonthlySubmission, Notice, Report
from .periods import month_end

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request) -> scoping.Scope:
    scope = scoping.scope_for(request.user)
    if not selectors.may_use_reports(scope):
        raise PermissionDenied
    return scope


# --- reports ---------------------------------------------------------------------------------------

@login_required
def index(request):
    scope = _scope(request)
    filters = ReportFilterForm(request.GET or None)
    reports = scoping.visible_reports(scope).select_related("area", "unit", "requested_by")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["kind"]:
            reports = reports.filter(kind=data["kind"])
        if data["status"]:
            reports = reports.filter(status=data["status"])
        if data["period"]:
            reports = reports.filter(period__iexact=data["period"].strip())
        if data["q"]:
            q = data["q"].strip()
            reports = reports.filter(Q(area__name__contains=q) | Q(unit__name__contains=q) | Q(area__code=q) | Q(unit__code=q))
    page = Paginator(reports.order_by("-requested_at", "-pk"), 30).get_page(request.GET.get("page"))
    form = ReportRequestForm(scope=scope, initial=_request_initial(scope))
    notices = Notice.objects.filter(user=request.user, read_at__isnull=True)[:10]
    return render(request, "reports/index.html", {
        "page": page, "filters": filters, "form": form, "notices": notices, "scope": scope,
        "query": request.GET.urlencode(),
    })


def _request_initial(scope: scoping.Scope) -> dict:
    initial = {"kind": Report.Kind.MONTHLY, "period": f"{last_month():%Y-%m}"}
    if scope.area_prefix:
        initial["area"] = scope.area_prefix.ljust(12, "0")
    if scope.unit_id:
        initial["unit"] = scope.unit_id
    return initial


@login_required
@require_POST
def request_new(request):
    scope = _scope(request)
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
    filters = ReportFilterForm()
    page = Paginator(scoping.visible_reports(scope).select_related("area", "unit", "requested_by")
                     .order_by("-requested_at", "-pk"), 30).get_page(1)
    return render(request, "reports/index.html", {"page": page, "filters": filters, "form": form, "scope": scope,
                                                  "notices": [], "query": ""}, status=400)


def _visible_report(request, pk: int) -> Report:
    return get_object_or_404(scoping.visible_reports(_scope(request)).select_related("area", "unit"), pk=pk)


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


def _figure_rows(summary: dict) -> list[tuple[str, list[tuple[str, object, str]]]]:
    rows = []
    for group, figures in GROUPS:
        rows.append((group, [(f.label, summary.get(f.key, ""), f.kind) for f in figures]))
    return rows


def _table(columns, rows: list[dict], *, total: bool) -> dict:
    from decimal import Decimal

    keys = [key for key, _label in columns]
    body = [[row.get(key, "") for key in keys] for row in rows]
    sums = None
    if total and rows:
        sums = [_("合计") if key == "code" else "" if key == "name" else
                (str(sum(Decimal(r.get(key) or 0) for r in rows)) if key == "funds" else sum(r.get(key) or 0 for r in rows))
                for key in keys]
    return {"headers": [label for _key, label in columns], "rows": body, "total": sums,
            "text_columns": sum(1 for key in keys if key in ("code", "name"))}


def print_context(report: Report) -> dict:
    """What the print page (the paper archive) shows: the stored figures, as in the Excel file."""
    figures = report.figures or {}
    tables = []
    if figures.get("units"):
        tables.append((_("各单位情况"), _table(UNIT_COLUMNS, figures["units"], total=True)))
    if figures.get("areas"):
        tables.append((_("下级区划情况"), _table(AREA_COLUMNS, figures["areas"], total=True)))
    if "behind" in figures:
        tables.append((_("进度滞后干部"), _table(BEHIND_COLUMNS, figures["behind"], total=False)))
    return {"report": report, "figures": figures, "groups": _figure_rows(figures.get("summary", {})), "tables": tables,
            "MONEY": MONEY, "PERCENT": PERCENT}


@login_required
def detail(request, pk: int):
    report = _visible_report(request, pk)
    if report.status != Report.Status.DONE:
        messages.info(request, _("报表尚未生成完成。"))
        return redirect(reverse("reports-index") + f"#report-{report.pk}")
    return render(request, "reports/print.html", {**print_context(report), "request": request})


# --- the illustrated ledger --------------------------------------------------------------------------

@login_required
def ledger(request):
    scope = _scope(request)
    latest = scoping.visible_incomes(scope).aggregate(year=Max("year"))["year"]
    initial = {"year": latest or timezone.localdate().year}  # the latest year with incomes recorded
    if scope.area_prefix:
        initial["area"] = scope.area_prefix.ljust(12, "0")
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
            spool = tempfile.TemporaryFile()
            write_ledger(spool, scope=scope, year=year, area_code=area.code if area else None)
            spool.seek(0)
            name = area.name if area else _("本单位")
            return FileResponse(spool, as_attachment=True, filename=_("%(name)s%(year)s年扶贫台帐.xlsx") % {"name": name, "year": year},
                                content_type=XLSX)
    return render(request, "reports/ledger.html", {"form": form, "scope": scope})


# --- on-time reporting ----------------------------------------------------------------------------------

@login_required
def submissions(request):
    scope = _scope(request)
    if scope.unit_id:
        return _unit_months(request, scope)
    month = month_param(request.GET.get("month"), last_month())
    rows = selectors.month_overview(scope=scope, month=month)
    counts = {
        "expected": len(rows),
        "missing": sum(1 for r in rows if r.submission is None),
        "overdue": sum(1 for r in rows if r.overdue),
        "late": sum(1 for r in rows if r.submission and r.submission.late),
        "waiting": sum(1 for r in rows if r.state == MonthlySubmission.Status.SUBMITTED),
        "approved": sum(1 for r in rows if r.state == MonthlySubmission.Status.APPROVED),
    }
    rollup = selectors.rollup(scope=scope, month=month)
    keys = [key for key, _label in selectors.ROLLUP_KEYS]
    return render(request, "reports/submissions.html", {
        "month": month, "rows": rows, "counts": counts, "rollup": rollup, "rollup_keys": selectors.ROLLUP_KEYS,
        "rollup_rows": [(u["unit__name"], [u[k] for k in keys]) for u in rollup["units"]],
        "rollup_total": [rollup["total"][k] for k in keys], "reviewer": selectors.is_reviewer(scope), "scope": scope,
    })


def _unit_months(request, scope: scoping.Scope):
    from pairing.models import Unit

    unit = Unit.objects.get(pk=scope.unit_id)
    latest = last_month()
    months = []
    month = latest
    for _i in range(6):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    existing = {s.month: s for s in MonthlySubmission.objects.filter(unit=unit, month__in=months)}
    rows = [(m, existing.get(m), existing[m].due if m in existing else selectors.deadline(unit=unit, month=m)) for m in months]
    return render(request, "reports/unit_months.html", {"unit": unit, "rows": rows, "today": timezone.localdate()})


def _unit_for_submit(request):
    from pairing.models import Unit

    scope = _scope(request)
    if not scope.unit_id and not scope.everything:
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
    scope = _scope(request)
    submission = get_object_or_404(scoping.visible_submissions(scope).select_related("unit", "submitted_by", "reviewed_by"), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not selectors.is_reviewer(scope):
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
    figures = submission.figures or {}
    return render(request, "reports/submission.html", {
        "submission": submission, "events": submission.events.select_related("by"), "form": form,
        "reviewer": selectors.is_reviewer(scope) and selectors.units_reporting_to(scope).filter(pk=submission.unit_id).exists(),
        "own": scope.unit_id == submission.unit_id or scope.everything,
        "groups": _figure_rows(figures.get("summary", {})),
        "behind": _table(BEHIND_COLUMNS, figures.get("behind", []), total=False) if figures.get("behind") else None,
        "MONEY": MONEY, "PERCENT": PERCENT,
    })


# --- notices ---------------------------------------------------------------------------------------------

@login_required
@require_POST
def read_notices(request):
    ids = int_list_param(request.POST, "notice")
    notices.mark_read(user=request.user, notice_ids=ids)
    return redirect("reports-index")
