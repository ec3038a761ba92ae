"""The offices' page of the poverty tests (docs/domain.md §10): the figures of poverty_check for
the reader's area and a year, the households below the lines, and its Excel export."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from households.models import IncomeRecord, VillageYear

pytestmark = pytest.mark.django_db
URL = reverse("households-poverty")


@pytest.fixture
def data(counties):
    for key in ("mine", "next"):
        c = counties[key]
        VillageYear.objects.create(village=c["village"], year=2025, households=300, population=1200, poor_population=420,
                                   per_capita_income=Decimal("3100"), collective_income=0)
        IncomeRecord.objects.create(household=c["household"], year=2025, resident_population=3, total_income=Decimal("8000"))
    return counties


def test_an_office_sees_its_villages_test_and_households_below_the_lines(client, office, data):
    client.force_login(office)
    page = client.get(URL, {"year": 2025})
    html = page.content.decode()
    assert page.status_code == 200
    assert "秦州区一村" in html and "35.0" in html and "H620502" in html
    assert "麦积" not in html
    s = page.context["summary"]
    assert (s.villages, s.villages_meeting, s.meeting_designated, s.households, s.below_province, s.below_national) == (
        1, 1, 0, 1, 1, 1)  # the village is designated for the current year, not 2025


def test_an_area_the_reader_cannot_see_falls_back_to_their_own(client, office, data):
    client.force_login(office)
    page = client.get(URL, {"year": 2025, "area": "620503000000"})
    assert page.context["area"] == "620502000000" and "麦积" not in page.content.decode()


def test_a_bad_year_is_a_bad_request(client, office, data):
    client.force_login(office)
    assert client.get(URL, {"year": "两千"}).status_code == 400


def test_a_unit_administrator_and_a_cadre_are_refused(client, unit_admin, data):
    client.force_login(unit_admin)
    assert client.get(URL).status_code == 403
    client.force_login(data["mine"]["cadre"].user)
    assert client.get(URL).status_code == 403


def test_the_export_holds_the_villages_the_households_and_the_thresholds(client, office, data):
    client.force_login(office)
    response = client.get(URL, {"year": 2025, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["贫困村测算", "贫困户测算", "标准"]
    villages = list(book["贫困村测算"].values)
    assert villages[1][:2] == ("620502100001", "秦州区一村") and villages[1][-1] == "是" and len(villages) == 2
    households = list(book["贫困户测算"].values)
    assert households[1][0] == "H620502" and households[1][-2:] == ("是", "是") and len(households) == 2
    assert list(book["标准"].values)[1] == (2025, 2875, 2736, 3902, 30)
