"""The due list: cadres behind pace, scoped, filterable and exportable."""
import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_due_list_shows_the_behind_cadres_of_the_offices_county_only(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("visits-due"))
    assert page.status_code == 200
    assert counties["mine"]["cadre"].name in page.text
    assert counties["next"]["cadre"].name not in page.text


def test_the_due_list_masks_id_numbers_for_an_office_without_the_right(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("visits-due"))
    assert counties["mine"]["cadre"].id_number not in page.text


def test_the_due_list_filters_by_unit(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("visits-due"), {"unit": "nonexistent"})
    assert counties["mine"]["cadre"].name not in page.text


def test_the_due_list_exports_to_excel(client, office, counties):
    client.force_login(office)
    response = client.get(reverse("visits-due"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [counties["mine"]["cadre"].name]


@pytest.mark.dates
def test_a_bad_date_falls_back_to_today(client, office, counties):
    client.force_login(office)
    assert client.get(reverse("visits-due"), {"on": "2025-13-40"}).status_code == 200


def test_a_cadre_has_no_due_list(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    assert client.get(reverse("visits-due")).status_code == 403


