"""The "两不愁三保障" checklist: the exit test it feeds and who may record it (docs/domain.md §10)."""
from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from households.models import Household, PovertyLine
from identification.checklists import exit_proposal_errors
from identification.models import ExitCheckItem, ExitChecklist
from identification.rules import CHECKLIST_ITEMS
from identification.services.checklists import record_checklist
from pairing.models import Role
from shuanglian.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db  # the clock is pinned (autouse fixture): no date of the session matters
YEAR = 2025
KEYS = [key for key, _label in CHECKLIST_ITEMS]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def with_income(household, per_capita: str):
    """An income record whose per-capita net income is exactly ``per_capita`` (one resident)."""
    return f.IncomeRecordFactory(household=household, year=YEAR, resident_population=1, total_income=Decimal(per_capita))


@pytest.fixture
def household():
    household = f.HouseholdFactory()
    PovertyLine.objects.create(year=YEAR, province_line=Decimal("4000"), national_line=Decimal("3747"))
    return household


def all_hold():
    return {key: (True, "", None) for key in KEYS}


@pytest.fixture
def cadre(household):
    user = f.UserFactory()
    pairing = f.HouseholdPairingFactory(household=household, cadre__user=user, start=date(2024, 1, 1))
    return pairing.cadre


def test_a_household_whose_items_all_hold_with_income_above_the_line_may_be_proposed(household):
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    with_income(household, "4500")
    assert exit_proposal_errors(household, YEAR) == []


def test_income_equal_to_the_line_passes(household):
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    with_income(household, "4000.00")
    assert exit_proposal_errors(household, YEAR) == []


def test_income_below_the_line_is_named_with_the_line(household):
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    with_income(household, "3999.99")
    [error] = exit_proposal_errors(household, YEAR)
    assert "3999.99" in error and "4000" in error and "低于" in error


def test_a_failed_item_is_named(household):
    checklist = f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    checklist.items.filter(item="housing").update(holds=False, note="危房")
    with_income(household, "5000")
    [error] = exit_proposal_errors(household, YEAR)
    assert "住房安全有保障" in error and "未达到" in error


def test_a_missing_item_is_named(household):
    checklist = f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    checklist.items.filter(item="medical").delete()
    with_income(household, "5000")
    [error] = exit_proposal_errors(household, YEAR)
    assert "基本医疗有保障" in error and "缺少" in error


def test_no_checklist_and_no_income_are_both_reasons(household):
    errors = exit_proposal_errors(household, YEAR)
    assert len(errors) == 2 and "核查表" in errors[0] and "收入" in errors[1]


def test_the_checklist_of_another_year_does_not_count(household):
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR - 1)
    with_income(household, "5000")
    assert any("核查表" in e for e in exit_proposal_errors(household, YEAR))


@pytest.mark.parametrize("status", [Household.Status.CANDIDATE, Household.Status.EXITED])
def test_a_candidate_or_exited_household_may_not_be_proposed(household, status):
    Household.objects.filter(pk=household.pk).update(status=status, exit_year=YEAR if status == "exited" else None)
    household.refresh_from_db()
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    with_income(household, "5000")
    assert len(exit_proposal_errors(household, YEAR)) == 1


def test_a_returned_household_may_be_proposed_again(household):
    Household.objects.filter(pk=household.pk).update(status=Household.Status.RETURNED)
    household.refresh_from_db()
    f.ExitChecklistFactory.all_hold(household=household, year=YEAR)
    with_income(household, "5000")
    assert exit_proposal_errors(household, YEAR) == []


# --- recording -------------------------------------------------------------------------------------

def test_the_paired_cadre_records_the_checklist(household, cadre):
    checklist = record_checklist(cadre.user, household, YEAR, all_hold())
    assert checklist.recorded_by == cadre.user
    assert set(checklist.items.values_list("item", flat=True)) == set(KEYS)


def test_a_cadre_no_longer_paired_may_not_record(household, cadre):
    cadre.pairings.update(end=date(2025, 6, 30))
    with pytest.raises(DomainError, match="联户干部"):
        record_checklist(cadre.user, household, YEAR, all_hold())
    assert not ExitChecklist.objects.exists()


