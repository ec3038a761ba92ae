"""The front door (one sign-in page for every role) and error pages that answer an API client
in JSON and a person in HTML."""
import re

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

# A cadre's username is the 18-character ID number; phones often offer a lower-case x.
_ID_NUMBER = re.compile(r"^\d{17}[\dxX]$")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with a label that tells a cadre what their username is."""

    username = forms.CharField(
        label=gettext_lazy("用户名（干部请填身份证号）"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none",
                                      "autocorrect": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=gettext_lazy("密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # Off: the session ends when the browser closes (a shared computer); on: SESSION_COOKIE_AGE.
    remember = forms.BooleanField(label=gettext_lazy("在此手机上保持登录"), required=False, initial=True)
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确。干部的用户名是本人身份证号。"),
        "inactive": gettext_lazy("该账号已停用，请联系双联办。"),
    }

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        return username.upper() if _ID_NUMBER.match(username) else username


class SignInView(auth_views.LoginView):
    """The one sign-in page: offices, units, leaders and cadres alike; `/` then routes each
    role to its own home (a cadre to 我的双联), and the admin sends its visitors here too."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember"):
            self.request.session.set_expiry(0)
        return response


def admin_sign_in(request):
    """The admin's own sign-in page refuses non-staff accounts with a puzzling message; send
    everyone to the one sign-in page instead, and tell a signed-in cadre plainly that the admin
    is for offices and units."""
    target = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated and not request.user.is_staff:
        return render(request, "registration/not_staff.html", status=403)
    return auth_views.redirect_to_login(target, reverse("login"))


def _api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("不存在或不在您的范围内。")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """Input a page cannot read (``shuanglian.params.BadParameter`` says which): a 400 with the
    message, never a server error."""
    from shuanglian.params import BadParameter

    message = str(exception) if isinstance(exception, BadParameter) else _("请求有误，请检查输入后重试。")
    if _api(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("服务器内部错误，已记入日志。")}, status=500)
    return defaults.server_error(request)
