"""Requesting and running reports: one report per kind, period and subject, replaced in place;
transient errors retried; cut-off runs requeued; the schedules' fan-out."""
import logging
from datetime import date, timedelta
from unittest import mock

import openpyxl
import pytest
from django.db import OperationalError
from django.utils import timezone

from reports.models import Report
from reports.services import runs
from reports.tasks import generate_report
from shuanglian.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Request a report and let the queued task run (in-process), as a worker would."""
    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = runs.request_report(**kwargs)
        report.refresh_from_db()
        return report
    return request


def test_a_requested_report_is_queued_run_and_stored_with_its_file(county, run):
    report = run(kind="monthly", period="2025-03", area=county.county)
    assert (report.status, report.progress, report.attempts, report.error) == ("done", 100, 1, "")
    assert report.figures["summary"]["visits"] == 2 and report.as_of == date(2025, 3, 31)
    assert report.file.name.endswith(".xlsx") and report.file.storage.exists(report.file.name)


def test_the_report_is_titled_by_subject_period_and_kind(county, run):
    assert run(kind="quarterly", period="2025-Q1", unit=county.units[0]).title == "农业局2025年第一季度双联工作季调度"


def test_requesting_the_same_report_again_replaces_it_in_place(county, run):
    first = run(kind="monthly", period="2025-03", area=county.county)
    old_file = first.file.name
    second = run(kind="monthly", period="2025-03", area=county.county)
    assert second.pk == first.pk and Report.objects.count() == 1
    assert second.attempts == 2 and second.file.name != old_file
    assert not second.file.storage.exists(old_file) and second.file.storage.exists(second.file.name)


def test_reports_of_other_periods_kinds_or_subjects_are_separate(county, run):
    run(kind="monthly", period="2025-03", area=county.county)
    run(kind="monthly", period="2025-02", area=county.county)
    run(kind="quarterly", period="2025-Q1", area=county.county)
    run(kind="monthly", period="2025-03", unit=county.units[0])
    assert Report.objects.count() == 4


def test_a_period_that_has_not_begun_is_refused(county):
    with pytest.raises(DomainError, match="尚未开始"):
        runs.request_report(kind="monthly", period="2025-03", area=county.county, today=date(2025, 2, 28))


def test_a_report_names_exactly_one_subject(county):
    with pytest.raises(DomainError, match="一个区划或一个单位"):
        runs.request_report(kind="monthly", period="2025-03", area=county.county, unit=county.units[0])


def test_a_malformed_period_is_refused_with_an_example(county):
    with pytest.raises(DomainError, match="2025-Q1"):
        runs.request_report(kind="quarterly", period="2025-5", area=county.county)


def test_a_report_requested_again_while_running_keeps_only_the_newer_runs_result(county, run):
    from reports import figures as figures_module

    real = figures_module.report_figures

    def meanwhile_requested_again(**kwargs):
        runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
        return real(**kwargs)

    with mock.patch("reports.services.runs.report_figures", side_effect=meanwhile_requested_again):
        report = run(kind="monthly", period="2025-03", area=county.county)
    # The first run finished after the new request: it stored nothing, the new run will.
    assert (report.status, report.file.name, report.figures) == ("pending", "", {})


def test_a_transient_database_error_is_retried_and_the_report_completes(county, run):
    from reports import workbook

    real = workbook.write_report_workbook
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    with mock.patch("reports.workbook.write_report_workbook", side_effect=flaky):
        report = run(kind="monthly", period="2025-03", area=county.county)
    assert (report.status, report.attempts) == ("done", 2)


def test_a_transient_error_on_the_last_try_fails_the_report_with_the_reason(county):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    with mock.patch("reports.services.runs.report_figures", side_effect=OperationalError("database is locked")):
        with pytest.raises(OperationalError):
            runs.run_report(report_id=report.pk, final=True)
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", "生成失败：database is locked")


def test_a_transient_error_before_the_last_try_sets_the_report_back_to_pending(county):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    with mock.patch("reports.services.runs.report_figures", side_effect=OperationalError("database is locked")):
        with pytest.raises(OperationalError):
            runs.run_report(report_id=report.pk, final=False)
    report.refresh_from_db()
    assert report.status == "pending" and "稍后自动重试" in report.error


def test_an_unexpected_error_fails_the_report_and_reaches_the_log(county, caplog):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    with mock.patch("reports.services.runs.report_figures", side_effect=KeyError("x")), caplog.at_level(logging.ERROR):
        runs.run_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "failed" and "KeyError" in report.error
    assert "report %s failed" % report.pk in caplog.text


def test_a_deleted_report_is_skipped_by_its_task(county):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    report.delete()
    generate_report.apply(args=[report.pk], throw=True)  # nothing to do, no error


def test_a_run_cut_off_mid_task_goes_back_to_pending_and_is_run_again(county, django_capture_on_commit_callbacks):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    Report.objects.filter(pk=report.pk).update(status="running", started_at=timezone.now() - timedelta(hours=1), attempts=1)
    with mock.patch("reports.services.runs.enqueue_report") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            assert runs.requeue_stale_reports() == 1
    report.refresh_from_db()
    assert report.status == "pending" and enqueue.call_args == mock.call(report.pk)


def test_a_requeued_report_completes_when_its_task_runs(county, django_capture_on_commit_callbacks):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    Report.objects.filter(pk=report.pk).update(status="running", started_at=timezone.now() - timedelta(hours=1), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        runs.requeue_stale_reports()
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("done", 2)


def test_a_report_running_for_a_few_minutes_is_left_alone(county):
    report = runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False)
    Report.objects.filter(pk=report.pk).update(status="running", started_at=timezone.now() - timedelta(minutes=5))
    assert runs.requeue_stale_reports() == 0


def test_an_unreachable_broker_leaves_the_report_pending_for_the_sweep(county, django_capture_on_commit_callbacks, caplog):
    from shuanglian.celery import app

    app.conf.task_always_eager = False  # a broker is configured (restored by the conftest)
    with mock.patch("reports.tasks.generate_report.apply_async", side_effect=ConnectionRefusedError()):
        with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR):
            report = runs.request_report(kind="monthly", period="2025-03", area=county.county)
    report.refresh_from_db()
    assert report.status == "pending" and "could not queue reports.tasks.generate_report" in caplog.text


def test_the_monthly_schedule_reports_every_area_level_and_every_active_unit_on_last_month(county, django_capture_on_commit_callbacks):
    with mock.patch("reports.services.runs.enqueue_report") as enqueue, django_capture_on_commit_callbacks(execute=True):
        count = runs.schedule_periodic_reports(kind="monthly", today=date(2025, 4, 1))
    reports = Report.objects.all()
    assert count == 10 and enqueue.call_count == 10
    assert {r.period for r in reports} == {"2025-03"}
    assert sorted(r.area_id for r in reports if r.area_id) == [
        "620000000000", "620500000000", "620502000000", "620502100000", "620502200000", "620503000000", "620503100000"]
    assert sorted(r.unit.code for r in reports if r.unit_id) == ["U1", "U2", "U3"]


def test_running_the_schedule_twice_replaces_rather_than_duplicates(county):
    with mock.patch("reports.services.runs.enqueue_report"):
        runs.schedule_periodic_reports(kind="quarterly", today=date(2025, 4, 1))
        runs.schedule_periodic_reports(kind="quarterly", today=date(2025, 4, 2))
    assert Report.objects.count() == 10 and set(Report.objects.values_list("period", flat=True)) == {"2025-Q1"}


def test_the_report_workbook_holds_the_summary_and_the_breakdowns(county, run):
    report = run(kind="monthly", period="2025-03", area=county.county)
    book = openpyxl.load_workbook(report.file.path)
    assert book.sheetnames == ["汇总", "各单位情况", "下级区划情况"]
    summary = {row[1]: row[2] for row in book["汇总"].iter_rows(min_row=4, values_only=True)}
    assert (summary["干部走访次数"], summary["干部走访天数"], summary["落实帮扶资金（元）"], summary["干部走访达标率"]) == (
        2, 5, 5000, pytest.approx(0.333))
    units = [row for row in book["各单位情况"].iter_rows(min_row=4, values_only=True)]
    assert units[0][:5] == ("U1", "农业局", 2, 1, 2) and units[-1][0] == "合计" and units[-1][8] == 5000
    assert book["汇总"].page_setup.orientation == "landscape" and book["汇总"].print_title_rows == "$1:$3"


def test_a_unit_report_workbook_lists_its_cadres_behind_pace(county, run):
    report = run(kind="monthly", period="2025-03", unit=county.units[0])
    book = openpyxl.load_workbook(report.file.path)
    assert book.sheetnames == ["汇总", "进度滞后干部"]
    assert [row for row in book["进度滞后干部"].iter_rows(min_row=4, values_only=True)] == [("李二", 0, 1, 0, 4)]


@pytest.mark.django_db
def test_a_report_asked_for_in_english_is_still_written_in_chinese(django_capture_on_commit_callbacks):
    from django.utils import translation

    from households.models import Area
    from reports.services.runs import request_report
    from tests import factories as f

    f.county()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        report = request_report(kind="annual", period="2025", area=Area.objects.get(code="620502000000"), by=None)
    report.refresh_from_db()
    assert report.status == "done" and "年" in report.figures["title"]
