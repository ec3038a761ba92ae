"""The 评议 sheet: paper tallies per year, direction and target, with the limits of one ballot
per rater, and the evaluation_results command reading them."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from assessments.models import EvaluationRound, Tally
from assessments.services import close_round

from .conftest import run_command
from .dbstate import empty_database
from .workbooks import C_LI, C_TEACHER, C_ZHANG, CITY_UNIT, COUNTY_UNIT, POOR_VILLAGE, valid_sheets, write_workbook

pytestmark = pytest.mark.django_db

HEADER = ["年度", "评议类型", "对象", "满意", "基本满意", "不满意"]
GOOD = [
    [2025, "户评干部", C_LI, 1, 1, 0],  # Li is paired with two households in 2025
    [2025, "单位评干部", C_ZHANG, 0, 1, 0],
    [2025, "干部评班子", COUNTY_UNIT, 2, 0, 1],  # three cadres in the county unit
    [2025, "村评单位", CITY_UNIT, 1, 1, 0],  # two villages paired in 2025
]


def with_tallies(rows, base=True) -> dict:
    sheets = valid_sheets() if base else {}
    sheets["评议"] = [HEADER, *map(list, rows)]
    return sheets


def import_sheets(tmp_path, sheets, name="roster.xlsx"):
    return run_command("import_roster", str(write_workbook(tmp_path / name, sheets)))


def results(year=2025) -> list[str]:
    out = io.StringIO()
    call_command("evaluation_results", "--year", str(year), stdout=out)
    return out.getvalue().splitlines()


def test_tallies_import_and_the_results_read_them(tmp_path):
    run = import_sheets(tmp_path, with_tallies(GOOD))
    assert run.code == 0, run.out
    assert Tally.objects.count() == 4
    assert f"户评干部,{C_LI},李明,2,1,1,0,100.0" in results()
    assert f"干部评班子,{COUNTY_UNIT},秦州区农业农村局,3,2,0,1,66.7" in results()


def test_a_round_is_opened_for_a_year_that_has_none(tmp_path):
    run = import_sheets(tmp_path, with_tallies(GOOD))
    rnd = EvaluationRound.objects.get()
    assert (rnd.year, rnd.area_id) == (2025, "620000000000") and "已建立" in run.err


def test_importing_the_same_tallies_again_changes_nothing(tmp_path):
    import_sheets(tmp_path, with_tallies(GOOD))
    run = import_sheets(tmp_path, with_tallies(GOOD), "again.xlsx")
    assert "评议：新增 0，更新 0，未变 4" in run.out and EvaluationRound.objects.count() == 1


def test_a_corrected_row_updates_its_tally(tmp_path):
    import_sheets(tmp_path, with_tallies(GOOD))
    import_sheets(tmp_path, with_tallies([[2025, "户评干部", C_LI, 2, 0, 0]]), "fix.xlsx")
    assert Tally.objects.get(cadre__id_number=C_LI).satisfied == 2


def test_a_negative_tally_is_a_problem_and_nothing_is_written(tmp_path):
    run = import_sheets(tmp_path, with_tallies([*GOOD, [2025, "户评干部", C_ZHANG, 1, -1, 0]]))
    assert run.code == 1 and "评议!6: 基本满意：应不小于0。" in run.out + run.err
    assert not Tally.objects.exists()


@pytest.mark.parametrize("row, message", [
    ([2025, "户评干部", C_LI, 2, 1, 0], "超过上限"),  # three ballots, two households
    ([2025, "干部评班子", COUNTY_UNIT, 4, 0, 0], "3名干部"),
    ([2025, "户评干部", C_TEACHER, 0, 0, 0], "没有联村联户"),  # a teacher pairs no household
    ([2025, "户评干部", COUNTY_UNIT, 1, 0, 0], "不在干部名册中"),
    ([2025, "村评单位", "U99", 1, 0, 0], "不存在"),
    ([2025, "乡评县", CITY_UNIT, 1, 0, 0], "不是有效选项"),
])
def test_a_bad_row_is_named_with_its_problem(tmp_path, row, message):
    run = import_sheets(tmp_path, with_tallies([row]))
    output = run.out + run.err
    assert run.code == 1 and "评议!2:" in output and message in output
    assert not Tally.objects.exists()


def test_a_second_row_for_the_same_target_is_a_problem(tmp_path):
    run = import_sheets(tmp_path, with_tallies([GOOD[0], [2025, "户评干部", C_LI, 0, 1, 0]]))
    assert run.code == 1 and "评议!3: 与第2行重复。" in run.out + run.err


def test_a_closed_round_refuses_its_tallies(tmp_path):
    import_sheets(tmp_path, with_tallies(GOOD))
    close_round(rnd=EvaluationRound.objects.get())
    run = import_sheets(tmp_path, with_tallies([[2025, "户评干部", C_LI, 2, 0, 0]], base=False), "late.xlsx")
    assert run.code == 1 and "已结束" in run.out + run.err
    assert Tally.objects.get(cadre__id_number=C_LI).satisfied == 1


def test_the_most_specific_round_receives_the_tallies(tmp_path):
    import_sheets(tmp_path, valid_sheets())
    county_round = EvaluationRound.objects.create(year=2025, area_id="620502000000", opens=dt.date(2025, 12, 1),
                                                  closes=dt.date(2025, 12, 31))
    import_sheets(tmp_path, with_tallies(GOOD[:1], base=False), "tallies.xlsx")
    assert Tally.objects.get().round == county_round


def test_tallies_round_trip_through_an_export(tmp_path):
    import_sheets(tmp_path, with_tallies(GOOD))
    before = sorted(Tally.objects.values_list("direction", "unit__code", "cadre__id_number", "satisfied", "basic", "unsatisfied"))
    out = tmp_path / "export.xlsx"
    call_command("export_roster", "-o", str(out), stdout=io.StringIO())
    empty_database()
    assert run_command("import_roster", str(out)).code == 0
    after = sorted(Tally.objects.values_list("direction", "unit__code", "cadre__id_number", "satisfied", "basic", "unsatisfied"))
    assert after == before


# --- team raters: the village's 村两委 and the unit's 班子 (docs/domain.md §7) ---

VILLAGE_YEAR_HEADER = ["区划代码", "年度", "总户数", "总人口", "贫困人口", "农民人均纯收入", "集体经济收入", "村两委成员数"]
SEVEN_FROM_THE_VILLAGE = [2025, "村评单位", COUNTY_UNIT, 5, 1, 1]  # the county unit is paired with one village
SEVEN_FROM_THE_LEADERSHIP = [2025, "单位评干部", C_ZHANG, 5, 1, 1]


def with_committee(sheets: dict, size) -> dict:
    sheets["村情"] = [VILLAGE_YEAR_HEADER, [POOR_VILLAGE, 2025, 312, 1248, 420, 3650, None, size]]
    return sheets


def with_leadership(sheets: dict, size) -> dict:
    sheets["单位"][0].append("班子成员数")
    for row in sheets["单位"][1:]:
        row.append(size if row[0] == COUNTY_UNIT else None)
    return sheets


def test_seven_village_ballots_import_while_the_committee_size_is_unknown(tmp_path):
    run = import_sheets(tmp_path, with_tallies([SEVEN_FROM_THE_VILLAGE]))
    assert run.code == 0, run.out + run.err
    assert f"村评单位,{COUNTY_UNIT},秦州区农业农村局,7,5,1,1,85.7" in results()


def test_village_ballots_beyond_the_committee_size_of_the_same_file_are_refused(tmp_path):
    run = import_sheets(tmp_path, with_committee(with_tallies([SEVEN_FROM_THE_VILLAGE]), 5))
    assert run.code == 1
    assert "评议!2: 票数合计7张（含网上评议），超过上限：村两委成员数合计5人，选票不能超过5张。" in run.out + run.err
    assert not Tally.objects.exists()


def test_village_ballots_beyond_a_committee_size_already_recorded_are_refused(tmp_path):
    assert import_sheets(tmp_path, with_committee(valid_sheets(), 5)).code == 0
    run = import_sheets(tmp_path, with_tallies([SEVEN_FROM_THE_VILLAGE], base=False), "tallies.xlsx")
    assert run.code == 1 and "评议!2:" in run.out + run.err and "村两委成员数合计5人" in run.out + run.err
    assert not Tally.objects.exists()


def test_village_ballots_within_the_committee_size_are_accepted(tmp_path):
    run = import_sheets(tmp_path, with_committee(with_tallies([SEVEN_FROM_THE_VILLAGE]), 7))
    assert run.code == 0, run.out + run.err


def test_seven_leadership_ballots_import_while_the_leadership_size_is_unknown(tmp_path):
    run = import_sheets(tmp_path, with_tallies([SEVEN_FROM_THE_LEADERSHIP]))
    assert run.code == 0, run.out + run.err


def test_leadership_ballots_beyond_the_leadership_size_of_the_same_file_are_refused(tmp_path):
    run = import_sheets(tmp_path, with_leadership(with_tallies([SEVEN_FROM_THE_LEADERSHIP]), 5))
    assert run.code == 1
    assert "评议!2: 票数合计7张（含网上评议），超过上限：单位班子成员数5人，选票不能超过5张。" in run.out + run.err


def test_leadership_ballots_beyond_a_leadership_size_already_recorded_are_refused(tmp_path):
    assert import_sheets(tmp_path, with_leadership(valid_sheets(), 5)).code == 0
    run = import_sheets(tmp_path, with_tallies([SEVEN_FROM_THE_LEADERSHIP], base=False), "tallies.xlsx")
    assert run.code == 1 and "评议!2:" in run.out + run.err and "单位班子成员数5人" in run.out + run.err


def test_a_leadership_size_raised_in_the_same_file_admits_the_ballots(tmp_path):
    assert import_sheets(tmp_path, with_leadership(valid_sheets(), 5)).code == 0
    run = import_sheets(tmp_path, with_leadership(with_tallies([SEVEN_FROM_THE_LEADERSHIP]), 7), "more.xlsx")
    assert run.code == 0, run.out + run.err
