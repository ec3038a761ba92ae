"""The whole roster import (shuanglian/roster/engine.py) under bad input: a workbook spoiled with
arbitrary cells — junk of every type, or values that are well-formed but wrong for the row
(a code of another row, a date out of order, someone else's ID number) — either imports, or is
rejected with every problem as ``SHEET!ROW: message`` and nothing written. It never raises
anything else, and a workbook that imported imports again without changing anything."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.models import EvaluationRound, Tally
from households.models import Area
from shuanglian.roster.engine import RosterRejected, handlers, import_workbook
from shuanglian.scoping import EVERYTHING
from tests.roster.dbstate import canonical_dump
from tests.roster.workbooks import (
    C_LI,
    C_ZHANG,
    CITY_UNIT,
    COUNTY_UNIT,
    H1,
    H2,
    H3,
    POOR_VILLAGE,
    valid_sheets,
    write_workbook,
)
from visits.models import AnomalyFlag, UnitVisit, Visit

from .strategies import area_codes, id_numbers, junk_dates, junk_text

pytestmark = pytest.mark.django_db

d = dt.date
PROBLEM = re.compile(r"^(?P<sheet>[^!:]+)!(?P<row>\d+): (?P<message>.+)$", re.S)


def base_sheets() -> dict[str, list[list]]:
    """The sample roster of tests/roster with visits, unit visits and paper tallies added: every
    sheet of docs/roster-format.md, all valid together."""
    sheets = valid_sheets()
    sheets["走访"] = [
        ["干部身份证号", "户编号", "开始日期", "结束日期", "吃住在村", "落实任务", "帮办实事", "备注"],
        [C_LI, f"{H1}、{H3}", d(2025, 4, 1), d(2025, 4, 3), "是", "政策宣传、促进发展", "修缮院墙", "入户走访"],
        [C_ZHANG, H2, d(2025, 6, 1), d(2025, 6, 2), "否", None, None, None],
    ]
    sheets["单位进村"] = [
        ["单位代码", "村代码", "开始日期", "结束日期", "带队干部身份证号", "人数", "备注"],
        [COUNTY_UNIT, POOR_VILLAGE, d(2025, 5, 6), d(2025, 5, 9), C_LI, 3, None],
    ]
    sheets["评议"] = [
        ["年度", "评议类型", "对象", "满意", "基本满意", "不满意"],
        [2025, "户评干部", C_LI, 1, 1, 0],
        [2025, "干部评班子", COUNTY_UNIT, 2, 0, 1],
        [2025, "村评单位", CITY_UNIT, 1, 1, 0],
    ]
    return sheets


BASE = base_sheets()
# Values that are well-formed somewhere in the roster: any cell of any sheet, so a row gets a
# code, an ID number or a date that belongs elsewhere.
KNOWN_VALUES = sorted({repr(v): v for rows in BASE.values() for row in rows[1:] for v in row if v is not None}.items())


def writable(value):
    """Junk as a spreadsheet can hold it: no control characters, no NaN or infinity (a file
    that holds those is damaged, and is reported as such)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return value


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    junk_text,
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10 ** 12, max_value=10 ** 12),
    junk_dates,
    st.dates(min_value=d(2022, 1, 1), max_value=d(2026, 12, 31)),
    id_numbers(),
    area_codes(),
    st.sampled_from(KNOWN_VALUES).map(lambda item: item[1]),
).map(writable)


@st.composite
def spoiled_workbooks(draw) -> tuple[dict[str, list[list]], list[tuple]]:
    """The base roster with a few cells set to drawn values, in existing rows or in rows added
    (a copy of another row: often a duplicate key, which is a problem too)."""
    sheets = base_sheets()
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        if draw(st.integers(0, 4)) == 0:
            rows.append(list(draw(st.sampled_from(rows[1:]))))
        index = draw(st.integers(1, len(rows) - 1))
        column = draw(st.integers(0, len(rows[0]) - 1))
        value = draw(cell_values)
        rows[index][column] = value
        changes.append((name, index + 1, rows[0][column], value))
    return sheets, changes


