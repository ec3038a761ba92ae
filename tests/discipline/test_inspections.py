"""Half-yearly inspections, findings and their rectification (docs/domain.md §13): dates in the
half, the office's sign-off only with evidence, overdue rectifications listed and reminded."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from discipline import services
from discipline.models import Finding, Inspection
from discipline.selectors import overdue_rectifications
from reports.models import Notice
from reports.services.notices import send_rectification_reminders
from shuanglian.errors import DomainError
from tests.discipline.conftest import photo

pytestmark = pytest.mark.django_db  # the clock is pinned (tests/discipline/conftest.py): no date of the session matters


def inspect(dw, by=None, **over) -> Inspection:
    values = {"year": 2025, "half": 1, "on": date(2025, 5, 20), "unit": dw.mine["unit"], "checked": "走访台账、结对帮扶",
              "inspectors": "王五、赵六", "by": by or dw.inspector, **over}
    return services.record_inspection(**values)


def found(dw, deadline=date(2025, 6, 10)) -> Finding:
    return services.add_finding(inspection=inspect(dw), text="走访记录不全", deadline=deadline, by=dw.inspector)


def test_the_inspection_group_records_an_inspection_of_a_unit(dw):
    inspection = inspect(dw)
    assert inspection.area_id == "620502000000" and inspection.created_by == dw.inspector


def test_an_inspection_of_a_village_is_kept_under_the_village(dw):
    assert inspect(dw, unit=None, village=dw.mine["village"]).area_id == "620502100001"


@pytest.mark.parametrize("over", [{"on": date(2025, 8, 1)}, {"year": 2024}, {"unit": None}, {"checked": " "},
                                  {"inspectors": ""}])
def test_an_inspection_missing_or_outside_its_half_is_refused(dw, over):
    with pytest.raises(DomainError):
        inspect(dw, **over)
    assert not Inspection.objects.exists()


def test_the_next_countys_unit_is_not_inspected_from_here(dw):
    with pytest.raises(DomainError):
        inspect(dw, unit=dw.other["unit"])


def test_a_deadline_before_the_inspection_is_refused(dw):
    with pytest.raises(DomainError):
        services.add_finding(inspection=inspect(dw), text="问题", deadline=date(2025, 5, 1), by=dw.inspector)


def test_a_rectification_closed_without_evidence_is_refused_and_stays_open(dw):
    finding = found(dw)
    with pytest.raises(DomainError) as refused:
        services.close_rectification(finding=finding, evidence="  ", by=dw.office)
    assert "整改情况" in str(refused.value)
    assert Finding.objects.get().closed_on is None


def test_the_office_signs_a_rectification_off_with_its_evidence(dw):
    finding = services.close_rectification(finding=found(dw), evidence="已补齐走访记录", file=photo(), by=dw.office)
    assert finding.closed_on == date(2025, 6, 16) and finding.evidence_file.name.endswith(".jpg")


def test_a_pdf_is_accepted_as_evidence(dw):
    pdf = SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF")
    assert services.close_rectification(finding=found(dw), evidence="文件", file=pdf, by=dw.office).evidence_file


def test_evidence_that_is_neither_a_photo_nor_a_pdf_is_refused(dw):
    with pytest.raises(DomainError) as refused:
        services.close_rectification(finding=found(dw), evidence="见附件", file=SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0" * 9),
                                     by=dw.office)
    assert "照片或PDF" in str(refused.value)
    assert Finding.objects.get().closed_on is None


def test_an_oversized_evidence_file_is_refused(dw, monkeypatch):
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    with pytest.raises(DomainError):
        services.close_rectification(finding=found(dw), evidence="见附件", file=SimpleUploadedFile("e.pdf", b"%PDF-" + b"x" * 20),
                                     by=dw.office)


def test_the_inspection_group_does_not_sign_off(dw):
    with pytest.raises(DomainError):
        services.close_rectification(finding=found(dw), evidence="已整改", by=dw.inspector)


def test_a_rectification_past_its_deadline_and_open_is_overdue(dw):
    late, on_time = found(dw), found(dw, deadline=date(2025, 7, 1))
    closed = services.close_rectification(finding=found(dw), evidence="已整改", by=dw.office)
    assert list(overdue_rectifications(today=date(2025, 6, 16))) == [late]
    assert on_time not in overdue_rectifications(today=date(2025, 6, 16)) and closed.deadline < date(2025, 6, 16)


def test_overdue_rectifications_are_on_the_office_page(client, dw):
    found(dw)
    client.force_login(dw.office)
    page = client.get(reverse("discipline-office")).content.decode()
    assert "走访记录不全" in page and "2025-06-10" in page


def test_the_weekly_reminder_tells_the_office_once_a_week(dw):
    found(dw)
    assert send_rectification_reminders(today=date(2025, 6, 16)) == 1
    assert send_rectification_reminders(today=date(2025, 6, 17)) == 0
    notice = Notice.objects.get()
    assert notice.user == dw.office and "走访记录不全" in notice.body


def test_closing_on_the_page_without_evidence_says_so(client, dw):
    finding = found(dw)
    client.force_login(dw.office)
    response = client.post(reverse("discipline-inspection", args=[finding.inspection_id]),
                           {"action": "rectify", "finding": finding.pk, "evidence": ""})
    assert response.status_code == 200 and "整改销号须填写整改情况" in response.content.decode()
    assert Finding.objects.get().closed_on is None


def test_the_office_records_an_inspection_and_a_finding_on_the_pages(client, dw):
    client.force_login(dw.inspector)
    response = client.post(reverse("discipline-inspection-new"), {
        "year": 2025, "half": 1, "on": "2025-06-12", "unit": dw.mine["unit"].pk, "checked": "台账", "inspectors": "王五"})
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    client.post(reverse("discipline-inspection", args=[inspection.pk]),
                {"action": "finding", "text": "未按时报送月报", "deadline": "2025-07-12"})
    assert inspection.findings.get().text == "未按时报送月报"
