"""Report periods: a month (2025-03), a quarter (2025-Q1) or a year (2025).

"月报告、季调度、年总结" (docs/domain.md §8; seed 000, requirement 3): every report covers one calendar period, named exactly as the
``make_report --period`` argument names it.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuanglian.errors import DomainError

MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
PATTERNS = {
    MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE),
    ANNUAL: re.compile(r"^(\d{4})$"),
}
EXAMPLES = {MONTHLY: "2025-03", QUARTERLY: "2025-Q1", ANNUAL: "2025"}
# One whole label per quarter: Chinese counts quarters in words (第一季度), other languages in
# figures (Q1 2025), so the number is part of the text to translate, not a placeholder.
QUARTER_TITLES = {
    1: gettext_lazy("%(year)s年第一季度"),
    2: gettext_lazy("%(year)s年第二季度"),
    3: gettext_lazy("%(year)s年第三季度"),
    4: gettext_lazy("%(year)s年第四季度"),
}


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    label: str  # 2025-03, 2025-Q1, 2025
    start: date
    end: date

    @classmethod
    def parse(cls, kind: str, text: str) -> Period:
        """The period a ``--period`` argument names, checked against the report kind."""
        pattern = PATTERNS.get(kind)
        if pattern is None:
            raise DomainError({"kind": _("报表类型应为 monthly、quarterly 或 annual。")})
        match = pattern.match((text or "").strip())
        if not match:
            raise DomainError({"period": _("期间“%(text)s”的格式不对，应形如 %(example)s。") % {
                "text": text, "example": EXAMPLES[kind]}})
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise DomainError({"period": _("年度%(year)s超出范围。") % {"year": year}})
        if kind == MONTHLY:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise DomainError({"period": _("月份应在01到12之间。")})
            start = date(year, month, 1)
            return cls(kind, f"{year}-{month:02d}", start, month_end(start))
        if kind == QUARTERLY:
            quarter = int(match.group(2))
            start = date(year, 3 * quarter - 2, 1)
            return cls(kind, f"{year}-Q{quarter}", start, month_end(date(year, 3 * quarter, 1)))
        return cls(kind, str(year), date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        if kind == MONTHLY:
            return cls.parse(kind, f"{day:%Y-%m}")
        if kind == QUARTERLY:
            return cls.parse(kind, f"{day.year}-Q{(day.month - 1) // 3 + 1}")
        return cls.parse(kind, str(day.year))

    @classmethod
    def last_complete(cls, kind: str, today: date) -> Period:
        """The latest period that ended before today: what a schedule on the 1st reports on."""
        current = cls.containing(kind, today)
        return cls.containing(kind, current.start - timedelta(days=1))

    @property
    def title(self) -> str:
        if self.kind == MONTHLY:
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == QUARTERLY:
            quarter = (self.start.month - 1) // 3 + 1
            return QUARTER_TITLES[quarter] % {"year": self.start.year}
        return _("%(year)s年") % {"year": self.start.year}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
