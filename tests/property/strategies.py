"""Hypothesis strategies for the campaign's values, shared by the property tests: resident ID
numbers built with an independent GB 11643 check digit, statistical area codes, and the junk a
clerk's spreadsheet can hold in any cell."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

# GB 11643-1999 (ISO 7064 MOD 11-2), written out here rather than taken from the code under test.
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK = "10X98765432"


def check_digit(body17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(body17, WEIGHTS)) % 11]


def today() -> dt.date:
    return dt.date.today()


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digit_string(size: int):
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


# Births well inside the past (a day of margin either side of "today" keeps time zones out of it).
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today() - dt.timedelta(days=2))


@st.composite
def id_numbers(draw, births=birth_dates) -> str:
    """A valid resident ID number: 6-digit region, birth date, 3-digit order, check digit."""
    body = draw(digit_string(6)) + draw(births).strftime("%Y%m%d") + draw(digit_string(3))
    return body + check_digit(body)


def is_valid_id_number(value: str) -> bool:
    """The reference rule: 17 ASCII digits, the GB 11643 check digit, a real birth date not after today."""
    number = value.strip().upper()
    if len(number) != 18 or not all("0" <= c <= "9" for c in number[:17]) or number[17] not in "0123456789X":
        return False
    if check_digit(number[:17]) != number[17]:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born <= today()


# Statistical codes: 2 province, 2 city, 2 county, 3 township, 3 village digits; a group is
# either real (non-zero) or, below the code's level, all zeros.
GROUP_SIZES = (2, 2, 2, 3, 3)
LEVELS = ("province", "city", "county", "township", "village")


@st.composite
def area_codes(draw, level: str | None = None) -> str:
    """A well-formed code of a level: non-zero groups down to the level, zeros below it."""
    depth = LEVELS.index(level) + 1 if level else draw(st.integers(1, 5))
    groups = []
    for index, size in enumerate(GROUP_SIZES):
        if index == 0:  # province codes run 11–82: never a leading zero
            groups.append(draw(st.sampled_from("123456789")) + draw(digit_string(size - 1)))
        elif index < depth:
            groups.append(draw(digit_string(size).filter(lambda g: g.strip("0"))))
        else:
            groups.append("0" * size)
    return "".join(groups)


@st.composite
def any_group_codes(draw) -> str:
    """Twelve digits in the five groups, each group all zeros or not, in any pattern — codes with
    a gap (a zero group above a real one) included."""
    return "".join(draw(st.sampled_from(["0" * size, "1" * size])) if draw(st.booleans()) else draw(digit_string(size))
                   for size in GROUP_SIZES)


def level_of_code(code: str) -> str:
    """The reference: the level is the deepest non-zero group."""
    deepest, start = 0, 0
    for index, size in enumerate(GROUP_SIZES):
        if code[start:start + size].strip("0"):
            deepest = index
        start += size
    return LEVELS[deepest]


# What a cell can hold once a workbook has been read: text (any Unicode, blanks, digits of other
# scripts, formula-looking text), numbers of every size, booleans, dates and times, None.
junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-.,、， Xx", max_size=24),
    st.sampled_from(["", " ", "是", "否", "NaN", "inf", "-0", "1e400", "=1+1", "２０２５-01-01", "٣", "²", "9" * 5000,
                     "0000-01-01", "2025-02-30", "2025-2-3", "1,000.005", "１２３"]),
)
junk_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)
junk_dates = st.one_of(
    st.dates(), st.datetimes(), st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-3650), max_value=dt.timedelta(days=3650)),
)
junk = st.one_of(st.none(), st.booleans(), junk_text, junk_numbers, junk_dates)

money_amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999999.99"), places=2,
                            allow_nan=False, allow_infinity=False)
