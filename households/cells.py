"""Roster cells of the registry's own kinds (docs/roster-format.md): area codes, ID numbers and
mobile numbers, checked by the registry's validators; the general cell parsers are in
``shuanglian.roster.cells``."""
from __future__ import annotations

from shuanglian.errors import DomainError
from shuanglian.roster.cells import code, text

from .services import validate_area_code, validate_id_number, validate_mobile


def area_code(value) -> str:
    return validate_area_code(code(value, max_length=12))


def id_number(value) -> str:
    if isinstance(value, (int, float)):
        # An 18-digit number as an Excel number has already lost its last digits.
        raise DomainError("身份证号应以文本格式录入（数字格式会丢失末几位）。")
    return validate_id_number(text(value, max_length=18))


def mobile(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return validate_mobile(text(value, max_length=20))
