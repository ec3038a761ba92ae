"""The reports pages: scoped lists, requesting and watching a report, download and print, the
ledger download, and the on-time reporting pages of units and offices."""
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from reports.models import MonthlySubmission, Notice, Report
from reports.services import runs, submissions
from shuanglian.scoping import mask_id_number

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mine = runs.request_report(kind="monthly", period="2025-03", area=county.county)
        theirs = runs.request_report(kind="monthly", period="2025-03", area=county.maiji)
        unit = runs.request_report(kind="monthly", period="2025-03", unit=county.units[0])
    for report in (mine, theirs, unit):
        report.refresh_from_db()
    return mine, theirs, unit


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_the_office_lists_the_reports_of_its_county_and_its_units_only(client, people, reports):
    html = page(client, people.office, "reports-index").text
    assert "秦州区" in html and "农业局" in html and "麦积区" not in html


def test_a_unit_administrator_lists_only_the_units_reports(client, people, reports):
    html = page(client, people.nongye, "reports-index").text
    assert 'id="report-%s"' % reports[2].pk in html and 'id="report-%s"' % reports[0].pk not in html


def test_a_cadre_has_no_reports_page(client, people):
    assert page(client, people.cadre, "reports-index").status_code == 403


def test_the_list_filters_by_kind_and_period(client, people, reports, county):
    runs.request_report(kind="annual", period="2025", area=county.county, enqueue=False)
    html = page(client, people.office, "reports-index", kind="annual").text
    assert html.count('data-report="') == 1


def test_the_list_page_takes_a_fixed_number_of_queries(client, people, reports, django_assert_max_num_queries, county):
    for month in ("2025-01", "2025-02"):
        runs.request_report(kind="monthly", period=month, area=county.county, enqueue=False)
    client.force_login(people.office)
    with django_assert_max_num_queries(12):
        client.get(reverse("reports-index"))


def test_requesting_a_report_queues_it_and_the_page_shows_it(client, people, county, django_capture_on_commit_callbacks):
    client.force_login(people.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports-request"), {"kind": "quarterly", "period": "2025-q1", "area": county.county.code})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#report-{report.pk}")
    assert (report.period, report.status, report.requested_by) == ("2025-Q1", "done", people.office)


def test_an_area_outside_the_users_scope_cannot_be_requested(client, people, county):
    client.force_login(people.office)
    response = client.post(reverse("reports-request"), {"kind": "monthly", "period": "2025-03", "area": county.maiji.code})
    assert response.status_code == 400 and not Report.objects.exists()


def test_a_malformed_period_is_shown_on_the_form(client, people, county):
    client.force_login(people.office)
    response = client.post(reverse("reports-request"), {"kind": "monthly", "period": "March", "area": county.county.code})
    assert response.status_code == 400 and "应形如 2025-03" in response.text


def test_a_unit_administrator_requests_reports_of_its_unit(client, people, county):
    client.force_login(people.nongye)
    client.post(reverse("reports-request"), {"kind": "monthly", "period": "2025-03", "unit": county.units[1].pk})
    client.post(reverse("reports-request"), {"kind": "monthly", "period": "2025-03", "unit": county.units[0].pk})
    assert [r.unit.code for r in Report.objects.all()] == ["U1"]


def test_the_status_of_a_report_can_be_watched(client, people, reports):
    data = page(client, people.office, "reports-status", reports[0].pk).json()
    assert (data["status"], data["label"], data["progress"], data["in_progress"]) == ("done", "已完成", 100, False)
    assert data["download"] == reverse("reports-download", args=[reports[0].pk])


def test_a_queued_report_shows_its_progress_bar_and_is_watched(client, people, county):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    html = page(client, people.office, "reports-index").text
    assert f'id="report-{report.pk}"' in html and "data-watch" in html and "<progress" in html and "排队中" in html


def test_the_excel_file_downloads(client, people, reports):
    response = page(client, people.office, "reports-download", reports[0].pk)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "汇总"
    assert "attachment" in response["Content-Disposition"]


def test_another_countys_report_cannot_be_downloaded(client, people, reports):
    assert page(client, people.office, "reports-download", reports[1].pk).status_code == 404


def test_the_print_page_shows_the_stored_figures_on_a4_landscape(client, people, reports):
    html = page(client, people.office, "reports-detail", reports[0].pk).text
    assert "秦州区2025年3月双联工作月报告" in html and "@page { size: A4 landscape" in html
    assert "干部走访达标率</td><td class=\"n\">33.3%" in html and "农业局" in html and "一乡" in html


