"""The newer pages in English: the household's ballot page, the leaders' dashboard and the
reports page, chosen per request by the language cookie or the browser's Accept-Language.

Chinese stays the default. What the roster contract fixes stays Chinese under English too: the
problems a roster import lists and the CSV of ``evaluation_results``.

The places, units and people here have Latin names, so any Chinese left in a page's headings
is an untranslated interface string, not data.
"""
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import BallotCode, Direction, EvaluationRound
from assessments.services import issue_codes, record_tally
from reports.models import Report
from reports.periods import Period
from reports.services.runs import request_report
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

TODAY = timezone.localdate()
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation
HEADINGS = re.compile(r"<(title|h1|h2|h3)\b[^>]*>(.*?)</\1>", re.S)


def headings(html: str) -> list[str]:
    """The text of the page's title and h1–h3 headings, without tags."""
    return [re.sub(r"<[^>]+>", "", text).strip() for _tag, text in HEADINGS.findall(html)]


def assert_headings_in_english(html: str) -> None:
    found = headings(html)
    assert found, "the page has headings"
    chinese = [text for text in found if CJK.search(text)]
    assert not chinese, f"headings with Chinese left in them: {chinese}"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the dashboard keeps its figures per area, year and day
    yield
    cache.clear()


@pytest.fixture
def place(db):
    """A county with one village, a unit paired with it and a cadre paired with one household."""
    f.province(name="Gansu")
    f.city(name="Tianshui")
    county = f.county(name="Qinzhou")
    f.township(name="Qinzhou Town")
    village = f.village(name="Willow Village")
    f.PoorAreaYearFactory(area=village, year=TODAY.year)
    unit = f.UnitFactory(name="Agriculture Bureau", area=county)
    f.VillagePairingFactory(unit=unit, village=village)
    cadre = f.CadreFactory(name="Zhang Ming", unit=unit)
    household = f.HouseholdFactory(village=village, head_name="Li Hua")
    f.HouseholdPairingFactory(cadre=cadre, household=household)
    return SimpleNamespace(county=county, village=village, unit=unit, cadre=cadre, household=household)


def staff(kind: str, area) -> object:
    role = f.RoleFactory(kind=kind, area=area, user=f.UserFactory(username=f"{kind}-en", is_staff=True))
    return role.user


@pytest.fixture
def leader(place):
    return staff("leader", place.county)


@pytest.fixture
def office(place):
    return staff("office", place.county)


@pytest.fixture
def ballot_code(place) -> str:
    rnd = EvaluationRound.objects.create(year=TODAY.year, area=place.county, opens=TODAY - timedelta(days=3),
                                         closes=TODAY + timedelta(days=3))
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    return BallotCode.objects.get(cadre=place.cadre).code


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the ballot page ------------------------------------------------------------------------------

def test_the_ballot_page_is_english_with_the_language_cookie(client, ballot_code):
    page = in_english(client).get(reverse("ballot-cast", args=[ballot_code]))
    assert page.status_code == 200 and 'lang="en"' in page.text
    for text in ("Household rates cadre", "Please rate: <strong>Zhang Ming</strong>", "two-way assessment (Qinzhou)",
                 "Your rating", "Satisfied", "Fairly satisfied", "Dissatisfied", "Submit rating"):
        assert text in page.text
    assert "请评价" not in page.text and "提交评议" not in page.text
    assert_headings_in_english(page.text)


