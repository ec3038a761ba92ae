"""The public complaint page and receipt lookup as an anonymous visitor, and the discipline page
of the offices: what each shows and to whom (docs/domain.md §13)."""
from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from discipline import services
from discipline.models import Complaint, ComplaintNote
from tests.discipline.conftest import complaint_data, photo, post_data

pytestmark = pytest.mark.django_db


def filed(dw, **over) -> Complaint:
    d = complaint_data(dw, name="张三", contact="13900000001", **over)
    return services.file_complaint(rule=d["rule"], target_kind=d["target_kind"], target_name=d["target_name"],
                                   area=d["area"], content=d["content"], name=d["name"], contact=d["contact"],
                                   key=d["key"])[0]


def test_an_anonymous_visitor_files_a_complaint_and_gets_the_receipt_code(client, dw):
    response = client.post(reverse("complaint-new"), post_data(dw), follow=True)
    complaint = Complaint.objects.get()
    assert complaint.receipt_code in response.content.decode()
    assert complaint.complainant_name == "" and complaint.channel == "web"


def test_the_public_page_names_no_person(client, dw):
    page = client.get(reverse("complaint-new")).content.decode()
    assert "秦州区" in page and "干部" in page
    assert dw.mine["cadre"].name not in page and dw.mine["household"].head_name not in page


def test_a_resent_form_stores_the_complaint_once(client, dw):
    data = post_data(dw)
    client.post(reverse("complaint-new"), data)
    client.post(reverse("complaint-new"), data)
    assert Complaint.objects.count() == 1


def test_a_form_with_a_wrong_file_says_so_and_stores_nothing(client, dw):
    data = post_data(dw, photo=SimpleUploadedFile("x.pdf", b"%PDF-1.4 not a photo"))
    response = client.post(reverse("complaint-new"), data)
    assert response.status_code == 200 and "不是可识别的照片" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_form_with_a_photo_stores_it(client, dw):
    client.post(reverse("complaint-new"), post_data(dw, photo=photo()))
    assert Complaint.objects.get().photo


def test_an_address_filing_too_often_waits_and_nothing_more_is_stored(client, dw, settings):
    settings.COMPLAINT_FILING_LIMIT = 2
    for _ in range(2):
        client.post(reverse("complaint-new"), post_data(dw))
    response = client.post(reverse("complaint-new"), post_data(dw))
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 2


def test_the_status_page_shows_status_and_finding_only(client, dw):
    complaint = filed(dw)
    services.add_note(complaint=complaint, text="内部：已找村支书核实", by=dw.inspector)
    services.close_complaint(complaint=complaint, finding="substantiated", text="反映属实，已责令退还餐费。", by=dw.inspector)
    page = client.post(reverse("complaint-status"), {"code": complaint.receipt_code}).content.decode()
    assert "已办结" in page and "属实" in page and "反映属实，已责令退还餐费。" in page
    for private in ("内部：已找村支书核实", "张三", "13900000001", "秦州区干部", "走访时在村里吃请"):
        assert private not in page


def test_a_wrong_code_says_so(client, dw):
    filed(dw)
    page = client.post(reverse("complaint-status"), {"code": "ABCDEFGHJKMN"}).content.decode()
    assert "查询码不正确" in page


def test_an_address_guessing_codes_waits(client, dw, settings):
    settings.COMPLAINT_LOOKUP_LIMIT = 3
    for _ in range(3):
        client.post(reverse("complaint-status"), {"code": "ABCDEFGHJKMN"})
    assert client.post(reverse("complaint-status"), {"code": filed(dw).receipt_code}).status_code == 429


# --- the discipline page ------------------------------------------------------------------------------------

def test_the_handling_inspection_group_sees_who_filed(client, dw):
    complaint = filed(dw)
    client.force_login(dw.inspector)
    page = client.get(reverse("discipline-complaint", args=[complaint.pk])).content.decode()
    assert "张三" in page and "13900000001" in page


def test_a_leader_reads_the_complaint_without_who_filed_it_or_the_notes(client, dw):
    complaint = filed(dw)
    services.add_note(complaint=complaint, text="内部调查记录", by=dw.inspector)
    client.force_login(dw.leader)
    page = client.get(reverse("discipline-complaint", args=[complaint.pk])).content.decode()
    assert "走访时在村里吃请" in page
    assert "张三" not in page and "13900000001" not in page and "内部调查记录" not in page


def test_a_leader_cannot_close_a_complaint(client, dw):
    complaint = filed(dw)
    client.force_login(dw.leader)
    response = client.post(reverse("discipline-complaint", args=[complaint.pk]),
                           {"action": "close", "finding": "substantiated", "finding_text": "属实"})
    assert response.status_code == 403 and Complaint.objects.get().status == "received"


