"""The office's pages of identification and exit (docs/domain.md §10): the villages with
procedures under way, a village's procedures page (households by stage, candidates, the steps
taken, the forms of the next step and of objections), a household's history, a step's scanned
document and the steps of an area and a year as a workbook. Scoped by the reader; the rules are
the services'."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from households.access import visible_areas, visible_households, visible_villages
from households.models import Area
from shuanglian import scoping
from shuanglian.errors import DomainError, add_to_form

from .access import may_take_steps, visible_objections, visible_steps
from .exports import steps_workbook
from .forms import CheckForm, ExportQuery, ObjectionForm, StepForm
from .models import Objection, StepEntry
from .rules import NOTICES, SEQUENCES, Procedure, Stage
from .selectors import villages_in_procedure, with_stage
from .services.objections import check_objection, record_objection
from .services.steps import parse_signatories, take_step


@login_required
def villages(request):
    """The villages of the reader's area with households in a procedure or waiting for one."""
    scope = scoping.scope_for(request.user)
    if scope.is_empty:
        raise PermissionDenied
    rows = list(villages_in_procedure(visible_households(scope))[:500])
    code = (request.GET.get("village") or "").strip()
    if code:
        if visible_villages(scope).filter(code=code).exists():
            return redirect("identification-village", code=code)
        messages.error(request, gettext("村代码“%(code)s”不存在或不在您的范围内。") % {"code": code[:12]})
    areas = visible_areas(scope).filter(level__in=["county", "township"]).order_by("code")[:300]
    return render(request, "identification/villages.html", {
        "rows": rows, "areas": areas, "year": timezone.localdate().year,
    })


def _village_or_404(scope, code: str) -> Area:
    return get_object_or_404(visible_villages(scope), code=code)


@login_required
def village(request, code: str):
    scope = scoping.scope_for(request.user)
    village = _village_or_404(scope, code)
    households = list(with_stage(visible_households(scope).filter(village_id=village.code)).order_by("number"))
    for h in households:
        h.procedure_label = Procedure(h.stage_procedure).label if h.stage_procedure else ""
        h.stage_label = Stage(h.stage).label if h.stage else ""
    may_take = may_take_steps(request.user, village.code)
    step_form = StepForm(request.POST if request.POST.get("form") == "step" else None,
                         request.FILES or None, households=households, initial=_preset(request))
    objection_form = ObjectionForm(request.POST if request.POST.get("form") == "objection" else None,
                                   initial={"received_on": timezone.localdate()})
    check_form = CheckForm(request.POST if request.POST.get("form") == "check" else None,
                           initial={"checked_on": timezone.localdate()})
    steps = (visible_steps(scope).filter(village_id=village.code).order_by("-date", "-pk")
             .prefetch_related(Prefetch("entries", StepEntry.objects.select_related("household")))[:100])
    objections = (visible_objections(scope).filter(notice__village_id=village.code)
                  .select_related("household", "notice").order_by("-received_on", "-pk")[:200])
    if request.method == "POST":
        if not may_take:
            raise PermissionDenied
        done = _post(request, village, step_form, objection_form, check_form, households)
        if done:
            return redirect(reverse("identification-village", args=[village.code]))
    by_stage = _by_stage(households)
    running = [s for s in steps if s.stage in NOTICES and s.end_date and s.end_date >= timezone.localdate()]
    return render(request, "identification/village.html", {
        "village": village, "households": households, "by_stage": by_stage,
        "candidates": [h for h in households if h.status == "candidate" and not _in_procedure(h)],
        "steps": steps, "objections": objections, "may_take": may_take,
        "step_form": step_form, "objection_form": objection_form, "check_form": check_form,
        "notices": [s for s in steps if s.stage in NOTICES], "running": running,
        "unchecked": [o for o in objections if o.checked_on is None],
        "chosen": {str(pk) for pk in (request.POST.getlist("households") or request.GET.getlist("households"))},
        "sequences": [(Procedure(p).label, [Stage(s).label for s in seq]) for p, seq in SEQUENCES.items()],
    })


def _in_procedure(h) -> bool:
    return bool(h.stage_passed) and h.stage != SEQUENCES[h.stage_procedure][-1]


def _next(h) -> str | None:
    if not _in_procedure(h):
        return None
    sequence = SEQUENCES[h.stage_procedure]
    return sequence[sequence.index(h.stage) + 1]


