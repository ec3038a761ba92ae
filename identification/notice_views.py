"""Printed pages of the procedures (A4, print CSS): a village's public notice (公示) or
announcement (公告) of one step, and a household's exit verification form (脱贫验收表).

ID numbers are never printed in full, whatever the reader's role: a notice is posted on a wall.
The objection channel printed on a notice is the township's office and the complaint telephone
of ``settings.POVERTY_COMPLAINT_PHONE``; a step's note, where written, is printed under it."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from households.access import visible_households
from households.models import Area
from shuanglian.params import int_param
from shuanglian.scoping import mask_id_number

from .access import visible_checklists, visible_notice_steps
from .checklists import ITEM_KEYS, ITEM_LABELS, exit_proposal_errors, income_test
from .rules import NOTICES, Procedure, Stage


@login_required
def step_notice(request, pk: int):
    step = get_object_or_404(visible_notice_steps(request.user).select_related("village__parent"), pk=pk)
    is_notice = step.stage in NOTICES
    entries = step.entries.select_related("household").order_by("household__number")
    if not is_notice:
        entries = entries.filter(passed=True)  # an announcement names the households it announces
    kind = pgettext("printed notice", "公示") if is_notice else pgettext("printed notice", "公告")
    title = gettext("%(village)s%(year)s年%(procedure)s%(kind)s") % {
        "village": step.village.name, "year": step.year, "procedure": step.get_procedure_display(), "kind": kind}
    township = step.village.parent
    county = Area.objects.filter(code=Area.parent_code_of(township.code)).first() if township else None
    rows = [(e.household.number, e.household.head_name, mask_id_number(e.household.head_id_number),
             e.household.resident_population, e.household.get_main_cause_display()) for e in entries]
    return render(request, "identification/notice_print.html", {
        "step": step, "title": title, "is_notice": is_notice, "rows": rows, "township": township, "county": county,
        "phone": settings.POVERTY_COMPLAINT_PHONE, "issuer": (township if is_notice else county) or step.village,
        "identification": step.procedure == Procedure.IDENTIFICATION, "stage_label": Stage(step.stage).label,
    })


@login_required
def verification_form(request, number: str):
    household = get_object_or_404(visible_households(request.user).select_related("village__parent"), number=number)
    today = timezone.localdate()
    year = int_param(request.GET, "year", default=today.year, bounds=(2000, today.year))
    checklist = visible_checklists(request.user).filter(household=household, year=year).first()
    answers = {item.item: item for item in checklist.items.all()} if checklist else {}
    items = [(ITEM_LABELS[key], answers.get(key)) for key in ITEM_KEYS]
    return render(request, "identification/verification_print.html", {
        "household": household, "year": year, "checklist": checklist, "items": items,
        "income": income_test(household, year), "errors": exit_proposal_errors(household, year),
        "id_number": mask_id_number(household.head_id_number),
    })
