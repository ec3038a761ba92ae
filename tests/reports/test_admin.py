"""The admin: reports and monthly reports scoped like every list, re-run and approve actions,
and the schedules editable where django-celery-beat keeps them."""
from datetime import date

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reports.models import MonthlySubmission, Report
from reports.services import runs, submissions
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reports(county):
    return (runs.request_report(kind="monthly", period="2025-03", area=county.county, enqueue=False),
            runs.request_report(kind="monthly", period="2025-03", area=county.maiji, enqueue=False))


def test_the_office_lists_the_reports_of_its_county_in_the_admin(client, people, two_reports):
    client.force_login(people.office)
    html = client.get(reverse("admin:reports_report_changelist")).text
    assert "秦州区2025年3月双联工作月报告" in html and "麦积区" not in html


def test_rerunning_a_report_from_the_admin_replaces_it(client, people, two_reports, django_capture_on_commit_callbacks):
    client.force_login(people.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:reports_report_changelist"),
                    {"action": "rerun", "_selected_action": [two_reports[0].pk]})
    report = Report.objects.get(pk=two_reports[0].pk)
    assert (report.status, report.requested_by) == ("done", people.office)


def test_the_office_approves_monthly_reports_from_the_admin(client, people, county):
    s = submissions.submit_monthly_report(unit=county.units[0], month=date(2025, 3, 1), summary="已走访", by=people.nongye)
    client.force_login(people.office)
    client.post(reverse("admin:reports_monthlysubmission_changelist"), {"action": "approve", "_selected_action": [s.pk]})
    assert MonthlySubmission.objects.get().status == "approved"


def test_the_schedules_are_editable_in_the_admin(client):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    task = PeriodicTask.objects.get(name="双联月报告（每月1日）")
    assert client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).status_code == 200


def test_the_report_admin_pages_load_for_the_system_administrator(client, two_reports):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    for name in ("reports_report", "reports_monthlysubmission", "reports_submissionpolicy", "reports_notice"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:reports_report_change", args=[two_reports[0].pk])).status_code == 200
