"""The exit checklist through the REST API (the phone's outbox sends it there): the same form and
service as the phone page, multipart with photos, once per idempotency key (docs/domain.md §10)."""
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

from households.models import PovertyLine
from identification.models import ExitChecklist
from identification.rules import CHECKLIST_ITEMS
from tests import factories as f
from tests.api.conftest import signed_in

pytestmark = pytest.mark.django_db  # the clock is pinned (autouse fixture): no date of the session matters
KEYS = [key for key, _label in CHECKLIST_ITEMS]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def household():
    household = f.HouseholdFactory()
    PovertyLine.objects.create(year=2025, province_line=Decimal("4000"), national_line=Decimal("3747"))
    f.IncomeRecordFactory(household=household, year=2025, resident_population=1, total_income=Decimal("5000"))
    return household


@pytest.fixture
def cadre(household):
    return f.HouseholdPairingFactory(household=household, cadre__user=f.UserFactory(), start=date(2024, 1, 1)).cadre


def body(household, key, **changes):
    data = {"household": household.number, "year": "2025", "idempotency_key": str(key)}
    data.update({key_: "yes" for key_ in KEYS})
    data.update(changes)
    return data


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "JPEG")
    return SimpleUploadedFile("house.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_paired_cadre_records_a_checklist_with_a_photo_and_learns_the_household_may_exit(household, cadre):
    answer = signed_in(cadre.user).post("/api/v1/exit-checklists/",
                                        body(household, uuid.uuid4(), housing_photo=photo()), format="multipart")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["exit_errors"] == []
    assert ExitChecklist.objects.get().items.get(item="housing").photo


def test_the_same_key_sent_twice_stores_one_checklist(household, cadre):
    api, key = signed_in(cadre.user), uuid.uuid4()
    first = api.post("/api/v1/exit-checklists/", body(household, key), format="multipart")
    again = api.post("/api/v1/exit-checklists/", body(household, key), format="multipart")
    assert (first.status_code, again.status_code) == (201, 200)
    assert ExitChecklist.objects.count() == 1


def test_a_failed_item_without_a_note_is_a_400_naming_the_item_and_stores_nothing(household, cadre):
    answer = signed_in(cadre.user).post("/api/v1/exit-checklists/", body(household, uuid.uuid4(), housing="no"),
                                        format="multipart")
    assert answer.status_code == 400 and "housing_note" in answer.json()
    assert not ExitChecklist.objects.exists()


def test_a_cadre_not_paired_with_the_household_is_refused(household, cadre):
    stranger = f.CadreFactory(user=f.UserFactory())
    answer = signed_in(stranger.user).post("/api/v1/exit-checklists/", body(household, uuid.uuid4()), format="multipart")
    assert answer.status_code == 400 and not ExitChecklist.objects.exists()


def test_a_json_checklist_is_read_like_the_form(household, cadre):
    answer = signed_in(cadre.user).post("/api/v1/exit-checklists/", body(household, uuid.uuid4()), format="json")
    assert answer.status_code == 201, answer.json()


def test_a_checklist_of_an_earlier_year_is_refused(household, cadre):
    answer = signed_in(cadre.user).post("/api/v1/exit-checklists/", body(household, uuid.uuid4(), year="2023"),
                                        format="multipart")
    assert answer.status_code == 400 and "year" in answer.json()
    assert not ExitChecklist.objects.exists()
