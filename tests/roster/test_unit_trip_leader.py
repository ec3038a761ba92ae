"""The 单位进村 sheet's 带队干部身份证号 is checked against the unit's work team for the village
(docs/domain.md §11), as in the admin; teams themselves have no sheet."""
from __future__ import annotations

import datetime as dt

import pytest

from households.models import Area
from pairing.models import Cadre, Unit
from pairing.services.teams import record_team_member
from visits.models import UnitVisit

from .conftest import run_command
from .workbooks import C_LI, C_ZHANG, COUNTY_UNIT, POOR_VILLAGE, valid_sheets, write_workbook

pytestmark = pytest.mark.django_db

d = dt.date
UNIT_HEADER = ["单位代码", "村代码", "开始日期", "结束日期", "带队干部身份证号", "人数", "备注"]


@pytest.fixture
def zhang_leads_the_team(imported):
    """The sample roster imported, and 张建国 (县处级) alone on the county unit's team for the village."""
    record_team_member(unit=Unit.objects.get(code=COUNTY_UNIT), village=Area.objects.get(code=POOR_VILLAGE),
                       cadre=Cadre.objects.get(id_number=C_ZHANG), role="leader", start=d(2024, 1, 1))


def import_trip(tmp_path, leader):
    sheets = valid_sheets()
    sheets["单位进村"] = [UNIT_HEADER, [COUNTY_UNIT, POOR_VILLAGE, d(2025, 5, 6), d(2025, 5, 9), leader, 3, None]]
    return run_command("import_roster", str(write_workbook(tmp_path / "trip.xlsx", sheets)))


def test_a_trip_led_by_a_cadre_not_on_the_team_is_a_problem_naming_the_cadre(tmp_path, zhang_leads_the_team):
    run = import_trip(tmp_path, C_LI)
    assert run.code == 1
    assert any(line.startswith("单位进村!2: ") and "带队干部李明在进村期间不是该单位在此村工作小组的成员" in line for line in run.lines)
    assert not UnitVisit.objects.exists()


def test_a_trip_led_by_the_teams_leader_imports(tmp_path, zhang_leads_the_team):
    run = import_trip(tmp_path, C_ZHANG)
    assert run.code == 0, run.out
    assert UnitVisit.objects.get().leader.id_number == C_ZHANG
