"""A resident's stays (驻村考勤, docs/domain.md §11): within one of the cadre's postings (the
posting is resolved and stored), not in the future, within the resident policy's longest stay
and, for the cadre's own entries, its back-dating window; the month lock; a resent form stores
one stay. At the service and on the roster sheet 驻村考勤."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pairing.models import Posting, Role
from reports.services.submissions import approve_submission, submit_monthly_report
from shuanglian.errors import DomainError
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import scope_for
from tests.roster.workbooks import write_workbook
from tests.web.conftest import area, county, staff
from visits.models import Stay
from visits.services.stays import check_stay, log_stay, log_stay_once

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "开始日期", "结束日期", "备注"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def c(db):
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine = county("620502", "秦州区", 1)
    mine["posting"] = Posting.objects.create(cadre=mine["cadre"], village=mine["village"], role="first_secretary",
                                             start=date(2025, 1, 1), end=date(2025, 12, 31))
    mine["office"] = staff("office", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True)
    return mine


def test_a_stay_within_a_posting_is_stored_with_that_posting(c):
    stay = log_stay(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 10), key=uuid.uuid4(), note="住村")
    assert (stay.posting, stay.note) == (c["posting"], "住村")


def test_a_stay_outside_every_posting_is_refused(c):
    with pytest.raises(DomainError, match="没有驻村任务"):
        log_stay(cadre=c["colleague"], start=date(2025, 6, 1), end=date(2025, 6, 2), key=None)
    assert not Stay.objects.exists()


def test_a_stay_in_the_future_is_refused(c):
    with pytest.raises(DomainError, match="今天以后"):
        log_stay(cadre=c["cadre"], start=date(2025, 6, 16), end=date(2025, 6, 17), key=None)


def test_a_stay_ending_before_it_starts_is_refused(c):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        check_stay(cadre=c["cadre"], start=date(2025, 6, 10), end=date(2025, 6, 1), own_entry=False)


def test_a_cadre_may_not_back_date_a_stay_beyond_the_window(c):
    with pytest.raises(DomainError, match="只能补录30天内"):
        log_stay(cadre=c["cadre"], start=date(2025, 4, 1), end=date(2025, 4, 2), key=None, own_entry=True)


def test_an_office_enters_an_older_stay(c):
    assert log_stay(cadre=c["cadre"], start=date(2025, 4, 1), end=date(2025, 4, 2), key=None, own_entry=False).pk


def test_a_stay_in_a_locked_month_is_refused(c):
    approve_submission(submission=submit_monthly_report(unit=c["unit"], month=date(2025, 5, 1), summary="五月", by=None),
                       by=None)
    with pytest.raises(DomainError, match="锁定"):
        log_stay(cadre=c["cadre"], start=date(2025, 5, 20), end=date(2025, 5, 21), key=None, own_entry=False)


def test_a_resent_form_stores_one_stay(c):
    key, user = uuid.uuid4(), c["cadre"].user
    first, created = log_stay_once(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 2), key=key, by=user)
    again, created_again = log_stay_once(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 2), key=key, by=user)
    assert (created, created_again, again) == (True, False, first) and Stay.objects.count() == 1


def test_the_same_dates_twice_are_refused_with_a_message(c):
    log_stay(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 2), key=None)
    with pytest.raises(DomainError, match="已经登记"):
        log_stay(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 2), key=None)


# --- the roster sheet 驻村考勤 -----------------------------------------------------------------------

def run(c, tmp_path, sheets, name="s.xlsx"):
    return import_workbook(str(write_workbook(tmp_path / name, sheets)), scope=scope_for(c["office"]))


def test_the_roster_imports_stays_and_again_changes_nothing(c, tmp_path):
    sheets = {"驻村考勤": [HEADER, [c["cadre"].id_number, date(2025, 3, 1), date(2025, 3, 20), "三月"]]}
    assert run(c, tmp_path, sheets).counts["驻村考勤"].created == 1
    assert run(c, tmp_path, sheets, "again.xlsx").counts["驻村考勤"].unchanged == 1
    assert Stay.objects.get().posting == c["posting"]


def test_the_roster_takes_a_stay_within_a_posting_of_the_same_file(c, tmp_path):
    sheets = {"驻村": [["身份证号", "村代码", "职务", "开始日期"], [c["colleague"].id_number, "620502100001", "队员",
                                                                 date(2025, 2, 1)]],
              "驻村考勤": [HEADER, [c["colleague"].id_number, date(2025, 3, 1), date(2025, 3, 20), None]]}
    run(c, tmp_path, sheets)
    assert Stay.objects.get().posting.cadre == c["colleague"]


def test_the_roster_names_a_stay_outside_any_posting_and_stores_nothing(c, tmp_path):
    sheets = {"驻村考勤": [HEADER, [c["cadre"].id_number, date(2025, 3, 1), date(2025, 3, 2), None],
                       [c["colleague"].id_number, date(2025, 3, 1), date(2025, 3, 2), None]]}
    with pytest.raises(RosterRejected) as rejected:
        run(c, tmp_path, sheets)
    assert [(p.sheet, p.row) for p in rejected.value.result.problems] == [("驻村考勤", 3)]
    assert not Stay.objects.exists()


def test_the_residents_page_shows_the_days_due_net_of_leave(c, client):
    from django.urls import reverse

    from pairing.models import Leave

    log_stay(cadre=c["cadre"], start=date(2025, 6, 1), end=date(2025, 6, 10), key=uuid.uuid4())
    Leave.objects.create(cadre=c["cadre"], start=date(2025, 3, 1), end=date(2025, 3, 31), reason="病假")
    client.force_login(c["cadre"].user)
    page = client.get(reverse("visits-stays")).content.decode()
    # 16 June 2025: 167 posted days, 31 on leave: ceil(220 × 136 ÷ 365) = 82 days due by now.
    assert "今年已在村 10 天，按进度应在村 82 天" in page
    assert "已扣除请假 31 天" in page and "滞后" in page


def test_the_admin_refuses_a_stay_in_a_village_outside_the_office_as_the_roster_does(c, client):
    from django.urls import reverse

    other = county("620503", "麦积区", 2)
    posted = Posting.objects.create(cadre=c["colleague"], village=other["village"], role="member", start=date(2025, 1, 1))
    client.force_login(c["office"])
    response = client.post(reverse("admin:visits_stay_add"), {
        "cadre": posted.cadre.pk, "start": "2025-06-01", "end": "2025-06-05", "note": ""})
    assert response.status_code == 200 and "该驻村不在您的管辖范围内" in response.content.decode()
    assert not Stay.objects.exists()


def test_the_admin_takes_a_stay_in_a_village_of_the_office(c, client):
    from django.urls import reverse

    client.force_login(c["office"])
    response = client.post(reverse("admin:visits_stay_add"), {
        "cadre": c["cadre"].pk, "start": "2025-06-01", "end": "2025-06-05", "note": ""})
    assert response.status_code == 302 and Stay.objects.get().posting == c["posting"]
