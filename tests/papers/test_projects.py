"""The rules of a project (docs/domain.md §12) at the service, the admin and the API."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pairing.models import Role
from papers.models import Project
from papers.services import record_project
from tests import factories as f

pytestmark = pytest.mark.django_db


def unit_admin(unit):
    role = f.RoleFactory(kind=Role.Kind.UNIT_ADMIN, area=None, unit=unit)
    role.user.is_staff = True
    role.user.save()
    return role.user


def values(unit, village, **changes):
    base = {"unit": unit, "village": village, "kind": "training", "title": "种植技术培训", "year": 2025,
            "money_planned": Decimal("1000"), "money_spent": Decimal("800"), "people_trained": 40,
            "start": date(2025, 4, 1)}
    return {**base, **changes}


@pytest.fixture
def paired():
    pairing = f.VillagePairingFactory()
    return pairing.unit, pairing.village, unit_admin(pairing.unit)


def test_a_unit_administrator_records_a_project_in_a_paired_village(paired):
    unit, village, user = paired
    project = record_project(user, **values(unit, village))
    assert project.people_trained == 40 and project.created_by == user


def test_a_negative_amount_is_refused(paired):
    unit, village, user = paired
    with pytest.raises(ValidationError) as caught:
        record_project(user, **values(unit, village, money_planned=Decimal("-1")))
    assert "金额不能为负数。" in caught.value.message_dict["money_planned"]
    assert not Project.objects.exists()


def test_money_spent_above_planned_needs_a_note(paired):
    unit, village, user = paired
    with pytest.raises(ValidationError) as caught:
        record_project(user, **values(unit, village, money_spent=Decimal("1200")))
    assert "超计划说明" in caught.value.message_dict["spent_note"][0]
    assert record_project(user, **values(unit, village, money_spent=Decimal("1200"), spent_note="追加配套")).pk


def test_a_project_in_a_village_the_unit_is_not_paired_with_is_refused(paired):
    unit, _village, user = paired
    other = f.village("620502100002")
    with pytest.raises(ValidationError) as caught:
        record_project(user, **values(unit, other))
    assert "未联系" in caught.value.message_dict["village"][0]


def test_a_unit_administrator_cannot_record_another_units_project(paired):
    _unit, village, _user = paired
    other = f.VillagePairingFactory(village=village).unit
    with pytest.raises(ValidationError) as caught:
        record_project(unit_admin(f.UnitFactory()), **values(other, village))
    assert "unit" in caught.value.message_dict


def test_an_office_records_its_own_project_in_its_area():
    village = f.village()
    office = f.RoleFactory(kind=Role.Kind.OFFICE, area_id=f.COUNTY).user
    made = record_project(office, **values(None, village, office_area=village.parent.parent))
    assert made.office_area_id == f.COUNTY


def test_a_leader_cannot_record_a_project():
    village = f.village()
    leader = f.RoleFactory(kind=Role.Kind.LEADER, area_id=f.COUNTY).user
    with pytest.raises(ValidationError):
        record_project(leader, **values(None, village, office_area=village.parent.parent))


def test_the_api_refuses_spent_above_planned_without_a_note(paired):
    unit, village, user = paired
    client = Client()
    client.force_login(user)
    body = {"unit": unit.code, "village": village.code, "kind": "infrastructure", "title": "硬化道路", "year": 2025,
            "money_planned": "1000", "money_spent": "5000", "start": "2025-04-01"}
    response = client.post("/api/v1/projects/", body, content_type="application/json")
    assert response.status_code == 400 and "spent_note" in response.json()
    assert client.post("/api/v1/projects/", {**body, "spent_note": "追加"}, content_type="application/json").status_code == 201
    assert client.get("/api/v1/projects/").json()["count"] == 1


def test_the_admin_refuses_a_project_in_an_unpaired_village(paired):
    unit, _village, _user = paired
    other = f.village("620502100002")
    user = f.UserFactory(is_staff=True)
    f.RoleFactory(user=user, kind=Role.Kind.OFFICE, area_id=f.COUNTY)
    client = Client()
    client.force_login(user)
    response = client.post("/admin/papers/project/add/", {
        "unit": unit.pk, "village": other.code, "kind": "industry", "title": "花椒基地", "year": 2025,
        "money_planned": "100", "money_spent": "0", "status": "planned", "people_trained": 0, "people_helped": 0,
        "start": "2025-04-01"})
    assert response.status_code == 200 and "未联系" in response.content.decode()
    assert not Project.objects.exists()


def _sheet(tmp_path, rows):
    from openpyxl import Workbook

    from papers.imports import COLUMNS

    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "projects.xlsx"
    book.save(path)
    return path


def test_an_upload_with_one_bad_row_stores_nothing_and_names_the_row(paired, tmp_path):
    unit, village, user = paired
    good = [unit.code, "", village.code, "培训", "花椒修剪培训", 2025, 1000, 800, "", "已完成", 40, 0, "2025-04-01", ""]
    bad = [unit.code, "", village.code, "基础设施", "道路硬化", 2025, 1000, 1500, "", "实施中", 0, 100, "2025-05-01", ""]
    client = Client()
    client.force_login(user)
    with open(_sheet(tmp_path, [good, bad]), "rb") as upload:
        page = client.post("/papers/projects/upload/", {"file": upload})
    assert page.status_code == 200 and "项目!3 到位资金超过计划资金" in page.content.decode()
    assert not Project.objects.exists()
    with open(_sheet(tmp_path, [good, good]), "rb") as upload:
        assert client.post("/papers/projects/upload/", {"file": upload}).status_code == 302
    assert Project.objects.filter(kind="training", people_trained=40).count() == 2


def test_the_api_lists_an_offices_project_without_a_unit():
    village = f.village()
    office = f.RoleFactory(kind=Role.Kind.OFFICE, area_id=f.COUNTY).user
    record_project(office, **values(None, village, office_area=village.parent.parent))
    client = Client()
    client.force_login(office)
    row = client.get("/api/v1/projects/?kind=training").json()["results"][0]
    assert (row["unit"], row["office_area"], row["village"]) == (None, f.COUNTY, village.code)
