"""Leave (请假, docs/domain.md §11): an end not before the start, dates within sane bounds, no two
rows of one cadre overlapping; at the service and on the roster sheet 请假."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pairing.models import Leave, Role
from pairing.services.residents import check_leave, record_leave
from shuanglian.errors import DomainError
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import scope_for
from tests.roster.workbooks import write_workbook
from tests.web.conftest import area, county, staff

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "开始日期", "结束日期", "事由"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def c(db):
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine, other = county("620502", "秦州区", 1), county("620503", "麦积区", 2)
    mine["office"] = staff("office", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True)
    mine["other"] = other
    return mine


def test_leave_is_recorded(c):
    leave = record_leave(cadre=c["cadre"], start=date(2025, 3, 1), end=date(2025, 4, 30), reason="病假")
    assert Leave.objects.get() == leave


def test_leave_ending_before_it_starts_is_refused(c):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        record_leave(cadre=c["cadre"], start=date(2025, 3, 1), end=date(2025, 2, 1))


def test_overlapping_leave_of_one_cadre_is_refused(c):
    record_leave(cadre=c["cadre"], start=date(2025, 3, 1), end=date(2025, 4, 30))
    with pytest.raises(DomainError, match="请假时间重叠"):
        record_leave(cadre=c["cadre"], start=date(2025, 4, 30), end=date(2025, 5, 10))
    assert Leave.objects.count() == 1


def test_leave_of_two_cadres_at_once_is_fine(c):
    record_leave(cadre=c["cadre"], start=date(2025, 3, 1), end=date(2025, 4, 30))
    record_leave(cadre=c["colleague"], start=date(2025, 3, 1), end=date(2025, 4, 30))
    assert Leave.objects.count() == 2


def test_leave_in_an_implausible_year_is_refused(c):
    with pytest.raises(DomainError, match="超出合理范围"):
        check_leave(cadre=c["cadre"], start=date(1970, 1, 1), end=date(1970, 1, 2))


def run(c, tmp_path, rows, name="l.xlsx"):
    return import_workbook(str(write_workbook(tmp_path / name, {"请假": [HEADER, *rows]})), scope=scope_for(c["office"]))


def test_the_roster_imports_leave_and_again_changes_nothing(c, tmp_path):
    rows = [[c["cadre"].id_number, date(2025, 3, 1), date(2025, 4, 30), "产假"]]
    assert run(c, tmp_path, rows).counts["请假"].created == 1
    assert run(c, tmp_path, rows, "again.xlsx").counts["请假"].unchanged == 1


def test_the_roster_names_overlapping_rows_and_stores_nothing(c, tmp_path):
    rows = [[c["cadre"].id_number, date(2025, 3, 1), date(2025, 4, 30), "产假"],
            [c["cadre"].id_number, date(2025, 4, 1), date(2025, 4, 5), "事假"]]
    with pytest.raises(RosterRejected) as rejected:
        run(c, tmp_path, rows)
    assert [p.row for p in rejected.value.result.problems] == [3]
    assert not Leave.objects.exists()


def test_the_roster_refuses_leave_of_a_cadre_of_another_county(c, tmp_path):
    with pytest.raises(RosterRejected, match="1 problems"):
        run(c, tmp_path, [[c["other"]["cadre"].id_number, date(2025, 3, 1), date(2025, 3, 5), None]])
    assert not Leave.objects.exists()


def test_the_admin_refuses_leave_of_a_cadre_of_a_unit_outside_the_office_as_the_roster_does(c, client):
    from django.urls import reverse

    from households.models import Household
    from pairing.models import HouseholdPairing

    outsider = c["other"]["colleague"]  # of the neighbouring county's unit, paired with a household here
    household = Household.objects.create(number="H620502B", village=c["village"], head_name="王五", kind="rural",
                                         resident_population=2)
    HouseholdPairing.objects.create(cadre=outsider, household=household, start=date(2025, 1, 1))
    client.force_login(c["office"])
    response = client.post(reverse("admin:pairing_leave_add"), {
        "cadre": outsider.pk, "start": "2025-03-01", "end": "2025-03-31", "reason": "病假"})
    assert response.status_code == 200 and "只有该干部所在单位的管理员或其上级双联办" in response.content.decode()
    assert not Leave.objects.exists()


def test_the_admin_takes_leave_of_a_cadre_of_a_unit_of_the_office(c, client):
    from django.urls import reverse

    client.force_login(c["office"])
    response = client.post(reverse("admin:pairing_leave_add"), {
        "cadre": c["cadre"].pk, "start": "2025-03-01", "end": "2025-03-31", "reason": "病假"})
    assert response.status_code == 302 and Leave.objects.get().cadre == c["cadre"]
