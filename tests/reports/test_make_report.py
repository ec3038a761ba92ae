"""make_report runs the scheduled task synchronously and writes Excel or the print page."""
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reports.models import Report

pytestmark = pytest.mark.django_db


def make(*args):
    out = io.StringIO()
    call_command("make_report", *args, stdout=out)
    return out.getvalue()


def test_make_report_writes_the_excel_report_and_records_it(county, tmp_path):
    path = tmp_path / "march.xlsx"
    output = make("--kind", "monthly", "--period", "2025-03", "--area", "620502000000", "-o", str(path))
    summary = {row[1]: row[2] for row in openpyxl.load_workbook(path)["汇总"].iter_rows(min_row=4, values_only=True)}
    assert (summary["干部走访次数"], summary["收集诉求"], summary["本年脱贫户数"]) == (2, 2, 1)
    assert Report.objects.get().status == "done"
    assert output.splitlines()[0] == "秦州区2025年3月双联工作月报告（2025-03-01 至 2025-03-31）"


def test_make_report_runs_again_in_place(county, tmp_path):
    for _ in range(2):
        make("--kind", "annual", "--period", "2025", "--area", "620502000000", "-o", str(tmp_path / "y.xlsx"))
    assert Report.objects.count() == 1 and Report.objects.get().attempts == 2


def test_make_report_writes_the_print_page_for_an_html_file(county, tmp_path):
    path = tmp_path / "q1.html"
    make("--kind", "quarterly", "--period", "2025-Q1", "--unit", "U1", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert "农业局2025年第一季度双联工作季调度" in html and "进度滞后干部" in html and "@page { size: A4 landscape" in html


def test_make_report_refuses_a_period_in_the_wrong_form(county, tmp_path):
    with pytest.raises(CommandError, match="2025-03"):
        make("--kind", "monthly", "--period", "2025-Q1", "--area", "620502000000", "-o", str(tmp_path / "x.xlsx"))


def test_make_report_refuses_an_unknown_area(county, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        make("--kind", "monthly", "--period", "2025-03", "--area", "629900000000", "-o", str(tmp_path / "x.xlsx"))
