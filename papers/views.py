"""The household's papers, printable on A4 (docs/domain.md §12): contact cards (连心卡), the help
handbook (帮扶手册), the diary (民情日记), the county's handbooks as one streamed file, and the
projects' Excel upload (all or nothing)."""
from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from households.access import visible_areas, visible_households
from households.models import Area, AreaLevel
from pairing.models import Cadre
from shuanglian import scoping
from shuanglian.params import int_param

from .access import visible_diarists
from .imports import ProjectUploadForm, read_projects
from .selectors import contact_cards, diary, handbook_batches, handbooks
from .services import import_projects

DOWNLOAD_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)


def _own_cadre(reader) -> Cadre | None:
    scope = scoping.scope_for(reader)
    return Cadre.objects.filter(pk=scope.cadre_id).first() if scoping.is_cadre(scope) else None


@login_required
def cards(request):
    """A sheet of contact cards (85×54 mm, ten to an A4 page): a village's, or a cadre's households."""
    village_code = request.GET.get("village") or ""
    cadre = None
    if village_code:
        village = visible_areas(request.user).filter(code=village_code[:12], level=AreaLevel.VILLAGE).first()
        if village is None:
            raise Http404
        title = gettext("%(village)s连心卡") % {"village": village.name}
    else:
        cadre_id = int_param(request.GET, "cadre")
        cadre = (get_object_or_404(visible_diarists(request.user), pk=cadre_id) if cadre_id
                 else _own_cadre(request.user))
        if cadre is None:
            raise Http404
        title = gettext("%(cadre)s的联系户连心卡") % {"cadre": cadre.name}
    rows = contact_cards(request.user, village_code=village_code or None, cadre_id=cadre.pk if cadre else None,
                         on=timezone.localdate())
    sheets = [rows[i:i + 10] for i in range(0, len(rows), 10)]
    return render(request, "papers/cards.html", {"title": title, "sheets": sheets})


@login_required
def handbook(request, number: str):
    household = get_object_or_404(visible_households(request.user), number=number)
    book = handbooks(request.user, [household.pk])[0]
    return render(request, "papers/handbook.html", {"books": [book], "title": gettext("帮扶手册")})


@login_required
def diary_page(request):
    cadre_id = int_param(request.GET, "cadre")
    cadre = get_object_or_404(visible_diarists(request.user), pk=cadre_id) if cadre_id else _own_cadre(request.user)
    if cadre is None:
        raise Http404
    today = timezone.localdate()
    year = int_param(request.GET, "year", default=today.year, bounds=(2000, today.year))
    return render(request, "papers/diary.html", {
        "cadre": cadre, "year": year, "entries": diary(request.user, cadre, year),
        "title": gettext("%(cadre)s民情日记（%(year)s年）") % {"cadre": cadre.name, "year": year},
    })


TRANSLATE_TAG = re.compile(r'{% translate "([^"]*)" %}')


def translated_once(name: str):
    """The template with its fixed ``{% translate %}`` labels put in the reader's language once,
    rather than once per household: thousands of handbooks repeat the same forty headings."""
    template = get_template(name)
    source = TRANSLATE_TAG.sub(lambda m: escape(gettext(m[1])), template.template.source)
    return template.backend.from_string(source)


def handbook_stream(reader, area: Area, *, batch: int | None = None):
    """The handbooks of an area as one HTML document, built a batch of households at a time."""
    title = gettext("%(area)s帮扶手册") % {"area": area.name}
    yield render_to_string("papers/_handbook_head.html", {"title": title})
    book = translated_once("papers/_handbook.html")
    households = visible_households(reader).filter(village__code__startswith=area.prefix)
    kwargs = {"batch": batch} if batch else {}
    for books in handbook_batches(reader, households, **kwargs):
        for b in books:
            yield book.render({"b": b})
    yield "</body></html>\n"


@login_required
def handbook_download(request):
    """An office's download of every handbook of its county (or a township or village of it): one
    HTML file to print, streamed."""
    if not scoping.is_office(request.user):
        raise PermissionDenied
    code = request.GET.get("area") or scoping.own_area_code(request.user) or ""
    area = visible_areas(request.user).filter(code=code[:12], level__in=DOWNLOAD_LEVELS).first()
    if area is None or not scoping.governs_area(request.user, area.code):
        raise Http404
    response = StreamingHttpResponse(handbook_stream(request.user, area), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="handbooks-{area.code}.html"'
    return response


@login_required
def project_upload(request):
    """Projects from an Excel sheet (项目): all or nothing, every problem named by its row."""
    if not scoping.may_change(request.user):
        raise PermissionDenied
    form = ProjectUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            made = import_projects(request.user, read_projects(form.cleaned_data["file"], request.user))
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, gettext("已导入%(n)s个项目。") % {"n": len(made)})
            return redirect("papers-project-upload")
    return render(request, "papers/upload.html", {"form": form, "problems": problems})
