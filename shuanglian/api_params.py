"""The pieces of the API that its settings name (pages, known parameters, errors). They live
apart from the viewsets because DRF imports them while defining its own generic views."""
from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.filters import BaseFilterBackend
from rest_framework.views import exception_handler as drf_exception_handler

# Query parameters every list understands besides its own filters.
COMMON_PARAMETERS = {"page", "page_size", "ordering", "format"}


class Pages(pagination.PageNumberPagination):
    """50 rows a page by default, at most 500; asking for more is an error, not a silent cap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses, and int() refuses
        # strings past 4,300 digits.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("每页条数应为1到%(max)s之间的整数。") % {"max": self.max_page_size}]})
        return int(raw)


class KnownParameters(BaseFilterBackend):
    """Refuse query parameters a list does not know: a misspelt filter would otherwise return
    everything and look like an answer."""

    def filter_queryset(self, request, queryset, view):
        from shuanglian import scoping

        known = set(COMMON_PARAMETERS) | set(getattr(view, "extra_parameters", ()))
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            # A filter on an ID number, a mobile number, a birth date or an account name exists
            # only for readers who see them in full: to the others it would say whether a prefix
            # matches and give the masked digits back, so it is unknown to them.
            may = scoping.may_look_up_personal_fields(request.user)
            known |= {name for name, filter_ in filterset_class.base_filters.items()
                      if may or not (scoping.names_personal_field(name)
                                     or scoping.names_personal_field(filter_.field_name or ""))}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError({name: [_("未知的查询参数。可用参数：%(known)s") % {
                "known": "、".join(sorted(known))}] for name in unknown})
        return queryset


def exception_handler(exc, context):
    """Service rules (DomainError) and model validation are the user's input: a 400 naming the
    field; a missing object is a 404. Anything else is left to DRF (and a 500 is a bug)."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, (ObjectDoesNotExist, Http404)):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


ERRORS = {
    "400": "输入有误：字段名对应错误说明",
    "401": "未登录或令牌无效",
    "403": "无权进行该操作",
    "404": "不存在或不在您的范围内",
}

SIGN_IN_ERRORS = {"429": "同一地址登录失败次数过多，请稍后再试"}


def document_errors(result, generator, request, public):
    """Every operation can answer these errors (bad input, no sign-in, no right, out of scope);
    the schema says so, with the shape of the body: field → messages, or ``detail``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "description": "{字段名: [错误说明…]} 或 {\"detail\": 错误说明}",
        "additionalProperties": True,
    }
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # Sign-in attempts are counted per address (shuanglian/throttle.py): past the limit, 429.
            errors = {**ERRORS, **SIGN_IN_ERRORS} if path.endswith("/auth/token/") else ERRORS
            for status, description in errors.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
