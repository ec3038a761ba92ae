"""Postings (驻村, docs/domain.md §11): one village at a time for a cadre, one first secretary
at a time for a village, the end not before the start; a posting to a village that is not poor
that year, or that the cadre's unit does not pair, is stored and flagged. The same rules at the
service and on the roster sheet 驻村."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pairing.models import Cadre, Posting, Role
from pairing.services.residents import check_posting, record_posting
from shuanglian.errors import DomainError
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import scope_for
from tests.roster.workbooks import write_workbook
from tests.web.conftest import area, county, id_number, staff

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "村代码", "职务", "开始日期", "结束日期"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def c(db):
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine = county("620502", "秦州区", 1)
    mine["village2"] = area("620502100002", "秦州二村")  # not poor, not paired with the unit
    mine["office"] = staff("office", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True)
    return mine


def post(c, cadre="cadre", village="village", role="member", start=date(2025, 1, 1), end=None):
    return record_posting(cadre=c[cadre], village=c[village], role=role, start=start, end=end)


def test_a_posting_to_a_paired_poor_village_is_stored_without_flags(c):
    posting, warnings = post(c)
    assert Posting.objects.get() == posting and warnings == []


def test_a_posting_ending_before_it_starts_is_refused(c):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        post(c, start=date(2025, 3, 1), end=date(2025, 2, 1))


def test_overlapping_postings_of_one_cadre_are_refused(c):
    post(c, start=date(2025, 1, 1), end=date(2025, 6, 30))
    with pytest.raises(DomainError, match="一名干部同一时间只能驻一个村"):
        post(c, village="village2", start=date(2025, 6, 30))
    assert Posting.objects.count() == 1


def test_a_posting_that_follows_another_of_the_cadre_is_stored(c):
    post(c, start=date(2025, 1, 1), end=date(2025, 6, 30))
    post(c, village="village2", start=date(2025, 7, 1))
    assert Posting.objects.count() == 2


def test_two_first_secretaries_in_one_village_at_once_are_refused(c):
    post(c, role="first_secretary")
    with pytest.raises(DomainError, match="一个村同一时间只能有一名第一书记"):
        post(c, cadre="colleague", role="first_secretary", start=date(2025, 5, 1))


def test_a_first_secretary_and_a_member_may_share_a_village(c):
    post(c, role="first_secretary")
    post(c, cadre="colleague", role="member", start=date(2025, 5, 1))
    assert Posting.objects.count() == 2


def test_a_posting_to_a_village_not_poor_nor_paired_is_stored_and_flagged(c):
    posting, warnings = post(c, village="village2")
    assert posting.pk is not None
    assert any("不是贫困村" in w for w in warnings) and any("未联系" in w for w in warnings)


def test_a_posting_to_a_township_is_refused(c):
    with pytest.raises(DomainError, match="只能派驻到村"):
        check_posting(cadre=c["cadre"], village=c["village"].parent, role="member", start=date(2025, 1, 1), end=None)


# --- the roster sheet 驻村 ---------------------------------------------------------------------------

def run(c, tmp_path, rows, name="p.xlsx"):
    path = write_workbook(tmp_path / name, {"驻村": [HEADER, *rows]})
    return import_workbook(str(path), scope=scope_for(c["office"]))


def test_the_roster_imports_postings_and_again_changes_nothing(c, tmp_path):
    rows = [[c["cadre"].id_number, "620502100001", "第一书记", date(2025, 1, 1), None]]
    assert run(c, tmp_path, rows).counts["驻村"].created == 1
    assert run(c, tmp_path, rows, "again.xlsx").counts["驻村"].unchanged == 1
    assert Posting.objects.get().role == "first_secretary"


def test_the_roster_names_each_row_that_breaks_a_rule_and_stores_nothing(c, tmp_path):
    rows = [[c["cadre"].id_number, "620502100001", "第一书记", date(2025, 1, 1), None],
            [c["colleague"].id_number, "620502100001", "第一书记", date(2025, 3, 1), None],
            [c["colleague"].id_number, "620502100002", "队员", date(2025, 3, 1), date(2025, 2, 1)]]
    with pytest.raises(RosterRejected) as rejected:
        run(c, tmp_path, rows)
    problems = [str(p) for p in rejected.value.result.problems]
    assert any(p.startswith("驻村!3:") and "第一书记" in p for p in problems)
    assert any(p.startswith("驻村!4:") and "结束日期不能早于开始日期" in p for p in problems)
    assert not Posting.objects.exists()


def test_the_roster_refuses_a_posting_overlapping_a_stored_one_of_the_cadre(c, tmp_path):
    post(c, start=date(2025, 1, 1))
    with pytest.raises(RosterRejected, match="1 problems"):
        run(c, tmp_path, [[c["cadre"].id_number, "620502100002", "队员", date(2025, 4, 1), None]])
    assert Posting.objects.count() == 1


def test_the_roster_flags_a_posting_to_a_village_that_is_not_poor(c, tmp_path):
    result = run(c, tmp_path, [[c["cadre"].id_number, "620502100002", "队员", date(2025, 4, 1), None]])
    assert Posting.objects.count() == 1
    assert any(n.startswith("驻村!2:") and "不是贫困村" in n for n in result.notices)


def test_the_roster_refuses_an_unknown_cadre(c, tmp_path):
    with pytest.raises(RosterRejected):
        run(c, tmp_path, [[id_number("62050219990101011"), "620502100001", "队员", date(2025, 4, 1), None]])
    assert not Cadre.objects.filter(postings__isnull=False).exists()


def _stay_on(posting, start, end):
    from visits.models import Stay

    return Stay.objects.create(cadre=posting.cadre, posting=posting, start=start, end=end)


def test_a_posting_cannot_be_cut_short_of_its_stays(c):
    from pairing.services.residents import update_posting

    posting, _ = post(c, start=date(2025, 1, 1))
    _stay_on(posting, date(2025, 5, 1), date(2025, 5, 10))
    with pytest.raises(DomainError, match="驻村考勤"):
        update_posting(posting=posting, village=c["village"], role="member", start=date(2025, 1, 1), end=date(2025, 2, 1))
    posting.refresh_from_db()
    assert posting.end is None


def test_a_posting_with_stays_cannot_move_to_another_village(c):
    posting, _ = post(c, start=date(2025, 1, 1))
    _stay_on(posting, date(2025, 5, 1), date(2025, 5, 10))
    with pytest.raises(DomainError, match="驻村考勤"):
        check_posting(cadre=c["cadre"], village=c["village2"], role="member", start=date(2025, 1, 1), end=None,
                      exclude_pk=posting.pk)


def test_a_posting_may_end_after_its_last_stay(c):
    from pairing.services.residents import update_posting

    posting, _ = post(c, start=date(2025, 1, 1))
    _stay_on(posting, date(2025, 5, 1), date(2025, 5, 10))
    update_posting(posting=posting, village=c["village"], role="member", start=date(2025, 1, 1), end=date(2025, 5, 10))
    assert Posting.objects.get().end == date(2025, 5, 10)


def test_the_roster_refuses_to_end_a_posting_before_its_stays(c, tmp_path):
    posting, _ = post(c, start=date(2025, 1, 1))
    _stay_on(posting, date(2025, 5, 1), date(2025, 5, 10))
    rows = [[c["cadre"].id_number, "620502100001", "队员", date(2025, 1, 1), date(2025, 3, 31)]]
    with pytest.raises(RosterRejected) as rejected:
        run(c, tmp_path, rows)
    assert any(str(p).startswith("驻村!2:") and "驻村考勤" in str(p) for p in rejected.value.result.problems)
    assert Posting.objects.get().end is None


def test_a_postings_warning_reads_in_english_for_an_english_interface_and_in_chinese_on_the_roster():
    from django.utils import translation

    from pairing.services.residents import posting_warnings

    with translation.override("en"):
        assert posting_warnings(village_name="V", year=2025, poor=False, unit_name="U", unit_pairs_village=True) == [
            "V was not a poor village in 2025; the posting is recorded, please check it."]
    with translation.override(None):
        assert "不是贫困村" in posting_warnings(village_name="V", year=2025, poor=False, unit_name="U",
                                          unit_pairs_village=True)[0]
