"""``bulk_lookup``: the objects of many keys in bulk, one array parameter on PostgreSQL and
``IN`` lists elsewhere; the same answer on both (run on both databases)."""
from __future__ import annotations

import gc
import threading

import pytest

from households.models import Household, Member
from shuanglian.roster.engine import (
    IMPORT_COLLECTOR_THRESHOLD,
    RosterRejected,
    bulk_lookup,
    collector_eased,
    import_workbook,
)
from shuanglian.scoping import EVERYTHING
from tests import factories as f

from .workbooks import valid_sheets, write_workbook

pytestmark = pytest.mark.django_db


def test_the_keys_that_exist_are_found_and_the_others_left_out():
    stored = [f.HouseholdFactory() for _ in range(3)]
    found = bulk_lookup(Household.objects.all(), "number", [stored[0].number, stored[2].number, "没有这户"])
    assert found == {stored[0].number: stored[0], stored[2].number: stored[2]}


def test_keys_that_are_numbers_are_found_too():
    member = f.MemberFactory()
    assert bulk_lookup(Member.objects.all(), "household_id", [member.household_id, 10**9]) == {member.household_id: member}


def test_no_keys_read_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_lookup(Household.objects.all(), "number", []) == {}


def test_a_key_repeated_is_one_object():
    household = f.HouseholdFactory()
    assert bulk_lookup(Household.objects.all(), "number", [household.number] * 3) == {household.number: household}


def test_the_lookup_keeps_the_querysets_own_conditions():
    kept, other = f.HouseholdFactory(), f.HouseholdFactory()
    queryset = Household.objects.exclude(pk=other.pk)
    assert bulk_lookup(queryset, "number", [kept.number, other.number]) == {kept.number: kept}


def test_the_collector_keeps_its_usual_rhythm_after_an_import(tmp_path):
    usual = gc.get_threshold()
    import_workbook(write_workbook(tmp_path / "r.xlsx", valid_sheets()), scope=EVERYTHING)
    assert gc.get_threshold() == usual


def test_the_collector_keeps_its_usual_rhythm_after_a_refused_import(tmp_path):
    usual = gc.get_threshold()
    sheets = valid_sheets()
    sheets["联户"][1][sheets["联户"][0].index("开始日期")] = "不是日期"
    with pytest.raises(RosterRejected):
        import_workbook(write_workbook(tmp_path / "r.xlsx", sheets), scope=EVERYTHING)
    assert gc.get_threshold() == usual


def test_the_collector_runs_less_often_during_an_import_but_still_runs():
    usual = gc.get_threshold()
    with collector_eased():
        assert gc.get_threshold()[0] == IMPORT_COLLECTOR_THRESHOLD > usual[0]
        assert gc.isenabled()
        with collector_eased():  # nested: the outer block's rhythm stays
            pass
        assert gc.get_threshold()[0] == IMPORT_COLLECTOR_THRESHOLD
    assert gc.get_threshold() == usual


def test_imports_on_two_threads_leave_the_usual_rhythm_whichever_ends_first():
    usual = gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector_eased():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with collector_eased():
            second_in.set()
            first_out.wait(10)
            seen["while the second runs on"] = gc.get_threshold()[0]

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen == {"while the second runs on": IMPORT_COLLECTOR_THRESHOLD}
    assert gc.get_threshold() == usual