def test_the_ledger_downloads_for_the_offices_county_with_masked_id_numbers(client, people, county):
    response = page(client, people.office, "reports-ledger", area=county.county.code, year=2025)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ledger = [r for r in book["扶贫台帐"].iter_rows(min_row=4, values_only=True) if str(r[3]).startswith("H")]
    assert [r[3] for r in ledger] == ["H1", "H2", "H3", "H4", "H5"]
    assert ledger[0][5] == mask_id_number(county.households[0].head_id_number)


def test_the_ledger_of_an_area_outside_the_scope_is_refused(client, people, county):
    response = page(client, people.office, "reports-ledger", area=county.maiji.code, year=2025)
    assert response.status_code == 200 and "attachment" not in response.get("Content-Disposition", "")


def test_a_unit_administrators_ledger_covers_the_units_households(client, people):
    response = page(client, people.nongye, "reports-ledger", year=2025)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    numbers = [r[3] for r in book["扶贫台帐"].iter_rows(min_row=4, values_only=True) if str(r[3]).startswith("H")]
    assert numbers == ["H1", "H2", "H3"]


def test_a_ledger_too_large_for_the_web_is_refused_with_advice(client, people, county, settings):
    settings.LEDGER_WEB_MAX_HOUSEHOLDS = 3
    response = page(client, people.office, "reports-ledger", area=county.county.code, year=2025)
    assert "超过网页导出上限" in response.text


def test_the_office_sees_the_months_missing_and_late_reports(client, people, county):
    submissions.submit_monthly_report(unit=county.units[0], month=date(2025, 3, 1), summary="已走访", by=people.nongye,
                                   now=at("2025-04-07"))
    html = page(client, people.office, "reports-submissions", month="2025-03").text
    assert '<dd id="count-missing">1</dd>' in html and '<dd id="count-late">1</dd>' in html
    assert 'data-unit="U2"' in html and 'data-unit="U3"' not in html


def test_a_unit_administrator_sees_its_months_and_submits(client, people, county):
    assert 'id="unit-months"' in page(client, people.nongye, "reports-submissions").text
    response = client.post(reverse("reports-submit", args=["2025-03"]), {"summary": "本月走访2次"})
    submission = MonthlySubmission.objects.get()
    assert response.status_code == 302 and (submission.unit, submission.summary) == (county.units[0], "本月走访2次")


def test_the_office_approves_on_the_submission_page(client, people, county):
    s = submissions.submit_monthly_report(unit=county.units[0], month=date(2025, 3, 1), summary="已走访", by=people.nongye)
    client.force_login(people.office)
    client.post(reverse("reports-submission", args=[s.pk]), {"action": "approve", "comment": ""})
    s.refresh_from_db()
    assert s.status == "approved"


def test_returning_without_a_comment_shows_the_error(client, people, county):
    s = submissions.submit_monthly_report(unit=county.units[0], month=date(2025, 3, 1), summary="已走访", by=people.nongye)
    client.force_login(people.office)
    response = client.post(reverse("reports-submission", args=[s.pk]), {"action": "return", "comment": ""})
    s.refresh_from_db()
    assert s.status == "submitted" and "退回时请写明需要修改的内容" in response.text


def test_a_leader_sees_a_submission_but_cannot_review_it(client, people, county):
    s = submissions.submit_monthly_report(unit=county.units[0], month=date(2025, 3, 1), summary="已走访", by=people.nongye)
    assert 'id="review"' not in page(client, people.leader, "reports-submission", s.pk).text
    assert client.post(reverse("reports-submission", args=[s.pk]), {"action": "approve"}).status_code == 403


def test_notices_show_on_the_reports_page_and_can_be_marked_read(client, people):
    Notice.objects.create(user=people.nongye, key="k", title="农业局有 1 名干部走访进度滞后", body="李二")
    assert "农业局有 1 名干部走访进度滞后" in page(client, people.nongye, "reports-index").text
    client.post(reverse("reports-notices-read"), {"notice": [Notice.objects.get().pk]})
    assert Notice.objects.get().read_at is not None


def test_the_offices_month_page_takes_a_fixed_number_of_queries(client, people, county, django_assert_max_num_queries):
    for unit, admin in ((county.units[0], people.nongye), (county.units[1], people.shuili)):
        s = submissions.submit_monthly_report(unit=unit, month=date(2025, 3, 1), summary="已走访", by=admin, now=at("2025-04-02"))
        submissions.approve_submission(submission=s, by=people.office)
    client.force_login(people.office)
    with django_assert_max_num_queries(10):
        client.get(reverse("reports-submissions"), {"month": "2025-03"})
