"""The 标准 sheet (the thresholds of a year, docs/domain.md §10): imported all or nothing, matched
on 年度, set only by the province, exported in the same format (docs/roster-format.md)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from households.models import PovertyLine
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import Scope

from .conftest import run_command
from .workbooks import write_workbook

pytestmark = pytest.mark.django_db

HEADER = ["年度", "省定扶贫标准", "国家扶贫标准", "贫困村人均纯收入标准", "贫困发生率标准"]
ROWS = [[2024, 2875, 2736, 3902, 30], [2025, "3000.50", 2800, 4000, "25.5"]]


def import_rows(tmp_path, rows=ROWS, name="r.xlsx"):
    return run_command("import_roster", str(write_workbook(tmp_path / name, {"标准": [HEADER, *rows]})))


def stored():
    return list(PovertyLine.objects.order_by("year").values_list(
        "year", "province_line", "national_line", "village_income_line", "incidence_rate", "notice_days"))


def test_thresholds_import_with_every_column_and_the_default_notice_days(tmp_path):
    run = import_rows(tmp_path)
    assert run.code == 0, run.out + run.err
    assert stored() == [(2024, 2875, 2736, 3902, 30, 7), (2025, Decimal("3000.50"), 2800, 4000, Decimal("25.5"), 7)]


def test_importing_the_same_thresholds_again_changes_nothing(tmp_path):
    import_rows(tmp_path)
    run = import_rows(tmp_path, name="again.xlsx")
    assert "标准：新增 0，更新 0，未变 2" in run.out and PovertyLine.objects.count() == 2


def test_a_corrected_row_updates_its_year_and_keeps_its_notice_days(tmp_path):
    import_rows(tmp_path)
    PovertyLine.objects.filter(year=2025).update(notice_days=10)
    run = import_rows(tmp_path, [[2025, 3100, 2800, 4000, 25]], "fix.xlsx")
    assert "标准：新增 0，更新 1，未变 0" in run.out, run.out + run.err
    assert stored()[1] == (2025, 3100, 2800, 4000, 25, 10)


@pytest.mark.parametrize("row, message", [
    ([2025, 0, 2736, 3902, 30], "扶贫标准应为大于0的金额。"),
    ([2025, 2875, 0, 3902, 30], "扶贫标准应为大于0的金额。"),
    ([2025, 2875, 2736, 0, 30], "扶贫标准应为大于0的金额。"),
    ([2025, 2875, 2736, 3902, "100.01"], "贫困发生率标准：100.01应不大于100（%）。"),
    ([2025, 2875, 2736, 3902, -1], "贫困发生率标准：金额-1不能为负数。"),
    ([2025, 2875, 2736, 3902, "三成"], "贫困发生率标准：“三成”不是金额"),
    ([2025, 2875, 2736, 3902, None], "“贫困发生率标准”不能为空。"),
    ([1900, 2875, 2736, 3902, 30], "年度：年度1900超出合理范围"),
])
def test_a_bad_threshold_row_is_named_with_its_problem_and_nothing_is_written(tmp_path, row, message):
    run = import_rows(tmp_path, [ROWS[0], row])
    output = run.out + run.err
    assert run.code == 1 and "标准!3:" in output and message in output, output
    assert not PovertyLine.objects.exists()


def test_a_national_line_above_the_provincial_one_is_accepted(tmp_path):
    assert import_rows(tmp_path, [[2025, 2700, 2736, 3902, 30]]).code == 0


def test_a_second_row_for_the_same_year_is_a_problem(tmp_path):
    run = import_rows(tmp_path, [ROWS[0], ROWS[0]])
    assert run.code == 1 and "标准!3: 与第2行重复。" in run.out + run.err


def test_a_county_office_cannot_set_thresholds(tmp_path):
    path = write_workbook(tmp_path / "r.xlsx", {"标准": [HEADER, ROWS[0]]})
    with pytest.raises(RosterRejected) as exc_info:
        import_workbook(path, scope=Scope(area_prefix="620502", can_change=True))
    assert [str(p) for p in exc_info.value.result.problems] == ["标准!2: 扶贫标准由省扶贫办设定，您不能修改。"]
    assert not PovertyLine.objects.exists()


def test_a_county_office_may_import_the_thresholds_as_they_stand(tmp_path):
    import_rows(tmp_path)
    path = write_workbook(tmp_path / "same.xlsx", {"标准": [HEADER, *ROWS]})
    import_workbook(path, scope=Scope(area_prefix="620502", can_change=True))
    assert PovertyLine.objects.count() == 2


def test_thresholds_round_trip_through_an_export(tmp_path):
    from openpyxl import load_workbook

    import_rows(tmp_path)
    before = stored()
    out = tmp_path / "export.xlsx"
    assert run_command("export_roster", "-o", str(out)).code == 0
    assert [c.value for c in next(load_workbook(out)["标准"].iter_rows(max_row=1))] == HEADER
    PovertyLine.objects.all().delete()
    run = run_command("import_roster", str(out))
    assert run.code == 0, run.out + run.err
    assert stored() == before
