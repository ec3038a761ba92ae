"""Pages of the evaluation: the rater's ballot page (no sign-in: the code is the key), the
office's printable slips, and the results of a round."""
from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from households.access import visible_area_code, visible_areas
from pairing.access import visible_units
from shuanglian import scoping, throttle
from shuanglian.errors import DomainError, add_to_form
from shuanglian.helpers import spooled_download
from shuanglian.models import AccessLog
from shuanglian.params import ID, int_param

from .access import visible_ballot_codes, visible_evaluation_rounds
from .forms import BallotForm, CodeForm, ResultsQuery, SlipsQuery
from .models import Direction
from .selectors import appraisal, target_key
from .services import cast_ballot, code_problem, find_code, normalise_code, team_size_notes

SLIPS_PER_PAGE = 60
RESULTS_PER_PAGE = 200
RESULT_HEADERS = [_("类别"), _("对象"), _("名称"), _("票数"), _("满意"), _("基本满意"), _("不满意"), _("满意度（%）"),
                  _("评议得分"), _("走访达标得分"), _("帮办实事得分"), _("增收得分"), _("综合得分"), _("等次")]


@never_cache
@csrf_protect
def enter_code(request):
    """Type the code printed on the slip (for phones that cannot scan the QR code)."""
    if request.method == "POST" and throttle.BALLOT_GUESSES.exceeded(request):
        return throttle.too_many(request, throttle.BALLOT_GUESSES)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("ballot-cast", code=normalise_code(form.cleaned_data["code"]))
    return render(request, "assessments/enter_code.html", {"form": form})


@never_cache
@csrf_protect
def cast(request, code):
    # Codes are short: an address that keeps trying unknown ones is guessing, and waits. Only
    # its own wrong codes count, so nobody else's guessing blocks a rater with a real code.
    if throttle.BALLOT_GUESSES.exceeded(request):
        return throttle.too_many(request, throttle.BALLOT_GUESSES)
    found = find_code(code)
    if found is None:
        throttle.BALLOT_GUESSES.hit(request)
    problem = code_problem(found, timezone.localdate())
    if problem:
        return render(request, "assessments/ballot_closed.html", {"problem": problem}, status=404 if found is None else 410)
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cast_ballot(code=code, level=form.cleaned_data["level"], comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            # Nothing about the ballot travels to the next page: it only thanks.
            return redirect("ballot-thanks")
    return render(request, "assessments/ballot.html", {"form": form, "code": found})


def thanks(request):
    return render(request, "assessments/thanks.html")


def _round_for_user(request, pk, *, printing=False):
    scope = scoping.scope_for(request.user)
    if scope.is_empty or scoping.is_cadre(scope):
        raise PermissionDenied
    # The slips carry unused codes: whoever holds one casts a ballot. Only the offices that
    # run the evaluation print them, never the units, leaders or inspectors whose cadres are rated.
    if printing and not scoping.is_office(scope):
        raise PermissionDenied
    return get_object_or_404(visible_evaluation_rounds(scope).select_related("area"), pk=pk), scope


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


@login_required
def slips(request, pk):
    """Printable slips, one per rater (per member of a rating team of known size): the code and a
    QR code opening the ballot page; says which teams got one slip for want of a recorded size."""
    rnd, scope = _round_for_user(request, pk, printing=True)
    codes = (visible_ballot_codes(scope).filter(round=rnd, spent=False)
             .select_related("unit", "cadre").order_by("direction", "rater_label", "pk"))
    direction = SlipsQuery(request.GET).chosen()
    if direction:
        codes = codes.filter(direction=direction)
    page = Paginator(codes, SLIPS_PER_PAGE).get_page(request.GET.get("page"))
    base = request.build_absolute_uri(reverse("ballot-enter"))
    slips = [{"code": c, "url": f"{base}{c.code}/", "qr": _qr_svg(f"{base}{c.code}/")} for c in page]
    response = render(request, "assessments/slips.html", {
        "round": rnd, "page": page, "slips": slips, "direction": direction, "directions": Direction.choices,
        "enter_url": base, "size_notes": team_size_notes(rnd, scope, direction or None),
    })
    # Printed codes are ballots in the making: who printed which page, like an export.
    AccessLog.objects.create(
        user=request.user, username=request.user.get_username(), kind=AccessLog.Kind.EXPORT,
        unmasked=scoping.sees_full_numbers(scope), method=request.method[:8], path=request.get_full_path()[:500],
        status=response.status_code, address=request.META.get("REMOTE_ADDR") or None,
        filename=(gettext("评议票-%(round)s-第%(page)s页") % {"round": rnd, "page": page.number})[:200],
    )
    return response


@login_required
def results(request):
    scope = scoping.scope_for(request.user)
    if scope.is_empty:
        raise PermissionDenied
    rounds = visible_evaluation_rounds(scope).select_related("area").order_by("-year", "area_id")
    round_id = int_param(request.GET, "round", bounds=ID)
    chosen = (rounds.filter(pk=round_id).first() if round_id else None) or rounds.first()
    query = ResultsQuery(request.GET)
    area = visible_area_code(scope, query.value("area"))
    unit = visible_units(scope).filter(code=query.value("unit")).first() if query.value("unit") else None
    rows = appraisal(chosen, scope=scope, area=area or None, unit=unit) if chosen else []
    if chosen and request.GET.get("format") == "xlsx":
        return _xlsx(chosen, rows, scope)
    areas = (visible_areas(scope).filter(code__startswith=chosen.area.prefix, level__in=["county", "township"])
             .order_by("code")[:300] if chosen else [])
    units = visible_units(scope).order_by("code")[:500]
    page = Paginator(rows, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessments/results.html", {
        "rounds": rounds, "round": chosen, "page": page, "rows": page.object_list, "areas": areas, "units": units,
        "filters": {"area": area, "unit": unit.code if unit else ""},
    })


def _xlsx(rnd, rows, scope):
    from openpyxl import Workbook

    from shuanglian.roster.engine import export_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("考评结果"))
    sheet.freeze_panes = "A2"
    sheet.append([str(h) for h in RESULT_HEADERS])
    for a in rows:
        key = target_key(a.target)
        values = [gettext("工作队") if a.is_unit else gettext("干部"),
                  key if a.is_unit else scoping.shown_id_number(scope, key), a.target.name, a.ballots, a.satisfied,
                  a.basic, a.unsatisfied, a.satisfaction, a.ballot_score, a.compliance_score, a.deeds_score,
                  a.income_score, a.score, a.grade_label]
        sheet.append([export_cell(sheet, float(v) if hasattr(v, "as_tuple") else v) for v in values])
    filename = gettext("双向评议结果-%(year)s-%(area)s.xlsx") % {"year": rnd.year, "area": rnd.area.name}
    return spooled_download(workbook.save, filename=filename)
