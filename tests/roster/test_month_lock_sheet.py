"""The roster's 走访 and 单位进村 rows respect a locked month: unchanged history re-imports, a
new or changed row in the month is refused with its row number."""
import datetime as dt

import pytest

from pairing.models import Unit
from reports.services.submissions import approve_submission, submit_monthly_report
from visits.models import Visit

from .test_visit_sheets import GOOD, VISIT_HEADER, import_sheets, with_visits
from .workbooks import C_LI, COUNTY_UNIT, H3, POOR_VILLAGE

pytestmark = pytest.mark.django_db
d = dt.date
UNIT_ROW = [COUNTY_UNIT, POOR_VILLAGE, d(2025, 4, 8), d(2025, 4, 10), C_LI, 3, None]


@pytest.fixture
def april_locked(tmp_path):
    assert import_sheets(tmp_path, with_visits(GOOD, [UNIT_ROW]), "first.xlsx").code == 0
    unit = Unit.objects.get(code=COUNTY_UNIT)
    approve_submission(submission=submit_monthly_report(unit=unit, month=d(2025, 4, 1), summary="四月", by=None), by=None)


def test_unchanged_rows_of_a_locked_month_import_again(tmp_path, april_locked):
    run = import_sheets(tmp_path, with_visits(GOOD, [UNIT_ROW]), "again.xlsx")
    assert run.code == 0, run.out + run.err


def test_a_changed_row_in_a_locked_month_is_refused(tmp_path, april_locked):
    changed = [list(GOOD[0]), GOOD[1]]
    changed[0][VISIT_HEADER.index("备注")] = "补记"
    run = import_sheets(tmp_path, with_visits(changed, [UNIT_ROW]), "changed.xlsx")
    assert run.code == 1 and "走访!2:" in run.out + run.err and "锁定" in run.out + run.err
    assert Visit.objects.get(start=d(2025, 4, 1)).notes == "入户走访"


def test_a_new_trip_in_a_locked_month_is_refused(tmp_path, april_locked):
    run = import_sheets(tmp_path, with_visits([*GOOD, [C_LI, H3, d(2025, 4, 20), d(2025, 4, 20), "否", None, None, None]]),
                        "new.xlsx")
    assert run.code == 1 and "走访!4:" in run.out + run.err


def test_a_new_unit_trip_in_a_locked_month_is_refused(tmp_path, april_locked):
    late = [COUNTY_UNIT, POOR_VILLAGE, d(2025, 4, 20), d(2025, 4, 21), C_LI, 2, None]
    run = import_sheets(tmp_path, with_visits(GOOD, [UNIT_ROW, late]), "unit.xlsx")
    assert run.code == 1 and "单位进村!3:" in run.out + run.err