def test_the_ballot_page_is_english_for_an_english_browser(client, ballot_code):
    page = client.get(reverse("ballot-cast", args=[ballot_code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Submit rating" in page.text


def test_the_ballot_page_is_chinese_by_default(client, ballot_code):
    page = client.get(reverse("ballot-cast", args=[ballot_code]))
    assert "提交评议" in page.text and "Submit rating" not in page.text


def test_an_unknown_code_is_explained_in_english(client, place):
    page = in_english(client).get(reverse("ballot-cast", args=["ZZZZZZZZZZ"]))
    assert page.status_code == 404
    assert "This ballot code does not exist; please check it and enter it again." in page.text
    assert_headings_in_english(page.text)


# --- the dashboard ------------------------------------------------------------------------------------

def test_the_dashboard_is_english_for_a_leader(client, leader, place):
    client.force_login(leader)
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'lang="en"' in page.text
    for text in ("Pairing work dashboard", "Full coverage", "Cadres on schedule with visits", "Visits by month",
                 "Subordinate areas (weakest first)", "On-schedule rate", "Dashboard"):
        assert text in page.text
    # The chart's words come from the page, translated, not from the script.
    assert 'data-months="Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"' in page.text
    assert 'data-rate="On-schedule rate (%)"' in page.text
    assert "双联工作看板" not in page.text and "逐月走访" not in page.text
    assert_headings_in_english(page.text)


def test_the_dashboard_is_chinese_by_default(client, leader, place):
    client.force_login(leader)
    page = client.get(reverse("dashboard"))
    assert "双联工作看板" in page.text and 'data-months="1月 2月' in page.text
    assert "Pairing work dashboard" not in page.text


# --- the reports page ---------------------------------------------------------------------------------

def test_the_reports_page_is_english_for_an_office(client, office, place):
    request_report(kind=Report.Kind.MONTHLY, period=Period.last_complete("monthly", TODAY), area=place.county,
                   enqueue=False)
    client.force_login(office)
    page = in_english(client).get(reverse("reports-index"))
    assert page.status_code == 200 and 'lang="en"' in page.text
    for text in ("Periodic report", "Illustrated ledger", "On-time submission", "Generate a report",
                 "Monthly report", "Queued", 'data-download="Download Excel"', 'data-print="Print version"'):
        assert text in page.text
    assert "定期报表" not in page.text and "生成报表" not in page.text
    assert_headings_in_english(page.text)


def test_quarters_are_numbered_in_english_and_counted_in_words_in_chinese():
    quarter = Period.parse("quarterly", "2025-Q3")
    assert quarter.title == "2025年第三季度"
    with translation.override("en"):
        assert quarter.title == "Q3 2025"
        assert Period.parse("quarterly", "2025-Q1").title == "Q1 2025"


# --- the roster contract stays Chinese -------------------------------------------------------------------

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


def test_a_roster_import_lists_its_problems_in_chinese_under_english(client, office, place):
    """The cadre is paired with one household, so two paper ballots are one too many."""
    sheets = {"评议": [["年度", "评议类型", "对象", "满意", "基本满意", "不满意"],
                     [TODAY.year, "户评干部", place.cadre.id_number, 2, 0, 0]]}
    client.force_login(office)
    page = in_english(client).post(reverse("admin:roster-upload"),
                                   {"workbook": SimpleUploadedFile("roster.xlsx", workbook(sheets))}, follow=True)
    assert page.status_code == 200 and 'id="roster-problems"' in page.text
    assert "票数合计2张（含网上评议），超过上限：该干部本年度联系1户。" in page.text
    assert "ballots in total" not in page.text and "paired with 1 household" not in page.text


def test_the_evaluation_results_csv_keeps_its_chinese_header_under_english(place, ballot_code):
    record_tally(direction=Direction.HOUSEHOLD_ON_CADRE, target=place.cadre, year=TODAY.year, satisfied=1, basic=0,
                 unsatisfied=0)
    out = io.StringIO()
    with translation.override("en"):
        call_command("evaluation_results", "--year", str(TODAY.year), stdout=out)
    header, row = out.getvalue().splitlines()
    assert header == "评议类型,对象,名称,票数,满意,基本满意,不满意,满意度"
    assert row.startswith(f"户评干部,{place.cadre.id_number},Zhang Ming,1,")


def test_the_english_catalogue_is_compiled():
    """The pages above are only English with the compiled catalogue (scripts/setup.sh builds it)."""
    assert (settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()


# --- the poverty tests page (docs/domain.md §10) ------------------------------------------------------

def test_the_poverty_tests_page_is_english_for_an_office(client, office, place):
    f.VillageYearFactory(village=place.village, year=TODAY.year)
    client.force_login(office)
    page = client.get(reverse("households-poverty"), {"year": TODAY.year}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'lang="en"' in page.text
    for text in ("Poverty tests", "Meets the poor-village test", "Households below the provincial line",
                 "Tested against the default thresholds:"):
        assert text in page.text
    assert "贫困识别测算" not in page.text
    assert_headings_in_english(page.text)
