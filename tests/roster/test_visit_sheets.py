"""The 走访 and 单位进村 sheets: one record per key, the trip rules, round trip, flags."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from visits.models import AnomalyFlag, UnitVisit, Visit

from .conftest import run_command
from .dbstate import empty_database
from .workbooks import C_LI, C_ZHANG, COUNTY_UNIT, H1, H2, H3, POOR_VILLAGE, valid_sheets, write_workbook

pytestmark = pytest.mark.django_db

d = dt.date
VISIT_HEADER = ["干部身份证号", "户编号", "开始日期", "结束日期", "吃住在村", "落实任务", "帮办实事", "备注"]
UNIT_HEADER = ["单位代码", "村代码", "开始日期", "结束日期", "带队干部身份证号", "人数", "备注"]


def with_visits(visits=(), unit_visits=()) -> dict:
    sheets = valid_sheets()
    sheets["走访"] = [VISIT_HEADER, *map(list, visits)]
    sheets["单位进村"] = [UNIT_HEADER, *map(list, unit_visits)]
    return sheets


def import_sheets(tmp_path, sheets, name="roster.xlsx"):
    return run_command("import_roster", str(write_workbook(tmp_path / name, sheets)))


GOOD = [
    [C_LI, f"{H1}、{H3}", d(2025, 4, 1), d(2025, 4, 3), "是", "政策宣传、促进发展", "修缮院墙", "入户走访"],
    [C_LI, H3, d(2025, 6, 1), d(2025, 6, 2), "否", None, None, None],
]


def test_visits_import_with_their_households_and_tasks(tmp_path):
    run = import_sheets(tmp_path, with_visits(GOOD, [[COUNTY_UNIT, POOR_VILLAGE, d(2025, 5, 6), d(2025, 5, 9), C_LI, 3, None]]))
    assert run.code == 0, run.out
    visit = Visit.objects.get(start=d(2025, 4, 1))
    assert sorted(h.number for h in visit.households.all()) == sorted([H1, H3])
    assert visit.stayed and visit.tasks == ["policy", "development"] and visit.help_given == "修缮院墙"
    assert UnitVisit.objects.get().people == 3


def test_importing_the_same_visits_again_changes_nothing(tmp_path):
    sheets = with_visits(GOOD)
    import_sheets(tmp_path, sheets)
    run = import_sheets(tmp_path, sheets, "again.xlsx")
    assert "走访：新增 0，更新 0，未变 2" in run.out
    assert Visit.objects.count() == 2


def test_a_visit_naming_a_household_not_paired_with_the_cadre_is_a_problem(tmp_path):
    run = import_sheets(tmp_path, with_visits([[C_LI, H2, d(2025, 4, 1), d(2025, 4, 3), "否", None, None, None]]))
    assert run.code == 1
    assert any(line.startswith("走访!2: ") and H2 in line and "未与该干部结对" in line for line in run.lines)
    assert not Visit.objects.exists()


def test_a_visit_before_the_pairing_began_is_a_problem(tmp_path):
    # Li took household 1 over on 2024-07-01.
    run = import_sheets(tmp_path, with_visits([[C_LI, H1, d(2024, 6, 1), d(2024, 6, 2), "否", None, None, None]]))
    assert run.code == 1 and any(line.startswith("走访!2: ") for line in run.lines)


@pytest.mark.dates
def test_a_future_or_too_long_trip_is_a_problem(tmp_path):
    future = dt.date.today() + dt.timedelta(days=3)
    run = import_sheets(tmp_path, with_visits([
        [C_LI, H3, future, future, "否", None, None, None],
        [C_LI, H3, d(2025, 1, 1), d(2025, 3, 1), "否", None, None, None],
    ]))
    assert any(line.startswith("走访!2: ") and "今天以后" in line for line in run.lines)
    assert any(line.startswith("走访!3: ") and "最长31天" in line for line in run.lines)


def test_old_history_is_not_back_dating_for_an_office(tmp_path):
    run = import_sheets(tmp_path, with_visits([[C_ZHANG, H1, d(2023, 5, 1), d(2023, 5, 2), "否", None, None, None]]))
    assert run.code == 0, run.out


def test_an_unknown_task_is_a_problem(tmp_path):
    run = import_sheets(tmp_path, with_visits([[C_LI, H3, d(2025, 4, 1), d(2025, 4, 1), "否", "打卡", None, None]]))
    assert any(line.startswith("走访!2: ") and "打卡" in line for line in run.lines)


def test_a_unit_visit_to_a_village_it_is_not_paired_with_is_a_problem(tmp_path):
    run = import_sheets(tmp_path, with_visits(unit_visits=[[COUNTY_UNIT, "620502100002", d(2025, 5, 6), d(2025, 5, 9), None, 2, None]]))
    assert any(line.startswith("单位进村!2: ") and "未联系此村" in line for line in run.lines)


def test_overlapping_rows_import_and_are_flagged(tmp_path):
    run = import_sheets(tmp_path, with_visits([
        [C_LI, H3, d(2025, 4, 1), d(2025, 4, 3), "否", None, None, None],
        [C_LI, H1, d(2025, 4, 3), d(2025, 4, 5), "否", None, None, None],
    ]))
    assert run.code == 0 and AnomalyFlag.objects.filter(kind="overlap").count() == 1


def test_visits_round_trip_through_an_export(tmp_path):
    import_sheets(tmp_path, with_visits(GOOD, [[COUNTY_UNIT, POOR_VILLAGE, d(2025, 5, 6), d(2025, 5, 9), C_LI, 3, "带队"]]))
    before = sorted((v.cadre.id_number, v.start, v.end, v.stayed, tuple(v.tasks), tuple(sorted(h.number for h in v.households.all())))
                    for v in Visit.objects.all())
    out = tmp_path / "export.xlsx"
    call_command("export_roster", "-o", str(out), stdout=io.StringIO())
    empty_database()
    assert run_command("import_roster", str(out)).code == 0
    after = sorted((v.cadre.id_number, v.start, v.end, v.stayed, tuple(v.tasks), tuple(sorted(h.number for h in v.households.all())))
                   for v in Visit.objects.all())
    assert after == before and UnitVisit.objects.get().notes == "带队"


def test_compliance_reads_the_imported_visits(tmp_path):
    import_sheets(tmp_path, with_visits(GOOD))
    out = io.StringIO()
    call_command("compliance", "--year", "2025", stdout=out)
    rows = {r[0]: r for r in csv.reader(io.StringIO(out.getvalue()))}
    assert rows[C_LI][3:5] == ["2", "5"]
