"""The complaint rules (docs/domain.md §13): receipt codes, matching the named cadre, unit or
village in the area, assignment, idempotency, notes and closing with a finding."""
from __future__ import annotations

import uuid

import pytest

from discipline import services
from discipline.models import Complaint, ComplaintNote
from pairing.models import Role
from shuanglian.errors import DomainError
from tests.discipline.conftest import complaint_data, photo

pytestmark = pytest.mark.django_db


def file(dw, **over):
    d = complaint_data(dw, **over)
    return services.file_complaint(rule=d["rule"], target_kind=d["target_kind"], target_name=d["target_name"],
                                   area=d["area"], content=d["content"], name=d["name"], contact=d["contact"],
                                   photo=d["photo"], key=d["key"])[0]


def test_a_complaint_gets_a_twelve_character_receipt_code_and_is_received(dw):
    complaint = file(dw)
    assert len(complaint.receipt_code) == 12 and set(complaint.receipt_code) <= set(services.CODE_ALPHABET)
    assert complaint.status == Complaint.Status.RECEIVED


def test_receipt_codes_differ(dw):
    assert len({file(dw).receipt_code for _ in range(20)}) == 20


def test_a_cadre_named_in_the_county_is_linked_and_the_complaint_concerns_the_units_area(dw):
    complaint = file(dw)
    assert complaint.cadre == dw.mine["cadre"] and complaint.unit == dw.mine["unit"]
    assert complaint.area_id == "620502000000"


def test_a_village_named_in_the_county_is_linked(dw):
    complaint = file(dw, target_kind="village", target_name="秦州区一村")
    assert complaint.village == dw.mine["village"] and complaint.area_id == "620502100001"


def test_a_name_not_found_is_kept_as_free_text_in_the_chosen_county(dw):
    complaint = file(dw, target_name="一个穿蓝衣服的干部")
    assert complaint.cadre is None and complaint.target_name == "一个穿蓝衣服的干部"
    assert complaint.area_id == "620502000000"


def test_a_cadre_of_another_county_is_not_linked_by_name(dw):
    complaint = file(dw, target_name="麦积区干部")
    assert complaint.cadre is None


def test_the_complaint_goes_to_the_inspection_group_of_its_area(dw):
    assert file(dw).assigned_to == Role.objects.get(user=dw.inspector)


def test_the_same_key_twice_stores_one_complaint(dw):
    key = uuid.uuid4()
    first, second = file(dw, key=key), file(dw, key=key)
    assert first.pk == second.pk and Complaint.objects.count() == 1


@pytest.mark.parametrize("field, value", [("content", "   "), ("target_name", ""), ("rule", "bribery"),
                                          ("target_kind", "x"), ("content", "长" * 2001)])
def test_a_complaint_missing_what_it_needs_is_refused_and_stores_nothing(dw, field, value):
    with pytest.raises(DomainError):
        file(dw, **{field: value})
    assert not Complaint.objects.exists()


def test_a_complaint_about_the_province_as_a_whole_is_refused(dw):
    with pytest.raises(DomainError):
        file(dw, area=dw.county.parent)


def test_a_photo_is_stored_as_a_jpeg_without_its_metadata(dw):
    complaint = file(dw, photo=photo())
    assert complaint.photo.name.endswith(".jpg")


def test_a_file_that_is_not_a_photo_is_refused_with_a_message_and_stores_nothing(dw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DomainError) as refused:
        file(dw, photo=SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 100))
    assert "照片" in str(refused.value.message_dict["photo"])
    assert not Complaint.objects.exists()


def test_an_oversized_photo_is_refused(dw, monkeypatch):
    monkeypatch.setattr("visits.photos.PHOTO_MAX_BYTES", 100)
    with pytest.raises(DomainError) as refused:
        file(dw, photo=photo(size=(400, 400)))
    assert "MB" in str(refused.value.message_dict["photo"])
    assert not Complaint.objects.exists()


def test_the_first_note_puts_the_complaint_under_investigation(dw):
    complaint = file(dw)
    services.add_note(complaint=complaint, text="已约谈村支书了解情况。", by=dw.inspector)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.INVESTIGATING


def test_closing_without_a_finding_is_refused_and_changes_nothing(dw):
    complaint = file(dw)
    with pytest.raises(DomainError) as refused:
        services.close_complaint(complaint=complaint, finding="", text="已查明。", by=dw.inspector)
    assert "查处结论" in str(refused.value)
    assert Complaint.objects.get().status == Complaint.Status.RECEIVED


def test_closing_without_a_text_for_the_filer_is_refused(dw):
    complaint = file(dw)
    with pytest.raises(DomainError):
        services.close_complaint(complaint=complaint, finding="substantiated", text="  ", by=dw.inspector)
    assert Complaint.objects.get().status == Complaint.Status.RECEIVED


def test_the_inspection_group_closes_a_complaint_with_its_finding(dw):
    complaint = services.close_complaint(complaint=file(dw), finding="substantiated", text="反映属实，已责令退还。",
                                         by=dw.inspector)
    assert (complaint.status, complaint.finding, complaint.closed_by) == ("closed", "substantiated", dw.inspector)


@pytest.mark.parametrize("who", ["leader", "unit_admin", "other_inspector"])
def test_only_the_office_or_inspection_group_over_the_area_handles_a_complaint(dw, who):
    complaint = file(dw)
    with pytest.raises(DomainError):
        services.add_note(complaint=complaint, text="记录", by=getattr(dw, who))
    with pytest.raises(DomainError):
        services.close_complaint(complaint=complaint, finding="substantiated", text="属实", by=getattr(dw, who))
    assert not ComplaintNote.objects.exists() and Complaint.objects.get().status == "received"


def test_a_closed_complaint_takes_no_more_notes(dw):
    complaint = services.close_complaint(complaint=file(dw), finding="unsubstantiated", text="不属实", by=dw.office)
    with pytest.raises(DomainError):
        services.add_note(complaint=complaint, text="补充", by=dw.office)


def test_a_lookup_finds_the_complaint_by_its_code_typed_loosely(dw):
    complaint = file(dw)
    code = complaint.receipt_code
    assert services.find_complaint(f" {code[:4].lower()}-{code[4:8]} {code[8:]} ") == complaint
    assert services.find_complaint(code[:11]) is None
