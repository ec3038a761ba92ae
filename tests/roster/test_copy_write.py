"""The roster's bulk sheets (农户, 家庭成员, 收入) are inserted with COPY on PostgreSQL and with
bulk_create elsewhere (``audit.copy_create``): the same rows, each with its historical record
as ``audit.bulk_create`` writes it, inside the import's one transaction. Run on both databases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from households.models import Household, IncomeRecord, Member
from shuanglian import audit
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import EVERYTHING
from tests import factories as f

from .workbooks import valid_sheets, write_workbook

pytestmark = pytest.mark.django_db


def test_new_members_get_their_keys_and_the_values_they_were_given():
    household = f.HouseholdFactory()
    members = [Member(household=household, id_number=f.id_number(order=n), name=f"成员{n}", relation="子女",
                      birth_date=date(1970, 1, 1), sex="M", health=Member.Health.CHRONIC) for n in (11, 13)]
    audit.copy_create(Member, members)
    assert all(m.pk for m in members)
    stored = Member.objects.get(pk=members[1].pk)
    assert (stored.household, stored.name, stored.birth_date, stored.health, stored.migrant_worker) == (
        household, "成员13", date(1970, 1, 1), "chronic", False)


def test_a_household_saved_after_its_members_were_planned_is_their_household():
    household = Household(number="N1", village=f.village(), head_name="张三",
                          head_id_number=f.id_number(order=15), resident_population=2)
    member = Member(household=household, id_number=f.id_number(order=17), name="李四", relation="配偶")
    audit.copy_create(Household, [household])
    audit.copy_create(Member, [member])
    assert Member.objects.get().household_id == Household.objects.get(number="N1").pk


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_given():
    household = f.HouseholdFactory()
    name = "王\t小\\军\n二\r"
    audit.copy_create(Member, [Member(household=household, id_number=f.id_number(order=19), name=name, relation="子女")])
    assert Member.objects.get(id_number=f.id_number(order=19)).name == name


def test_every_row_gets_a_created_record_with_the_values_the_reason_and_the_user():
    office = f.UserFactory(username="office")
    household = f.HouseholdFactory()
    record = IncomeRecord(household=household, year=2024, resident_population=3, total_income=Decimal("9000.50"),
                          operating_costs=Decimal("100"))
    record.compute()
    request = RequestFactory().get("/")
    request.user = office
    HistoricalRecords.context.request = request  # what HistoryRequestMiddleware sets for a request
    try:
        audit.copy_create(IncomeRecord, [record])
    finally:
        del HistoricalRecords.context.request
    trail = IncomeRecord.history.get()
    assert (trail.id, trail.household_id, trail.total_income, trail.net_income, trail.history_type,
            trail.history_change_reason, trail.history_user) == (
        record.pk, household.pk, Decimal("9000.50"), Decimal("8900.50"), "+", "花名册导入", office)


def test_a_key_taken_meanwhile_raises_integrity_error_and_writes_nothing():
    household = f.HouseholdFactory()
    taken = f.MemberFactory(household=household).id_number
    with pytest.raises(IntegrityError), transaction.atomic():
        audit.copy_create(Member, [Member(household=household, id_number=f.id_number(order=21), name="甲", relation="子女"),
                                   Member(household=household, id_number=taken, name="乙", relation="子女")])
    assert Member.objects.count() == 1 and Member.history.filter(history_change_reason="花名册导入").count() == 0


def test_an_import_writes_each_bulk_row_once_with_one_created_record(tmp_path):
    import_workbook(write_workbook(tmp_path / "r.xlsx", valid_sheets()), scope=EVERYTHING)
    for model in (Household, Member, IncomeRecord):
        assert model.objects.count() > 0
        assert sorted(model.history.values_list("id", flat=True)) == sorted(model.objects.values_list("pk", flat=True))
        assert set(model.history.values_list("history_type", "history_change_reason")) == {("+", "花名册导入")}


def test_an_import_refused_by_a_later_sheet_leaves_no_member_or_income(tmp_path):
    sheets = valid_sheets()
    sheets["联户"][1][sheets["联户"][0].index("开始日期")] = "不是日期"  # a later sheet's problem
    with pytest.raises(RosterRejected):
        import_workbook(write_workbook(tmp_path / "r.xlsx", sheets), scope=EVERYTHING)
    assert not Member.objects.exists() and not IncomeRecord.objects.exists() and not Member.history.exists()


def test_lines_made_over_many_reads_are_all_stored_in_order_with_their_records(monkeypatch):
    # COPY reads the lines a few at a time while they are still being made: a read size of one
    # line's length makes every member a read of its own.
    monkeypatch.setattr(audit, "COPY_READ", 20)
    household = f.HouseholdFactory()
    members = [Member(household=household, id_number=f.id_number(order=n), name=f"成员{n}", relation="子女")
               for n in range(101, 141)]
    audit.copy_create(Member, members)
    assert list(Member.objects.filter(household=household).order_by("pk").values_list("pk", "name")) == [
        (m.pk, m.name) for m in members]
    assert sorted(Member.history.values_list("id", "name")) == sorted((m.pk, m.name) for m in members)


def test_a_value_that_cannot_be_copied_is_the_error_raised_and_nothing_is_written(monkeypatch):
    # A failure while COPY reads its lines reaches the caller as itself, not as a cancelled COPY.
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr(audit, "COPY_READ", 20)
    household = f.HouseholdFactory()
    members = [Member(household=household, id_number=f.id_number(order=n), name=f"成员{n}", relation="子女")
               for n in range(101, 111)]
    members[-1].migrant_worker = object()  # a boolean field holding what has no COPY text
    with pytest.raises(TypeError, match="no COPY text"), transaction.atomic():
        audit.copy_create(Member, members)
    assert not Member.objects.filter(household=household).exists() and not Member.history.exists()


def test_an_empty_list_copies_nothing():
    assert audit.copy_create(Member, []) == []
    assert not Member.objects.exists()