def test_the_next_countys_inspection_group_does_not_find_the_complaint(client, dw):
    complaint = filed(dw)
    client.force_login(dw.other_inspector)
    assert client.get(reverse("discipline-complaint", args=[complaint.pk])).status_code == 404
    assert complaint.target_name not in client.get(reverse("discipline-office")).content.decode()


@pytest.mark.parametrize("who", ["unit_admin", "cadre"])
def test_units_and_cadres_have_no_discipline_page(client, dw, who):
    client.force_login(dw.unit_admin if who == "unit_admin" else dw.mine["cadre"].user)
    assert client.get(reverse("discipline-office")).status_code == 403


def test_closing_on_the_page_without_a_finding_says_so_and_changes_nothing(client, dw):
    complaint = filed(dw)
    client.force_login(dw.inspector)
    response = client.post(reverse("discipline-complaint", args=[complaint.pk]),
                           {"action": "close", "finding": "", "finding_text": "已查"})
    assert response.status_code == 200 and "办结须选择查处结论" in response.content.decode()
    assert Complaint.objects.get().status == "received"


def test_the_inspection_group_notes_and_closes_on_the_page(client, dw):
    complaint = filed(dw)
    client.force_login(dw.inspector)
    url = reverse("discipline-complaint", args=[complaint.pk])
    client.post(url, {"action": "note", "text": "已走访核实"})
    client.post(url, {"action": "close", "finding": "unsubstantiated", "finding_text": "经核查不属实。"})
    complaint.refresh_from_db()
    assert ComplaintNote.objects.count() == 1 and (complaint.status, complaint.finding) == ("closed", "unsubstantiated")


def test_an_office_enters_a_phone_complaint(client, dw):
    client.force_login(dw.office)
    data = post_data(dw, name="李四", contact="0938-1234567")
    response = client.post(reverse("discipline-complaint-new"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and (complaint.channel, complaint.entered_by) == ("phone", dw.office)


def test_the_photo_is_handed_only_to_the_handling_office(client, dw):
    client.post(reverse("complaint-new"), post_data(dw, photo=photo()))
    complaint = Complaint.objects.get()
    url = reverse("discipline-file", args=["complaint", complaint.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(dw.leader)
    assert client.get(url).status_code == 404
    client.force_login(dw.inspector)
    assert client.get(url).status_code == 200


def test_the_api_masks_who_filed_unless_the_reader_handles_it(dw):
    from rest_framework.test import APIClient

    filed(dw)
    api = APIClient()
    api.force_authenticate(dw.leader)
    row = api.get("/api/v1/complaints/").json()["results"][0]
    assert (row["complainant_name"], row["complainant_contact"]) == ("***", "***") and "receipt_code" not in row
    api.force_authenticate(dw.inspector)
    row = api.get("/api/v1/complaints/").json()["results"][0]
    assert row["complainant_name"] == "张三"


def test_the_admin_masks_who_filed_unless_the_reader_handles_it(client, dw):
    complaint = filed(dw)
    url = reverse("admin:discipline_complaint_change", args=[complaint.pk])
    dw.leader.is_staff = True
    dw.leader.save()
    client.force_login(dw.leader)
    page = client.get(url).content.decode()
    assert "张三" not in page and "***" in page
    client.force_login(dw.inspector)
    assert "张三" in client.get(url).content.decode()


def test_the_admin_export_leaves_out_who_filed(client, dw):
    filed(dw)
    client.force_login(dw.inspector)
    response = client.post(reverse("admin:discipline_complaint_export"), {"format": "1", "resource": "0"})
    content = response.content.decode("utf-8", "replace")
    assert response.status_code == 200 and "张三" not in content and "13900000001" not in content


def test_a_new_key_each_time_the_form_is_opened(client, dw):
    first = client.get(reverse("complaint-new")).context["form"].initial["key"]
    second = client.get(reverse("complaint-new")).context["form"].initial["key"]
    assert isinstance(first, uuid.UUID) and first != second


@pytest.mark.parametrize("name", ["complaint-new", "complaint-status"])
def test_the_public_pages_read_in_english(client, dw, settings, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse(name)).content.decode()
    assert "Report misconduct" in page or "Follow a complaint" in page
    assert "举报" not in page.split("<main>")[1].split("<select")[0]


def test_the_discipline_page_reads_in_english(client, dw, settings):
    filed(dw)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(dw.office)
    page = client.get(reverse("discipline-office")).content.decode()
    assert "Overdue rectifications" in page and "Received" in page and "Accepting meals" in page
