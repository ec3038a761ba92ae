"""Whole numbers from query strings and forms, read one way by every page.

``str.isdigit()`` and ``int()`` take more than a person types into a year or an id: ``int()``
accepts full-width and Arabic-Indic digits ("２０２５", "٢٠٢٥") and refuses "²" (a digit to
``isdigit``) and anything past 4,300 digits; a number past the column's range reaches the
database and fails there. Here a parameter is ASCII digits with an optional sign, within the
bounds the caller names (by default a 64-bit column); anything else is the user's bad input:
``BadParameter``, which Django answers with a 400 naming the parameter
(``shuanglian.views.bad_request``).
"""
from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.db import connection
from django.http import QueryDict
from django.utils.translation import gettext as _

BIGINT = (-(2**63), 2**63 - 1)
# An id of a row (BigAutoField): positive and within a 64-bit column.
ID = (1, 2**63 - 1)
_WHOLE = re.compile(r"[+-]?[0-9]{1,19}")  # ASCII only: re's \d would take other scripts' digits


class BadParameter(BadRequest):
    """A query or form value the page cannot read; its message is shown to the user."""


def whole_number(value: str, *, name: str, bounds: tuple[int, int] = BIGINT) -> int:
    text = (value or "").strip()
    low, high = bounds
    if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise BadParameter(_("参数 %(name)s 应为 %(low)s 到 %(high)s 之间的整数（半角数字）。")
                           % {"name": name[:40], "low": low, "high": high})
    return int(text)


def int_param(query: QueryDict, name: str, *, default: int | None = None, bounds: tuple[int, int] = BIGINT) -> int | None:
    """The parameter as an int; ``default`` when it is absent or empty."""
    value = query.get(name, "")
    if not value.strip():
        return default
    return whole_number(value, name=name, bounds=bounds)


def int_list_param(query: QueryDict, name: str, *, bounds: tuple[int, int] = ID) -> list[int]:
    """Every value of a repeated parameter (checkboxes) as ints; empty values are skipped."""
    return [whole_number(v, name=name, bounds=bounds) for v in query.getlist(name) if v.strip()]


def column_bounds(model, field_name: str) -> dict:
    """``min_value``/``max_value`` for a form's IntegerField from the database column of
    ``model.field_name`` (an integer column of PostgreSQL stops at 2,147,483,647; SQLite at
    2**63 − 1), so a number the column cannot hold is a form error, not a database error."""
    field = model._meta.get_field(field_name)
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return {"min_value": low, "max_value": high}


# Date filters the admin reads from the query string (its date hierarchy): a year outside the
# calendar makes Python's datetime raise OverflowError, which the admin does not expect.
_DATE_PARTS = {"__year": (1, 9999), "__month": (1, 12), "__day": (1, 31)}


class QueryStringGuard:
    """Refuse, for every page, the query values no page can use: NUL characters (PostgreSQL
    refuses them in any text) and date parts outside the calendar (the admin's date filters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                raise BadParameter(_("查询参数含有无效字符。"))
            for suffix, bounds in _DATE_PARTS.items():
                if name.endswith(suffix):
                    for value in values:
                        if value.strip():
                            whole_number(value, name=name, bounds=bounds)
        return self.get_response(request)
