"""The office's hand-over page and the roster upload page."""
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household
from pairing.models import HouseholdPairing

pytestmark = pytest.mark.django_db


def test_hand_over_page_ends_the_pairing_and_names_the_successor(client, office, counties):
    mine = counties["mine"]
    client.force_login(office)
    response = client.post(reverse("admin:pairing-hand-over", args=[mine["pairing"].pk]),
                           {"successor": mine["colleague"].pk, "on": "2025-07-01", "reason": "工作调动"})
    assert response.status_code == 302
    old = HouseholdPairing.objects.get(pk=mine["pairing"].pk)
    assert old.end == date(2025, 6, 30)
    assert old.successor.cadre == mine["colleague"] and old.successor.start == date(2025, 7, 1)


def test_hand_over_page_refuses_a_date_before_the_pairing_began(client, office, counties):
    mine = counties["mine"]
    client.force_login(office)
    page = client.post(reverse("admin:pairing-hand-over", args=[mine["pairing"].pk]),
                       {"successor": mine["colleague"].pk, "on": "2023-01-01", "reason": "工作调动"})
    assert page.status_code == 200 and "交接日期应晚于" in page.text
    assert HouseholdPairing.objects.get(pk=mine["pairing"].pk).end is None


def test_hand_over_of_the_next_countys_pairing_is_not_found(client, office, counties):
    client.force_login(office)
    url = reverse("admin:pairing-hand-over", args=[counties["next"]["pairing"].pk])
    assert client.get(url).status_code == 404


def upload(client, content: bytes, name: str = "roster.xlsx"):
    """The upload, followed to its import's status page (the import runs in-process here)."""
    return client.post(reverse("admin:roster-upload"), {"workbook": SimpleUploadedFile(name, content)}, follow=True)


def workbook(rows_by_sheet: dict) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in rows_by_sheet.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HOUSEHOLD_HEADERS = ["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口"]


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04broken zip", "户编号,村代码\n".encode()])
def test_upload_of_a_file_that_is_not_a_workbook_shows_a_message_not_an_error(client, office, content):
    client.force_login(office)
    page = upload(client, content)
    assert page.status_code == 200
    assert "工作簿" in page.text or "空" in page.text


def test_upload_with_wrong_headers_names_the_missing_columns(client, office, counties):
    client.force_login(office)
    page = upload(client, workbook({"农户": [["编号", "姓名"], ["X1", "张三"]]}))
    assert page.status_code == 200
    assert "缺少必填列" in page.text


def test_upload_with_a_bad_row_imports_nothing_and_names_the_row(client, office, counties):
    client.force_login(office)
    village = counties["mine"]["village"].code
    page = upload(client, workbook({"农户": [
        HOUSEHOLD_HEADERS,
        ["N1", village, "甲", "620502197001010014", "农村特困户", 3],
        ["N2", village, "乙", "620502197001010012", "农村特困户", 3],  # wrong check digit
    ]}))
    assert "校验位错误" in page.text
    assert not Household.objects.filter(number__in=["N1", "N2"]).exists()


def test_upload_of_a_household_in_the_next_county_is_refused(client, office, counties):
    client.force_login(office)
    page = upload(client, workbook({"农户": [
        HOUSEHOLD_HEADERS, ["N3", counties["next"]["village"].code, "丙", "620502197001010014", "农村特困户", 2],
    ]}))
    assert "管辖范围" in page.text
    assert not Household.objects.filter(number="N3").exists()


def test_a_valid_upload_imports_the_rows(client, office, counties):
    client.force_login(office)
    page = upload(client, workbook({"农户": [
        HOUSEHOLD_HEADERS, ["N4", counties["mine"]["village"].code, "丁", "620502197001010014", "农村特困户", 2],
    ]}))
    assert "导入完成" in page.text
    assert Household.objects.filter(number="N4", village=counties["mine"]["village"]).exists()


def test_a_leader_may_not_upload(client, leader):
    client.force_login(leader)
    assert client.get(reverse("admin:roster-upload")).status_code == 403
