"""Discipline pages (docs/domain.md §13): the public complaint page and receipt lookup (no
sign-in, rate-limited per address), and the discipline page of the offices, inspection groups
and leaders with complaints, inspections, rectifications and accountability."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from households.models import Area, AreaLevel
from pairing.access import visible_cadres, visible_units
from pairing.models import VillagePairing
from shuanglian import scoping, throttle
from shuanglian.errors import DomainError, add_to_form
from shuanglian.params import ID, int_param
from shuanglian.throttle import AddressLimit

from . import services
from .access import (
    handles,
    handles_area,
    opens_discipline,
    shown_complainant,
    signs_off,
    visible_accountability,
    visible_complaint_notes,
    visible_complaints,
    visible_findings,
    visible_inspections,
)
from .forms import (
    AccountabilityForm,
    CloseForm,
    CodeForm,
    ComplaintForm,
    FindingForm,
    InspectionForm,
    NoteForm,
    RectifyForm,
)
from .models import Complaint
from .selectors import overdue_rectifications

COMPLAINT_FILINGS = AddressLimit("complaint", "COMPLAINT_FILING_LIMIT", "COMPLAINT_FILING_SECONDS",
                                 _("本地址提交举报过于频繁，请%(minutes)s分钟后再试。"))
COMPLAINT_LOOKUPS = AddressLimit("complaint-lookup", "COMPLAINT_LOOKUP_LIMIT", "COMPLAINT_LOOKUP_SECONDS",
                                 _("查询次数过多，请%(minutes)s分钟后再试。"))
RECEIPT = "discipline_receipt"
LIST_LENGTH = 50


# --- the public pages -------------------------------------------------------------------------------------

@never_cache
@csrf_protect
def complaint_new(request):
    """举报: anyone, no sign-in; anonymous allowed."""
    if request.method == "POST" and COMPLAINT_FILINGS.exceeded(request):
        return throttle.too_many(request, COMPLAINT_FILINGS)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        COMPLAINT_FILINGS.hit(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                complaint, _created = services.file_complaint(
                    rule=d["rule"], target_kind=d["target_kind"], target_name=d["target_name"], area=d["area"],
                    content=d["content"], name=d["name"], contact=d["contact"], photo=d["photo"], key=d["key"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                request.session[RECEIPT] = complaint.receipt_code
                return redirect("complaint-receipt")
    return render(request, "discipline/complaint_new.html", {"form": form})


@never_cache
def complaint_receipt(request):
    # Shown once: the next person on a shared phone must not find the code in the session.
    code = request.session.pop(RECEIPT, None)
    if not code:
        return redirect("complaint-new")
    return render(request, "discipline/receipt.html", {"code": code})


@never_cache
@csrf_protect
def complaint_status(request):
    """Enter the receipt code: the status and, once closed, the finding and its text; nothing else."""
    if request.method == "POST" and COMPLAINT_LOOKUPS.exceeded(request):
        return throttle.too_many(request, COMPLAINT_LOOKUPS)
    form = CodeForm(request.POST or None)
    found = None
    if request.method == "POST":
        COMPLAINT_LOOKUPS.hit(request)
        if form.is_valid():
            found = services.find_complaint(form.cleaned_data["code"])
            if found is None:
                form.add_error("code", gettext("查询码不正确，请核对后再试。"))
    return render(request, "discipline/status.html", {"form": form, "found": found})


# --- the discipline page ----------------------------------------------------------------------------------

def _reader(request):
    if not opens_discipline(request.user):
        raise PermissionDenied
    return scoping.scope_for(request.user)


def _handler(request):
    scope = _reader(request)
    if not scoping.may_inspect(scope):
        raise PermissionDenied
    return scope


def _office(request):
    scope = _reader(request)
    if not scoping.is_office(scope):
        raise PermissionDenied
    return scope


@login_required
def office(request):
    scope = _reader(request)
    today = timezone.localdate()
    complaints = list(visible_complaints(scope).select_related("area")[:LIST_LENGTH])
    return render(request, "discipline/office.html", {
        "complaints": complaints,
        "overdue": list(overdue_rectifications(visible_findings(scope), today=today)[:LIST_LENGTH]),
        "inspections": list(visible_inspections(scope).select_related("unit", "village")[:LIST_LENGTH]),
        "records": list(visible_accountability(scope).select_related("unit", "cadre__unit", "issued_by")[:LIST_LENGTH]),
        "handler": scoping.may_inspect(scope), "office": scoping.is_office(scope), "today": today,
    })


def _own_areas(scope):
    """The counties and townships an office's phone entry may name: those of its area."""
    areas = Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP])
    if scoping.sees_everything(scope):
        return areas
    own = scoping.own_area_code(scope)
    return areas.filter(code__startswith=Area.prefix_of(own))


