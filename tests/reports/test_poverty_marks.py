"""The poverty tests of docs/domain.md §10 on the dashboard and in the ledger: villages meeting the
poor-village test, households below the lines."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from reports.dashboard import compute
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tested(county):
    v1, v2, v3 = county.villages
    f.VillageYearFactory(village=v1, year=2025)  # meets the test; designated (conftest)
    f.VillageYearFactory(village=v2, year=2025)  # meets the test; not designated
    f.VillageYearFactory(village=v3, year=2025, collective_income=Decimal("100"))  # does not
    f.VillageYearFactory(village=county.outside, year=2025)
    return county


def test_the_dashboard_counts_villages_meeting_the_test_and_households_below_the_lines(tested):
    p = compute(area=tested.county, year=2025, as_of=date(2025, 6, 30))["poverty"]
    # H3 2,500 is below both lines; H4 2,200 below both; H1 and H2 4,000 below neither.
    assert (p["villages"], p["villages_meeting"], p["meeting_designated"]) == (3, 2, 1)
    assert (p["households"], p["below_province"], p["below_national"]) == (4, 2, 2)


def test_the_dashboard_page_shows_the_poverty_tests(client, tested, people):
    client.force_login(people.office)
    html = client.get("/dashboard/", {"area": tested.county.code, "year": 2025}).content.decode()
    assert 'id="villages-meeting">2<' in html and 'id="households-below">2 / 2<' in html


@pytest.fixture
def book(tested, tmp_path):
    path = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--area", tested.county.code, "--year", "2025", "-o", str(path), stdout=io.StringIO())
    return openpyxl.load_workbook(path, data_only=True)


def test_the_ledger_marks_each_village_meeting_the_test(book):
    table = [r for r in book["村收入对比"].iter_rows(min_row=4, values_only=True)]
    assert [(r[3], r[10]) for r in table[:3]] == [("甲村", "是"), ("乙村", "是"), ("丙村", "否")]


def test_a_village_without_village_data_is_not_marked_either_way(county, tmp_path):
    path = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--area", county.county.code, "--year", "2025", "-o", str(path), stdout=io.StringIO())
    table = list(openpyxl.load_workbook(path, data_only=True)["村收入对比"].iter_rows(min_row=4, values_only=True))
    assert table[0][10] is None


def test_the_ledger_marks_each_household_below_the_lines(book):
    marks = {r[3]: r[16] for r in book["扶贫台帐"].iter_rows(min_row=4, values_only=True) if str(r[3] or "").startswith("H")}
    assert marks == {"H1": None, "H2": None, "H3": "低于国家标准", "H4": "低于国家标准", "H5": None}


def test_the_ledger_marks_a_household_between_the_lines_as_below_the_provincial_line(tested, tmp_path):
    f.PovertyLineFactory(year=2025, province_line=3000, national_line=2400)
    path = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--area", tested.county.code, "--year", "2025", "-o", str(path), stdout=io.StringIO())
    rows = openpyxl.load_workbook(path, data_only=True)["扶贫台帐"].iter_rows(min_row=4, values_only=True)
    marks = {r[3]: r[16] for r in rows if str(r[3] or "").startswith("H")}
    assert (marks["H3"], marks["H4"]) == ("低于省定标准", "低于国家标准")
