"""The user's own account on the phone: the page shown offline for a page never kept, and
signing out everywhere (docs/architecture.md, "The phone offline")."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from .sessions import end_all_sessions


def offline(request):
    """Kept by the service worker when it installs; shown for a page not kept on this phone."""
    return render(request, "offline.html")


@login_required
def sign_out_everywhere(request):
    """GET: what it does; POST: end every session of the account (this one too) and delete its API tokens."""
    if request.method == "POST":
        end_all_sessions(request.user)
        logout(request)
        messages.success(request, gettext("已在所有设备上退出登录，API 令牌已删除。"))
        return redirect("login")
    return render(request, "registration/sign_out_everywhere.html")
