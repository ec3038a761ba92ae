"""A county office works on its own county in the admin and nowhere else."""
import io

import openpyxl
import pytest
from django.urls import reverse

from households.models import Household

pytestmark = pytest.mark.django_db


def test_household_list_shows_only_the_offices_county(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("admin:households_household_changelist"))
    assert page.status_code == 200
    assert counties["mine"]["household"].number in page.text
    assert counties["next"]["household"].number not in page.text


def test_office_cannot_open_a_household_of_the_next_county(client, office, counties):
    client.force_login(office)
    other = counties["next"]["household"]
    page = client.get(reverse("admin:households_household_change", args=[other.pk]), follow=True)
    assert other.head_name not in page.text  # the admin answers "does not exist" and goes home


def test_office_cannot_change_a_household_of_the_next_county(client, office, counties):
    client.force_login(office)
    other = counties["next"]["household"]
    client.post(reverse("admin:households_household_change", args=[other.pk]), {"head_name": "改名"})
    other.refresh_from_db()
    assert other.head_name == "麦积区户主"


def test_office_cannot_attach_a_household_to_a_village_of_the_next_county(client, office, counties):
    client.force_login(office)
    page = client.post(reverse("admin:households_household_add"), {
        "number": "HNEW", "village": counties["next"]["village"].code, "head_name": "新户",
        "head_id_number": "620502197001010014", "kind": "rural", "resident_population": 2, "status": "registered",
        "other_causes": "[]", "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0, "incomes-TOTAL_FORMS": 0,
        "incomes-INITIAL_FORMS": 0, "plans-TOTAL_FORMS": 0, "plans-INITIAL_FORMS": 0,
        "pairings-TOTAL_FORMS": 0, "pairings-INITIAL_FORMS": 0,
    })
    assert page.status_code == 200  # the form comes back with an error
    assert "village" in page.context["adminform"].form.errors
    assert not Household.objects.filter(number="HNEW").exists()


def test_admin_export_of_households_holds_only_the_offices_county(client, office, counties):
    client.force_login(office)
    response = client.post(reverse("admin:households_household_export"), {"format": "0", "resource": "0"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [counties["mine"]["household"].number]


def test_roster_download_holds_only_the_offices_county(client, office, counties):
    client.force_login(office)
    response = client.get(reverse("admin:roster-download"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    numbers = [row[0] for row in workbook["农户"].iter_rows(min_row=2, values_only=True)]
    assert numbers == [counties["mine"]["household"].number]


def test_roster_download_of_another_county_is_refused(client, office, counties):
    client.force_login(office)
    assert client.get(reverse("admin:roster-download") + "?area=620503000000").status_code == 404


def test_id_numbers_are_masked_in_the_list_for_an_office_without_the_right(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("admin:households_household_changelist"))
    full = counties["mine"]["household"].head_id_number
    assert full not in page.text
    assert f"{full[:6]}********{full[-4:]}" in page.text


def test_id_numbers_are_shown_to_an_office_with_the_right(client, office_seeing_ids, counties):
    client.force_login(office_seeing_ids)
    page = client.get(reverse("admin:households_household_changelist"))
    assert counties["mine"]["household"].head_id_number in page.text


def test_exports_mask_id_numbers_for_an_office_without_the_right(client, office, counties):
    client.force_login(office)
    response = client.get(reverse("admin:roster-download"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    heads = [row[3] for row in workbook["农户"].iter_rows(min_row=2, values_only=True)]
    assert heads and all("********" in h for h in heads)


def test_a_leader_reads_but_cannot_change(client, leader, counties):
    client.force_login(leader)
    mine = counties["mine"]["household"]
    assert client.get(reverse("admin:households_household_changelist")).status_code == 200
    assert client.post(reverse("admin:households_household_change", args=[mine.pk]), {"head_name": "改名"}).status_code == 403
    mine.refresh_from_db()
    assert mine.head_name == "秦州区户主"


def test_a_unit_admin_sees_the_households_of_its_villages_only(client, unit_admin, counties):
    client.force_login(unit_admin)
    page = client.get(reverse("admin:households_household_changelist"))
    assert counties["mine"]["household"].number in page.text
    assert counties["next"]["household"].number not in page.text


def test_a_cadre_has_no_admin(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    response = client.get(reverse("admin:households_household_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_roles_are_managed_by_the_system_administrator_only(client, office):
    client.force_login(office)
    assert client.get(reverse("admin:pairing_role_changelist")).status_code == 403


def test_an_overlapping_village_pairing_added_in_the_admin_is_refused(client, office, counties):
    from pairing.models import VillagePairing

    mine = counties["mine"]
    client.force_login(office)
    page = client.post(reverse("admin:pairing_villagepairing_add"), {
        "unit": mine["unit"].pk, "village": mine["village"].code, "start": "2025-03-01", "end": "", "end_reason": "",
    })
    assert page.status_code == 200 and "重叠" in page.text
    assert VillagePairing.objects.filter(unit=mine["unit"]).count() == 1
