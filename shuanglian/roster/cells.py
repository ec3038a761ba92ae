"""Parsers for roster cells (docs/roster-format.md): each takes the raw cell value and returns a
clean Python value or raises DomainError with a message a clerk understands."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db.models import TextChoices
from django.utils import timezone, translation

from shuanglian.errors import DomainError

BLANK = (None, "")
EARLIEST = dt.date(1980, 1, 1)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int = 200) -> str:
    if value.__class__ is str:  # the common case, first
        result = value.strip()
        if len(result) > max_length:
            raise DomainError(f"不能超过{max_length}个字符。")
        return result
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        raise DomainError("应为文字，不是日期。")
    result = str(value).strip()
    if len(result) > max_length:
        raise DomainError(f"不能超过{max_length}个字符。")
    return result


def code(value, *, max_length: int = 32) -> str:
    """An identifier typed as text or as a whole number (Excel likes to turn codes into numbers)."""
    if isinstance(value, float):
        if not value.is_integer():
            raise DomainError(f"“{value}”不是有效的代码。")
        value = int(value)
    result = text(value, max_length=max_length)
    if not re.fullmatch(r"[0-9A-Za-z\-_.]+", result or "-"):
        raise DomainError(f"“{result}”只能包含字母、数字和 - _ .。")
    return result


def date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        raw = value.strip()
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw):
            raise DomainError(f"“{raw}”不是日期，应为Excel日期或YYYY-MM-DD。")
        try:
            value = dt.date(*map(int, raw.split("-")))
        except ValueError:
            raise DomainError(f"“{raw}”不是有效日期。") from None
    elif not isinstance(value, dt.date):
        raise DomainError(f"“{value}”不是日期，应为Excel日期或YYYY-MM-DD。")
    latest = timezone.localdate() + dt.timedelta(days=366)
    if not EARLIEST <= value <= latest:
        raise DomainError(f"日期{value:%Y-%m-%d}超出合理范围（{EARLIEST:%Y-%m-%d}至{latest:%Y-%m-%d}）。")
    return value


def year(value) -> int:
    number = whole_number(value)
    latest = timezone.localdate().year + 5
    if not EARLIEST.year <= number <= latest:
        raise DomainError(f"年度{number}超出合理范围（{EARLIEST.year}至{latest}）。")
    return number


def whole_number(value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise DomainError("应为整数。")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"-?\d+", value):
            raise DomainError(f"“{value}”不是整数。")
        if len(value) > 30:  # int() refuses text past 4,300 digits; no count in a roster comes near 30
            raise DomainError(f"“{value[:30]}…”位数过多，不是有效的整数。")
        value = int(value)
    elif isinstance(value, float):
        if not value.is_integer():
            raise DomainError(f"“{value}”不是整数。")
        value = int(value)
    elif not isinstance(value, int):
        raise DomainError(f"“{value}”不是整数。")
    if minimum is not None and value < minimum:
        raise DomainError(f"应不小于{minimum}。")
    if maximum is not None and value > maximum:
        raise DomainError(f"应不大于{maximum}。")
    return value


def money(value) -> Decimal:
    """Yuan, at most to the fen; blanks are 0 (docs/roster-format.md, sheet 收入)."""
    if is_blank(value):
        return Decimal(0)
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise DomainError(f"“{value}”不是金额。")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise DomainError(f"“{value}”不是金额，应为数字（元）。") from None
    if not amount.is_finite():
        raise DomainError(f"“{value}”不是金额。")
    if amount < 0:
        raise DomainError(f"金额{amount}不能为负数。")
    if amount >= Decimal("1e10"):
        raise DomainError(f"金额{amount}过大。")
    return amount.quantize(Decimal("0.01"))


def yes_no(value) -> bool:
    raw = text(value)
    if raw in ("是", "Y", "y", "yes", "1", "True", "TRUE"):
        return True
    if raw in ("否", "N", "n", "no", "0", "False", "FALSE"):
        return False
    raise DomainError(f"“{raw}”应为“是”或“否”。")


def choice(choices: type[TextChoices]):
    """A parser taking the Chinese label (the roster's words) and returning the stored value."""
    with translation.override(None):  # the Chinese source labels, not the active language's
        by_label = {str(label): value for value, label in choices.choices}

    def parse(value) -> str:
        raw = text(value)
        if raw in by_label:
            return by_label[raw]
        raise DomainError(f"“{raw}”不是有效选项，应为：{'、'.join(by_label)}。")

    parse.labels = {value: label for label, value in by_label.items()}
    return parse


def split_list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，]", text(value, max_length=2000)) if part.strip()]
