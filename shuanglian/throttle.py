"""Rate limits per address, counted in the shared cache (``CACHES``), for what can be guessed:
ballot codes (``/e/``) and passwords tried across many accounts from one address.

django-axes locks an account name at one address after a few failures; it does not see one
password tried against a thousand account names. ``SIGN_IN_FAILURES`` counts every failed sign-in
of an address, whatever the name, and past its (higher) limit the address waits.

A window is fixed: the first failure starts it, and the count expires with it. The numbers come
from the environment (README, 安全); see ``shuanglian/settings.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def address_of(request) -> str:
    """The client's address as django-axes reads it (its proxy settings apply here too)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


@dataclass(frozen=True)
class AddressLimit:
    name: str
    limit_setting: str
    window_setting: str
    message: object  # a lazy translation with %(minutes)s

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    @property
    def window(self) -> int:
        return getattr(settings, self.window_setting)

    def _key(self, request) -> str:
        return f"throttle:{self.name}:{address_of(request)}"

    def exceeded(self, request) -> bool:
        return self.limit > 0 and (cache.get(self._key(request)) or 0) >= self.limit

    def hit(self, request) -> None:
        key = self._key(request)
        if cache.add(key, 1, timeout=self.window):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.window)


BALLOT_GUESSES = AddressLimit("ballot", "BALLOT_CODE_FAILURE_LIMIT", "BALLOT_CODE_FAILURE_SECONDS",
                              _("评议码输错次数过多，请%(minutes)s分钟后再试。"))
SIGN_IN_FAILURES = AddressLimit("sign-in", "SIGN_IN_ADDRESS_FAILURE_LIMIT", "SIGN_IN_ADDRESS_FAILURE_SECONDS",
                                _("本地址登录失败次数过多，请%(minutes)s分钟后再试。"))


def too_many(request, limit: AddressLimit):
    minutes = max(1, limit.window // 60)
    message = str(limit.message) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(limit.window)
    return response


@receiver(user_login_failed)
def _count_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is not None:
        SIGN_IN_FAILURES.hit(request)


class SignInAddressLimit:
    """Answer a sign-in attempt (the sign-in page, the admin's, the API token) from an address
    past its failure limit with 429 before any password is checked."""

    SIGN_IN_VIEWS = {"login", "admin-sign-in", "api-token"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (request.method == "POST" and match is not None and match.url_name in self.SIGN_IN_VIEWS
                and SIGN_IN_FAILURES.exceeded(request)):
            return too_many(request, SIGN_IN_FAILURES)
        return None
