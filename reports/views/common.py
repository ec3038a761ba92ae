"""What every reports page shares: who may use them."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from shuanglian import scoping

from .. import selectors


def reports_scope(request) -> scoping.Scope:
    """The user's scope, or 403 for those the reports pages are not for (cadres, no role)."""
    scope = scoping.scope_for(request.user)
    if not selectors.may_use_reports(scope):
        raise PermissionDenied
    return scope