def everything_written() -> dict:
    """The roster's rows and what the import writes besides them."""
    state = canonical_dump()
    state["visits"] = sorted((v.cadre_id, v.start, v.end, v.stayed, tuple(v.tasks), v.help_given, v.notes,
                              tuple(sorted(v.households.values_list("number", flat=True))))
                             for v in Visit.objects.all())
    state["unit_visits"] = sorted(UnitVisit.objects.values_list("unit_id", "village_id", "start", "end", "leader_id",
                                                                "people", "notes"))
    state["tallies"] = sorted(Tally.objects.values_list("round_id", "direction", "unit_id", "cadre_id", "satisfied",
                                                        "basic", "unsatisfied"))
    state["rounds"] = sorted(EvaluationRound.objects.values_list("year", "area_id"))
    state["flags"] = sorted(AnomalyFlag.objects.values_list("kind", "day"))
    return state


def assert_area_tree_is_whole() -> None:
    """Every area hangs one level under its parent (docs/domain.md §3: province → city → county →
    township → village), as its code says."""
    order = ["province", "city", "county", "township", "village"]
    levels = dict(Area.objects.values_list("code", "level"))
    for code, level, parent in Area.objects.values_list("code", "level", "parent_id"):
        if parent is None:
            assert level == "province", code
        else:
            assert order.index(levels[parent]) == order.index(level) - 1, (code, parent)


def import_or_reject(path) -> list[str] | None:
    """The problems of a rejected import (nothing else may be raised), or None when it imported."""
    try:
        import_workbook(str(path), scope=EVERYTHING)
    except RosterRejected as rejected:
        return [str(problem) for problem in rejected.result.problems]
    return None


def check_spoiled_workbook(tmp_path, sheets) -> None:
    path = write_workbook(tmp_path / "spoiled.xlsx", sheets)
    with transaction.atomic():  # each example starts from the same database
        before = everything_written()
        problems = import_or_reject(path)
        if problems is not None:
            assert problems, "a rejected import names its problems"
            names = {h.name for h in handlers()}
            for line in problems:
                match = PROBLEM.match(line)
                assert match, f"not SHEET!ROW: message — {line!r}"
                assert match["sheet"] in names and 1 <= int(match["row"]) <= 20, line
            assert everything_written() == before, "a rejected import changed the database"
        else:
            assert_area_tree_is_whole()
            imported = everything_written()
            assert import_or_reject(path) is None, "a workbook that imported is refused the second time"
            assert everything_written() == imported, "importing the same workbook again changed something"
        transaction.set_rollback(True)


def test_the_base_workbook_imports(tmp_path):
    path = write_workbook(tmp_path / "base.xlsx", base_sheets())
    with transaction.atomic():
        assert import_or_reject(path) is None
        assert Visit.objects.count() == 2 and UnitVisit.objects.count() == 1 and Tally.objects.count() == 3
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None)
@given(spoiled=spoiled_workbooks())
@example(spoiled=(dict(base_sheets(), 农户=[row if i != 1 else row[:5] + ["9" * 5000] + row[6:]
                                           for i, row in enumerate(base_sheets()["农户"])]), []))
@example(spoiled=(dict(base_sheets(), 区划=base_sheets()["区划"] + [["620500000001", "断层村", "村", "否"]]), []))
def test_a_spoiled_workbook_imports_or_is_rejected_row_by_row_and_writes_nothing(tmp_path, spoiled):
    sheets, _changes = spoiled
    check_spoiled_workbook(tmp_path, sheets)


@settings(max_examples=20, deadline=None)
@given(spoiled=spoiled_workbooks())
def test_a_spoiled_workbook_over_an_imported_roster_updates_it_or_changes_nothing(tmp_path, spoiled):
    sheets, _changes = spoiled
    with transaction.atomic():
        assert import_or_reject(write_workbook(tmp_path / "base.xlsx", base_sheets())) is None
        check_spoiled_workbook(tmp_path, sheets)
        transaction.set_rollback(True)
