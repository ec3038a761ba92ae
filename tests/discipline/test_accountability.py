"""Accountability records (表扬, 通报批评, 约谈, 问责, docs/domain.md §13): their basis, who issues
them, where they show (the cadre's and unit's admin pages, the discipline page, the annual report)."""
from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from discipline import services
from discipline.models import Accountability
from reports.figures import Subject, report_figures
from reports.periods import Period
from shuanglian.errors import DomainError
from tests.discipline.conftest import complaint_data

pytestmark = pytest.mark.django_db  # the clock is pinned (tests/discipline/conftest.py): no date of the session matters


def complaint(dw, finding="substantiated"):
    d = complaint_data(dw)
    c = services.file_complaint(rule=d["rule"], target_kind=d["target_kind"], target_name=d["target_name"],
                                area=d["area"], content=d["content"], key=d["key"])[0]
    return services.close_complaint(complaint=c, finding=finding, text="结论", by=dw.inspector)


def record(dw, **over) -> Accountability:
    values = {"kind": "talk", "cadre": dw.mine["cadre"], "on": date(2025, 6, 12), "by": dw.office,
              "issued_by": dw.county, "basis": "群众评议不满意率较高", **over}
    return services.record_accountability(**values)


def test_the_office_records_a_talk_with_a_cadre_on_a_basis(dw):
    talk = record(dw)
    assert (talk.kind, talk.cadre, talk.issued_by_id, talk.created_by) == ("talk", dw.mine["cadre"], "620502000000", dw.office)


def test_a_record_on_a_substantiated_complaint(dw):
    assert record(dw, kind="criticism", basis="", complaint=complaint(dw)).complaint.finding == "substantiated"


@pytest.mark.parametrize("over", [
    {"basis": ""},  # no basis at all
    {"kind": "accountability", "basis": "", "complaint": "unsubstantiated"},  # a complaint not substantiated
    {"unit": "mine"},  # both a unit and a cadre
    {"cadre": None},  # neither
    {"cadre": "other"},  # a cadre of another county
    {"on": date(2025, 6, 17)},  # in the future
    {"kind": "praise"},
])
def test_a_record_without_its_rules_is_refused_and_stores_nothing(dw, over):
    if over.get("complaint"):
        over["complaint"] = complaint(dw, over["complaint"])
    if over.get("unit") == "mine":
        over["unit"] = dw.mine["unit"]
    if over.get("cadre") == "other":
        over["cadre"] = dw.other["cadre"]
    with pytest.raises(DomainError):
        record(dw, **over)
    assert not Accountability.objects.exists()


@pytest.mark.parametrize("who", ["inspector", "leader", "unit_admin"])
def test_only_an_office_issues_records(dw, who):
    with pytest.raises(DomainError):
        record(dw, by=getattr(dw, who))


def test_the_record_is_on_the_cadres_admin_page(client, dw):
    record(dw, text="约谈提醒走访不足")
    client.force_login(dw.office)
    page = client.get(reverse("admin:pairing_cadre_change", args=[dw.mine["cadre"].pk])).content.decode()
    assert "约谈" in page and "群众评议不满意率较高" in page


def test_the_units_record_is_on_the_units_admin_page(client, dw):
    record(dw, kind="commendation", cadre=None, unit=dw.mine["unit"], basis="年度评议优秀")
    client.force_login(dw.office)
    page = client.get(reverse("admin:pairing_unit_change", args=[dw.mine["unit"].pk])).content.decode()
    assert "年度评议优秀" in page


def test_the_unit_administrator_sees_its_cadres_records_in_the_api(dw):
    from rest_framework.test import APIClient

    record(dw)
    api = APIClient()
    api.force_authenticate(dw.unit_admin)
    assert [r["kind"] for r in api.get("/api/v1/accountability-records/").json()["results"]] == ["talk"]


def test_the_office_records_on_the_page(client, dw):
    client.force_login(dw.office)
    response = client.post(reverse("discipline-accountability-new"), {
        "kind": "criticism", "unit": dw.mine["unit"].pk, "basis": "督查通报", "on": "2025-06-15"})
    assert response.status_code == 302 and Accountability.objects.get().unit == dw.mine["unit"]


def test_the_annual_report_counts_complaints_inspections_and_accountability(dw):
    record(dw, kind="criticism", basis="", complaint=complaint(dw))
    record(dw, kind="commendation", basis="评议优秀")
    inspection = services.record_inspection(year=2025, half=1, on=date(2025, 5, 20), unit=dw.mine["unit"], checked="台账",
                                            inspectors="王五", by=dw.inspector)
    services.add_finding(inspection=inspection, text="问题", deadline=date(2025, 6, 1), by=dw.inspector)
    summary = report_figures(subject=Subject(area_code="620502000000"), period=Period.parse("annual", "2025"),
                             as_of=date(2025, 6, 16))["summary"]
    assert (summary["complaints_received"], summary["complaints_closed"], summary["complaints_substantiated"]) == (1, 1, 1)
    assert (summary["inspections"], summary["findings"], summary["findings_rectified"]) == (1, 1, 0)
    assert (summary["accountability_criticism"], summary["accountability_commendation"], summary["accountability_talk"]) == (1, 1, 0)


def test_the_next_county_counts_none_of_it(dw):
    record(dw)
    summary = report_figures(subject=Subject(area_code="620503000000"), period=Period.parse("annual", "2025"),
                             as_of=date(2025, 6, 16))["summary"]
    assert summary["accountability_talk"] == 0


def test_the_page_lists_the_cadres_of_the_chosen_unit_and_records_against_one(client, dw):
    client.force_login(dw.office)
    assert dw.mine["cadre"].name not in client.get(reverse("discipline-accountability-new")).content.decode()
    page = client.get(reverse("discipline-accountability-new") + f"?unit={dw.mine['unit'].pk}").content.decode()
    assert dw.mine["cadre"].name in page
    response = client.post(reverse("discipline-accountability-new"), {
        "kind": "talk", "unit": dw.mine["unit"].pk, "cadre": dw.mine["cadre"].pk, "basis": "评议", "on": "2025-06-15"})
    record = Accountability.objects.get()
    assert response.status_code == 302 and (record.cadre, record.unit) == (dw.mine["cadre"], None)