def test_another_cadre_may_not_record(household, cadre):
    stranger = f.CadreFactory(user=f.UserFactory())
    with pytest.raises(DomainError):
        record_checklist(stranger.user, household, YEAR, all_hold())


def test_an_office_governing_the_village_may_record(household):
    user = f.UserFactory()
    f.RoleFactory(user=user, kind=Role.Kind.OFFICE, area_id=f.township().code)
    assert record_checklist(user, household, YEAR, all_hold()).pk


@pytest.mark.parametrize("kind,area", [(Role.Kind.OFFICE, "620503000000"), (Role.Kind.LEADER, f.COUNTY)])
def test_an_office_elsewhere_or_a_leader_may_not_record(household, kind, area):
    f.area(area)
    user = f.UserFactory()
    f.RoleFactory(user=user, kind=kind, area_id=area)
    with pytest.raises(DomainError):
        record_checklist(user, household, YEAR, all_hold())


def test_every_item_must_be_answered(household, cadre):
    items = all_hold()
    del items["schooling"]
    with pytest.raises(DomainError) as refused:
        record_checklist(cadre.user, household, YEAR, items)
    assert "schooling" in refused.value.message_dict
    assert not ExitChecklist.objects.exists()


def test_a_failed_item_needs_a_note(household, cadre):
    items = {**all_hold(), "housing": (False, "  ", None)}
    with pytest.raises(DomainError) as refused:
        record_checklist(cadre.user, household, YEAR, items)
    assert "housing_note" in refused.value.message_dict


def test_a_failed_item_with_a_note_is_stored_and_blocks_the_proposal(household, cadre):
    record_checklist(cadre.user, household, YEAR, {**all_hold(), "housing": (False, "危房未改造", None)})
    with_income(household, "5000")
    assert "住房安全有保障" in exit_proposal_errors(household, YEAR)[0]


def picture(kind="JPEG", size=(2400, 1800)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 40)).save(out, kind)
    return SimpleUploadedFile("house.jpg", out.getvalue())


def test_a_photo_is_resized_and_stored_with_its_item(household, cadre):
    record_checklist(cadre.user, household, YEAR, {**all_hold(), "housing": (True, "新房", picture())})
    item = ExitCheckItem.objects.get(item="housing")
    with Image.open(item.photo) as stored:
        assert max(stored.size) <= 1600


def test_a_file_that_is_no_photo_is_refused_on_its_item(household, cadre):
    junk = SimpleUploadedFile("x.jpg", b"not a picture")
    with pytest.raises(DomainError) as refused:
        record_checklist(cadre.user, household, YEAR, {**all_hold(), "food": (True, "", junk)})
    assert "food_photo" in refused.value.message_dict
    assert not ExitChecklist.objects.exists()


def test_a_double_submission_stores_once(household, cadre):
    key = uuid.uuid4()
    first = record_checklist(cadre.user, household, YEAR, all_hold(), idempotency_key=key)
    again = record_checklist(cadre.user, household, YEAR, all_hold(), idempotency_key=key)
    assert first.pk == again.pk
    assert ExitChecklist.objects.count() == 1 and ExitCheckItem.objects.count() == 5
    assert ExitCheckItem.history.count() == 5


def test_someone_elses_key_is_refused(household, cadre):
    key = uuid.uuid4()
    record_checklist(cadre.user, household, YEAR, all_hold(), idempotency_key=key)
    other = f.HouseholdPairingFactory(cadre__user=f.UserFactory(), start=date(2024, 1, 1))
    with pytest.raises(DomainError):
        record_checklist(other.cadre.user, other.household, YEAR, all_hold(), idempotency_key=key)


def test_recording_the_same_year_again_updates_it_and_keeps_the_history(household, cadre):
    record_checklist(cadre.user, household, YEAR, {**all_hold(), "housing": (False, "危房", None)})
    record_checklist(cadre.user, household, YEAR, {**all_hold(), "housing": (True, "已改造", None)})
    item = ExitCheckItem.objects.get(item="housing")
    assert ExitChecklist.objects.count() == 1 and item.holds and item.note == "已改造"
    assert [h.holds for h in item.history.order_by("history_date")] == [False, True]


def test_a_future_year_is_refused(household, cadre):
    with pytest.raises(DomainError):
        record_checklist(cadre.user, household, YEAR + 1, all_hold())
