"""Response headers Django has no setting for."""
from django.conf import settings


class PermissionsPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AccessLogMiddleware:
    """Record every export (a response sent as an attachment, by anyone) and every data page or
    API answer served to a role that sees full ID numbers — views and exports of unmasked
    personal data — with who, when and what."""

    SKIP = ("/static/", "/media/", "/admin/jsi18n/", "/i18n/", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(self.SKIP):
            return response
        disposition = response.headers.get("Content-Disposition", "")
        exported = disposition.startswith("attachment") and response.status_code == 200
        from shuanglian import scoping

        unmasked = scoping.sees_full_numbers(user)
        if exported or (unmasked and request.method == "GET" and response.status_code == 200):
            self._log(request, response, user, exported, unmasked, disposition)
        return response

    @staticmethod
    def _log(request, response, user, exported, unmasked, disposition):
        from .models import AccessLog

        filename = disposition.split("filename", 1)[-1].lstrip("*=\"'").rstrip("\"'")[:200] if exported else ""
        AccessLog.objects.create(
            user=user, username=user.get_username(), kind=AccessLog.Kind.EXPORT if exported else AccessLog.Kind.VIEW,
            unmasked=unmasked, method=request.method[:8], path=request.get_full_path()[:500],
            status=response.status_code, filename=filename, address=request.META.get("REMOTE_ADDR") or None,
        )