@login_required
def office_complaint_new(request):
    """A complaint taken on the phone line, entered by the inspection group or office."""
    scope = _handler(request)
    form = ComplaintForm(request.POST or None, request.FILES or None, areas=_own_areas(scope))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint, _created = services.file_complaint(
                rule=d["rule"], target_kind=d["target_kind"], target_name=d["target_name"], area=d["area"],
                content=d["content"], name=d["name"], contact=d["contact"], photo=d["photo"], key=d["key"],
                channel=Complaint.Channel.PHONE, by=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("举报已登记，查询码 %(code)s。") % {"code": complaint.receipt_code})
            return redirect("discipline-complaint", pk=complaint.pk)
    return render(request, "discipline/form.html", {"form": form, "title": gettext("登记电话举报"), "multipart": True})


@login_required
def complaint_detail(request, pk):
    scope = _reader(request)
    complaint = get_object_or_404(visible_complaints(scope).select_related("area", "cadre", "unit", "village",
                                                                           "assigned_to__area"), pk=pk)
    handling = handles(scope, complaint)
    note_form, close_form = NoteForm(), CloseForm()
    if request.method == "POST":
        if not handling:
            raise PermissionDenied
        action = request.POST.get("action")
        form = NoteForm(request.POST) if action == "note" else CloseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "note":
                    services.add_note(complaint=complaint, text=d["text"], by=request.user)
                else:
                    services.close_complaint(complaint=complaint, finding=d["finding"], text=d["finding_text"],
                                             by=request.user)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, gettext("已保存。"))
                return redirect("discipline-complaint", pk=complaint.pk)
        if action == "note":
            note_form = form
        else:
            close_form = form
    return render(request, "discipline/complaint.html", {
        "complaint": complaint, "handling": handling,
        "name": shown_complainant(scope, complaint, complaint.complainant_name),
        "contact": shown_complainant(scope, complaint, complaint.complainant_contact),
        "notes": list(visible_complaint_notes(scope).filter(complaint=complaint).select_related("by")) if handling else [],
        "note_form": note_form, "close_form": close_form,
    })


def _villages(scope):
    """The villages of the campaign (paired with a unit) in the office's area."""
    villages = Area.objects.filter(level=AreaLevel.VILLAGE, code__in=VillagePairing.objects.values("village_id"))
    if scoping.sees_everything(scope):
        return villages
    return villages.filter(code__startswith=Area.prefix_of(scoping.own_area_code(scope)))


def _units(scope):
    units = visible_units(scope)
    if scoping.sees_everything(scope):
        return units
    return units.filter(area__code__startswith=Area.prefix_of(scoping.own_area_code(scope)))


