"""The resident's phone page (驻村考勤, docs/domain.md §11): log a stay in the village, from–to
with an optional note, and see one's stays. Nothing is forced: no check-in, no photo."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from pairing.models import Posting
from shuanglian.errors import DomainError, add_to_form

from .forms import StayForm
from .models import Stay
from .selectors import resident_progress
from .services.stays import log_stay
from .views import _own_cadre


@login_required
def stays(request):
    cadre = _own_cadre(request)
    form = StayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            log_stay(cadre=cadre, start=data["start"], end=data["end"], key=data["key"], by=request.user,
                     own_entry=True, note=data["note"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("驻村考勤已登记。"))
            return redirect("visits-stays")
    return render(request, "visits/stays.html", {
        "form": form, "cadre": cadre, "progress": resident_progress(cadre=cadre, on=timezone.localdate()),
        "postings": Posting.objects.filter(cadre=cadre).select_related("village").order_by("-start")[:20],
        "stays": Stay.objects.filter(cadre=cadre).select_related("posting__village").order_by("-start", "-pk")[:200],
    })
