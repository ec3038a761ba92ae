"""An exported roster imports again: a row that changes nothing is unchanged, whatever rule a
change would meet (a closed round, a locked month, a policy tightened since), and what the
roster keys as one trip (a cadre's records with the same dates) is written as one row."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from assessments.models import EvaluationRound, Tally
from assessments.services import close_round
from households.models import Household
from pairing.models import Cadre
from visits.models import Visit, VisitPolicy
from visits.services.trips import log_visit

from .conftest import run_command
from .dbstate import empty_database
from .test_evaluation_sheet import GOOD as TALLIES
from .test_evaluation_sheet import import_sheets, with_tallies
from .test_visit_sheets import GOOD as VISITS
from .test_visit_sheets import with_visits
from .workbooks import C_LI, H1, H3

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def export(tmp_path, name="export.xlsx"):
    path = tmp_path / name
    run = run_command("export_roster", "-o", str(path))
    assert run.code == 0, run.out + run.err
    return path


def sheet_rows(path, sheet: str) -> list[dict]:
    rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# --- 评议 of a closed round ----------------------------------------------------------------------

@pytest.fixture
def closed_round(tmp_path):
    assert import_sheets(tmp_path, with_tallies(TALLIES), "tallies.xlsx").code == 0
    close_round(rnd=EvaluationRound.objects.get())


def test_a_closed_rounds_tallies_identical_to_the_stored_ones_are_unchanged(tmp_path, closed_round):
    run = import_sheets(tmp_path, with_tallies(TALLIES), "again.xlsx")
    assert run.code == 0, run.out + run.err
    assert "评议：新增 0，更新 0，未变 4" in run.out


def test_a_different_tally_in_a_closed_round_is_refused_naming_its_row(tmp_path, closed_round):
    changed = [list(row) for row in TALLIES]
    changed[1][3:6] = [1, 0, 0]  # the second data row: Excel row 3
    run = import_sheets(tmp_path, with_tallies(changed), "changed.xlsx")
    problems = [line for line in run.lines if line.startswith("评议!")]
    assert run.code == 1 and len(problems) == 1
    assert problems[0].startswith("评议!3: ") and "已结束" in problems[0]
    assert Tally.objects.get(cadre__id_number=changed[1][2]).basic == 1


def test_an_exported_closed_round_imports_into_the_same_database_unchanged(tmp_path, closed_round):
    run = run_command("import_roster", str(export(tmp_path)))
    assert run.code == 0, run.out + run.err
    assert "评议：新增 0，更新 0，未变 4" in run.out


# --- rules meet changes only -------------------------------------------------------------------------

def test_an_unchanged_trip_longer_than_a_policy_tightened_since_imports_again(tmp_path):
    assert import_sheets(tmp_path, with_visits(VISITS), "first.xlsx").code == 0
    VisitPolicy.objects.filter(subject=VisitPolicy.Subject.CADRE).update(max_trip_days=2)  # the April trip has 3
    run = run_command("import_roster", str(export(tmp_path)))
    assert run.code == 0, run.out + run.err
    assert "走访：新增 0，更新 0，未变 2" in run.out


def test_a_changed_trip_longer_than_the_policy_is_refused(tmp_path):
    assert import_sheets(tmp_path, with_visits(VISITS), "first.xlsx").code == 0
    VisitPolicy.objects.filter(subject=VisitPolicy.Subject.CADRE).update(max_trip_days=2)
    changed = [list(VISITS[0]), VISITS[1]]
    changed[0][7] = "补记"
    run = import_sheets(tmp_path, with_visits(changed), "changed.xlsx")
    assert run.code == 1 and any(line.startswith("走访!2: ") and "最长2天" in line for line in run.lines)


# --- two records of one cadre with the same dates ---------------------------------------------------

@pytest.fixture
def same_day_records(tmp_path):
    """Li went to household 1 and, later that day, to household 3, and entered each on the phone."""
    assert import_sheets(tmp_path, with_visits(VISITS), "first.xlsx").code == 0
    li = Cadre.objects.get(id_number=C_LI)
    for number, tasks, help_given in ((H1, ["policy"], "送春联"), (H3, ["opinion", "policy"], "联系农技员")):
        log_visit(cadre=li, households=[Household.objects.get(number=number)], start=d(2026, 6, 10), end=d(2026, 6, 10),
                  key=None, tasks=tasks, help_given=help_given)
    assert Visit.objects.filter(start=d(2026, 6, 10)).count() == 2


def test_a_cadres_records_with_the_same_dates_export_as_one_trip(tmp_path, same_day_records):
    rows = [r for r in sheet_rows(export(tmp_path), "走访") if r["开始日期"].date() == d(2026, 6, 10)]
    assert len(rows) == 1
    assert rows[0]["户编号"] == f"{H1}、{H3}" and rows[0]["落实任务"] == "政策宣传、反映民意"
    assert rows[0]["帮办实事"] == "送春联；联系农技员" and rows[0]["吃住在村"] == "否"


def test_a_cadres_records_with_the_same_dates_import_again_unchanged(tmp_path, same_day_records):
    run = run_command("import_roster", str(export(tmp_path)))
    assert run.code == 0, run.out + run.err
    assert "走访：新增 0，更新 0，未变 3" in run.out
    assert Visit.objects.filter(start=d(2026, 6, 10)).count() == 2


def test_a_cadres_records_with_the_same_dates_become_one_trip_in_an_empty_database(tmp_path, same_day_records):
    path = export(tmp_path)
    empty_database()
    run = run_command("import_roster", str(path))
    assert run.code == 0, run.out + run.err
    trip = Visit.objects.get(start=d(2026, 6, 10))
    assert sorted(h.number for h in trip.households.all()) == [H1, H3]
    assert trip.tasks == ["policy", "opinion"] and trip.help_given == "送春联；联系农技员"


def test_a_changed_row_of_several_records_is_refused_and_keeps_them_all(tmp_path, same_day_records):
    path = export(tmp_path)
    workbook = load_workbook(path)
    ws = workbook["走访"]
    headers = [c.value for c in ws[1]]
    number = next(r for r in range(2, ws.max_row + 1)
                  if ws.cell(r, headers.index("开始日期") + 1).value.date() == d(2026, 6, 10))
    ws.cell(number, headers.index("备注") + 1).value = "补记"
    workbook.save(path)
    run = run_command("import_roster", str(path))
    assert run.code == 1
    assert any(line.startswith(f"走访!{number}: ") and "2条走访记录" in line for line in run.lines)
    assert Visit.objects.filter(start=d(2026, 6, 10), notes="").count() == 2