@login_required
def inspection_new(request):
    scope = _handler(request)
    today = timezone.localdate()
    form = InspectionForm(request.POST or None, units=_units(scope), villages=_villages(scope),
                          initial={"year": today.year, "half": 1 if today.month <= 6 else 2, "on": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = services.record_inspection(year=d["year"], half=d["half"], on=d["on"], unit=d["unit"],
                                                    village=d["village"], checked=d["checked"],
                                                    inspectors=d["inspectors"], by=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("督查已登记。"))
            return redirect("discipline-inspection", pk=inspection.pk)
    return render(request, "discipline/form.html", {"form": form, "title": gettext("登记督查")})


@login_required
def inspection_detail(request, pk):
    scope = _reader(request)
    inspection = get_object_or_404(visible_inspections(scope).select_related("unit", "village"), pk=pk)
    finding_form, rectify_form = FindingForm(), None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "finding":
            if not handles_area(scope, inspection.area_id):
                raise PermissionDenied
            form = finding_form = FindingForm(request.POST)
        else:
            if not signs_off(scope, inspection.area_id):
                raise PermissionDenied
            form = rectify_form = RectifyForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "finding":
                    services.add_finding(inspection=inspection, text=d["text"], deadline=d["deadline"], by=request.user)
                else:
                    finding = inspection.findings.filter(pk=d["finding"]).first()
                    if finding is None:
                        raise DomainError(gettext("没有这个问题。"))
                    finding.inspection = inspection
                    services.close_rectification(finding=finding, evidence=d["evidence"], file=d["evidence_file"],
                                                 by=request.user)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, gettext("已保存。"))
                return redirect("discipline-inspection", pk=inspection.pk)
    return render(request, "discipline/inspection.html", {
        "inspection": inspection, "findings": list(inspection.findings.all()), "today": timezone.localdate(),
        "handling": handles_area(scope, inspection.area_id), "signing": signs_off(scope, inspection.area_id),
        "finding_form": finding_form, "rectify_form": rectify_form,
        "rectify_for": rectify_form.data.get("finding") if rectify_form is not None else None,
    })


@login_required
def accountability_new(request):
    """A record against a unit, or against one of its cadres: the unit is chosen first (the page
    reloads with ``?unit=``), so the cadres listed are that unit's, never a whole province's."""
    scope = _office(request)
    units = _units(scope)
    unit_id = int_param(request.POST if request.method == "POST" else request.GET, "unit", bounds=ID)
    cadres = visible_cadres(scope).filter(unit__in=units, unit_id=unit_id) if unit_id else visible_cadres(scope).none()
    form = AccountabilityForm(request.POST or None, units=units, cadres=cadres,
                              complaints=visible_complaints(scope).filter(finding=Complaint.Finding.SUBSTANTIATED),
                              findings=visible_findings(scope), initial={"on": timezone.localdate(), "unit": unit_id})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cadre, unit = d["cadre"], (None if d["cadre"] else d["unit"])
        try:
            if d["unit"] is None:
                raise DomainError({"unit": gettext("请选择单位或干部（二选一）。")})
            issued_by = (d["unit"].area if scoping.sees_everything(scope)
                         else Area.objects.get(code=scoping.own_area_code(scope)))
            services.record_accountability(kind=d["kind"], unit=unit, cadre=cadre, complaint=d["complaint"],
                                           finding=d["finding"], basis=d["basis"], on=d["on"], text=d["text"],
                                           issued_by=issued_by, by=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("已登记。"))
            return redirect("discipline-office")
    return render(request, "discipline/accountability_form.html", {"form": form, "unit_id": unit_id})


@login_required
def evidence_file(request, kind, pk):
    """A complaint's photo (to its handling office) or a rectification's evidence (to those who see it)."""
    scope = _reader(request)
    if kind == "complaint":
        complaint = get_object_or_404(visible_complaints(scope), pk=pk)
        if not handles(scope, complaint) or not complaint.photo:
            raise Http404
        stored = complaint.photo
    elif kind == "rectification":
        stored = get_object_or_404(visible_findings(scope), pk=pk).evidence_file
        if not stored:
            raise Http404
    else:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = stored.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=not name.endswith(".jpg"), filename=name)


