"""Notices: marking the user's notices read."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from shuanglian.params import int_list_param

from ..services import notices


@login_required
@require_POST
def read_notices(request):
    ids = int_list_param(request.POST, "notice")
    notices.mark_read(user=request.user, notice_ids=ids)
    return redirect("reports-index")
