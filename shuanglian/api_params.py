"""The pieces of the API that its settings name (pages, known parameters, errors). They live
apart from the viewsets because DRF imports them while defining its own generic views."""
from __future__ import annotations

import json

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

# Query parameters every list understands besides its own filters.
COMMON_PARAMETERS = {"page", "page_size", "ordering", "format"}


class Pages(pagination.PageNumberPagination):
    """50 rows a page by default, at most 500; asking for more is an error, not a silent cap.

    Pages keep their numbers (``page``) and the answer its ``count``, ``next``, ``previous`` and
    ``results``, but a page never counts a whole province: it reads ``page_size + 1`` rows, and
    the extra row alone says whether there is a ``next``. ``count`` is exact
    (``count_estimated: false``) when the list holds at most ``exact_count_limit`` rows, found by
    counting no further than that; a longer list on PostgreSQL gets the planner's estimate of
    its rows (``EXPLAIN (FORMAT JSON)``), never less than the rows known to exist, with
    ``count_estimated: true``. Other databases count exactly. ``page=last`` asks for the exact
    count, as it did. A page past the end is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # Counting a thousand rows takes a millisecond or two; a county's 10,000 households take tens
    # of milliseconds at full size, a province's 400,000 far more. Past it the planner's estimate
    # of an area's households is within a few percent.
    exact_count_limit = 1_000
    # Nine digits: past that an offset no longer fits the database's integers.
    page_number_digits = 9

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

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            total = _exact_count(queryset)
            number = max(1, -(-total // size))
        elif raw.isascii() and raw.isdigit() and len(raw) <= self.page_number_digits and int(raw) >= 1:
            number, total = int(raw), None
        else:
            raise exceptions.NotFound(_("页码无效。"))
        offset = (number - 1) * size
        rows = list(queryset[offset:offset + size + 1])
        if not rows and number > 1:
            raise exceptions.NotFound(_("页码无效。"))
        self.number, self.has_next = number, len(rows) > size
        rows = rows[:size]
        self.estimated = False
        if total is not None:
            self.count = total
        elif not self.has_next:
            self.count = offset + len(rows)  # the last page: the count is known without asking
        else:
            self.count, self.estimated = self._count(queryset, at_least=offset + len(rows) + 1)
        self.display_page_controls = self.has_next or number > 1
        return rows

    def _count(self, queryset, *, at_least: int) -> tuple[int, bool]:
        """(rows, estimated): exact up to ``exact_count_limit``, past it the planner's estimate."""
        if not isinstance(queryset, QuerySet):
            return len(queryset), False
        limit = self.exact_count_limit
        if at_least <= limit:
            counted = queryset.order_by().values("pk")[:limit + 1].count()
            if counted <= limit:
                return counted, False
        estimate = planner_estimate(queryset)
        if estimate is None:
            return _exact_count(queryset), False
        return max(estimate, at_least, limit + 1), True

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "count_estimated": self.estimated,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            "行数：不超过1000行时为精确值；更多时为数据库的估计值（count_estimated 为 true），"
            "不小于已知存在的行数")
        answer["properties"] = {
            "count": answer["properties"]["count"],
            "count_estimated": {"type": "boolean", "example": False,
                                "description": "count 为估计值时为 true：翻页以 next 为准"},
            **{k: v for k, v in answer["properties"].items() if k != "count"},
        }
        answer["required"] = ["count", "count_estimated", "results"]
        return answer

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link(), "page_links": []}


def _exact_count(rows) -> int:
    return rows.order_by().count() if isinstance(rows, QuerySet) else len(rows)


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of ``queryset`` (its plan's top ``Plan Rows``, from
    ``EXPLAIN (FORMAT JSON)``, which plans the query without running it); None elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


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

# An operation that reads a body answers a body it cannot read as what it is (no media type,
# one no parser takes, a multipart body without its parts) with 415.
BODY_ERRORS = {"415": "请求体的格式不受支持"}


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
            if "requestBody" in operation:
                errors = {**errors, **BODY_ERRORS}
            for status, description in errors.items():
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
