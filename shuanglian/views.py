"""Error pages that answer an API client in JSON and a person in HTML."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("不存在或不在您的范围内。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("服务器内部错误，已记入日志。")}, status=500)
    return defaults.server_error(request)