def _by_stage(households) -> list[dict]:
    """Households in an open procedure, grouped by procedure and latest stage, with the next stage."""
    groups: dict[tuple, dict] = {}
    for h in households:
        if not _in_procedure(h):
            continue
        key = (h.stage_procedure, h.stage, h.stage_year)
        group = groups.setdefault(key, {
            "procedure": h.stage_procedure, "procedure_label": Procedure(h.stage_procedure).label,
            "stage_label": Stage(h.stage).label, "year": h.stage_year, "next": _next(h),
            "next_label": Stage(_next(h)).label, "households": []})
        group["households"].append(h)
    return list(groups.values())


def _preset(request) -> dict:
    """The step form opened from a group's "办理下一步" link: its procedure, stage and year."""
    preset = {}
    if request.GET.get("procedure") in Procedure.values:
        preset["procedure"] = request.GET["procedure"]
    if request.GET.get("stage") in Stage.values:
        preset["stage"] = request.GET["stage"]
    year = request.GET.get("year", "")
    if year.isascii() and year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100:
        preset["year"] = int(year)
    return preset


def _post(request, village, step_form, objection_form, check_form, households) -> bool:
    kind = request.POST.get("form")
    if kind == "step" and step_form.is_valid():
        data = step_form.cleaned_data
        try:
            take_step(request.user, village=village, procedure=data["procedure"], year=data["year"],
                      stage=data["stage"], date=data["date"], end_date=data["end_date"],
                      households=step_form.chosen(), results=data["results"], signatories=data["people"],
                      note=data["note"], document=data["document"], idempotency_key=data["key"])
        except DomainError as exc:
            add_to_form(step_form, exc)
            return False
        messages.success(request, gettext("“%(stage)s”已登记。") % {"stage": Stage(data["stage"]).label})
        return True
    if kind == "objection" and objection_form.is_valid():
        data = objection_form.cleaned_data
        notice = visible_steps(request.user).filter(pk=data["notice"], village_id=village.code).first()
        household = next((h for h in households if h.pk == data["household"]), None)
        if notice is None or household is None:
            objection_form.add_error(None, gettext("请选择本村的公示和农户。"))
            return False
        try:
            record_objection(request.user, notice, household, data["received_on"], data["raised_by"], data["content"])
        except DomainError as exc:
            add_to_form(objection_form, exc)
            return False
        messages.success(request, gettext("异议已登记，请入户核实。"))
        return True
    if kind == "check" and check_form.is_valid():
        data = check_form.cleaned_data
        objection = visible_objections(request.user).filter(pk=data["objection"], notice__village_id=village.code).first()
        if objection is None:
            check_form.add_error(None, gettext("请选择本村的异议。"))
            return False
        try:
            check_objection(request.user, objection, data["checked_on"], parse_signatories(data["checkers"]),
                            data["finding"], data["upheld"])
        except DomainError as exc:
            add_to_form(check_form, exc)
            return False
        messages.success(request, gettext("异议核实结果已登记。"))
        return True
    return False


@login_required
def household_history(request, number: str):
    """Every step and objection of a household, its status as they left it."""
    scope = scoping.scope_for(request.user)
    household = get_object_or_404(visible_households(scope).select_related("village"), number=number)
    entries = (StepEntry.objects.filter(household=household, step__in=visible_steps(scope))
               .select_related("step").order_by("step__date", "step_id"))
    objections = Objection.objects.filter(household=household, notice__in=visible_steps(scope)).select_related(
        "notice").order_by("received_on", "pk")
    return render(request, "identification/household.html", {
        "household": household, "entries": entries, "objections": objections,
    })


@login_required
def document(request, pk: int):
    step = get_object_or_404(visible_steps(request.user), pk=pk)
    if not step.document:
        raise Http404
    try:
        handle = step.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True,
                        filename=f"{step.village_id}-{step.year}-{step.stage}-{step.pk}{_suffix(step.document.name)}")


def _suffix(name: str) -> str:
    return name[name.rfind("."):] if "." in name else ""


@login_required
def export(request):
    """The steps of an area (in the reader's scope) and a year as an Excel workbook."""
    scope = scoping.scope_for(request.user)
    if scope.is_empty:
        raise PermissionDenied
    query = ExportQuery(request.GET)
    if not query.is_valid():
        raise Http404
    area = query.cleaned_data["area"] or None
    if area and not visible_areas(scope).filter(code=area).exists():
        raise Http404
    return steps_workbook(request.user, area_code=area, year=query.cleaned_data["year"])

