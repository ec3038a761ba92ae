"""The admin's roster upload is an import job: stored, imported by a task with the uploader's
scope (in-process here, as without a broker), followed on a status page that refreshes itself;
problems are shown a page at a time and downloaded whole."""
from __future__ import annotations

import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household
from shuanglian.models import RosterImport
from shuanglian.roster import jobs
from shuanglian.roster.reader import open_workbook, reporting_progress, sheet_values
from tests.web.conftest import area, county, staff

from .workbooks import id_number, wrong_check_digit

pytestmark = pytest.mark.django_db

HEADERS = ["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口"]


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.ROSTER_UPLOADS_ROOT = tmp_path / "uploads"
    return tmp_path / "uploads"


@pytest.fixture
def counties():
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    return {"mine": county("620502", "秦州区", 1), "next": county("620503", "麦积区", 2)}


@pytest.fixture
def office(counties, client):
    user = staff("office", kind="office", area_id="620502000000")
    client.force_login(user)
    return user


def households(village: str, count: int, *, bad: bool = False) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "农户"
    ws.append(HEADERS)
    for n in range(count):
        number = id_number("620502", "19700101", f"{(2 * n + 1) % 1000:03d}")
        ws.append([f"N{n}", village, f"户主{n}", wrong_check_digit(number) if bad else number, "农村特困户", 2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "roster.xlsx"):
    return client.post(reverse("admin:roster-upload"), {"workbook": SimpleUploadedFile(name, content)})


def test_an_upload_becomes_a_job_that_finishes_with_its_counts(client, office, counties, uploads):
    response = upload(client, households(counties["mine"]["village"].code, 3))
    job = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:roster-import", args=[job.pk])
    assert (job.status, job.progress, job.user, job.filename) == ("done", 100, office, "roster.xlsx")
    assert job.counts["农户"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert Household.objects.filter(number__in=["N0", "N1", "N2"]).count() == 3
    page = client.get(response.url).text
    assert "导入完成" in page and 'http-equiv="refresh"' not in page


def test_the_uploaded_file_is_deleted_once_the_job_has_run(client, office, counties, uploads):
    upload(client, households(counties["mine"]["village"].code, 1))
    assert not RosterImport.objects.get().file
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def test_the_job_imports_with_the_uploaders_scope(client, office, counties):
    upload(client, households(counties["next"]["village"].code, 1))
    job = RosterImport.objects.get()
    assert job.status == "rejected" and "管辖范围" in job.problems.get().message
    assert not Household.objects.filter(number="N0").exists()


def test_an_unfinished_job_shows_its_progress_and_refreshes_without_script(client, office):
    job = RosterImport.objects.create(user=office, filename="big.xlsx", status="running", progress=42)
    page = client.get(reverse("admin:roster-import", args=[job.pk])).text
    assert '<meta http-equiv="refresh" content="3">' in page and 'value="42"' in page
    assert "<script>" not in page.split("</head>")[1]


def test_problems_are_shown_two_hundred_a_page_with_their_count(client, office, counties):
    upload(client, households(counties["mine"]["village"].code, 450, bad=True))
    job = RosterImport.objects.get()
    assert job.status == "rejected" and job.problem_count == 450
    url = reverse("admin:roster-import", args=[job.pk])
    first = client.get(url).text
    assert "发现 450 处问题，未导入任何数据" in first and first.count("校验位错误") == 200 and "第 1 / 3 页" in first
    last = client.get(url, {"page": 3}).text
    assert last.count("校验位错误") == 50 and "农户</td><td>451<" in last
    assert not Household.objects.filter(number__startswith="N").exists()


def test_every_problem_downloads_as_a_workbook(client, office, counties):
    upload(client, households(counties["mine"]["village"].code, 450, bad=True))
    job = RosterImport.objects.get()
    response = client.get(reverse("admin:roster-import-problems", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)["问题"]
                .iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行", "问题") and len(rows) == 451
    assert rows[1][:2] == ("农户", 2) and "校验位错误" in rows[1][2]


def test_a_file_that_is_not_a_workbook_ends_as_a_rejected_job_with_a_message(client, office):
    upload(client, b"not a workbook at all")
    job = RosterImport.objects.get()
    assert job.status == "rejected" and "不是有效的Excel工作簿" in job.problems.get().message


def test_another_users_job_is_not_found(client, office, counties):
    other = staff("office2", kind="office", area_id="620502000000")
    job = RosterImport.objects.create(user=other, filename="theirs.xlsx")
    assert client.get(reverse("admin:roster-import", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:roster-import-problems", args=[job.pk])).status_code == 404


def test_a_broker_that_cannot_be_reached_fails_the_job_with_a_message(client, office, counties):
    with mock.patch("shuanglian.tasks.import_roster.delay", side_effect=ConnectionRefusedError()):
        upload(client, households(counties["mine"]["village"].code, 1))
    job = RosterImport.objects.get()
    assert job.status == "failed" and "无法排队" in job.problems.get().message
    assert not Household.objects.filter(number="N0").exists()


def test_a_finished_job_delivered_again_changes_nothing(client, office, counties):
    upload(client, households(counties["mine"]["village"].code, 1))
    job = RosterImport.objects.get()
    jobs.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.counts["农户"]["created"] == 1


def test_reading_reports_rows_read_of_the_rows_in_the_workbook():
    seen = []
    content = households("620502100001", 4999)
    with reporting_progress(lambda done, total: seen.append((done, total))):
        workbook = open_workbook(io.BytesIO(content))
        for _ in sheet_values(workbook["农户"]):
            pass
        workbook.close()
    assert seen == [(2000, 5000), (4000, 5000)]
