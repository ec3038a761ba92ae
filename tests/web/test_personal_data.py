"""Masked ID numbers stay masked: no birth date beside them, no lookup that answers whether a
prefix matches, no account name that is an ID number in full (README: Roles and scope)."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from households.models import Member
from pairing.models import Cadre
from shuanglian import scoping
from tests.factories import registered_admins
from visits.models import Visit

BIRTH = date(1970, 1, 1)
FULL_DATES = ("1970-01-01", "1970年1月1日", "1970年01月01日", "Jan. 1, 1970", "January 1, 1970")


@pytest.fixture
def born(counties):
    Member.objects.filter(household=counties["mine"]["household"]).update(birth_date=BIRTH)
    Cadre.objects.filter(pk=counties["mine"]["cadre"].pk).update(phone="13893800001")
    return counties


@pytest.fixture(params=["office", "leader", "unit_admin"])
def masked_reader(request, born):
    return request.getfixturevalue(request.param)


def masked(value: str) -> str:
    return scoping.mask_id_number(value)


# --- 1. the birth date beside a masked ID number ---------------------------------------------------

def shows_a_full_birth_date(text: str) -> bool:
    return any(d in text for d in FULL_DATES)


def test_the_member_list_shows_a_masked_reader_the_birth_year_only(client, masked_reader):
    client.force_login(masked_reader)
    page = client.get(reverse("admin:households_member_changelist"))
    assert page.status_code == 200
    assert not shows_a_full_birth_date(page.text)
    assert "1970" in page.text


def test_the_member_change_page_shows_a_masked_reader_the_birth_year_only(client, masked_reader, born):
    client.force_login(masked_reader)
    member = Member.objects.get(household=born["mine"]["household"])
    page = client.get(reverse("admin:households_member_change", args=[member.pk]))
    assert page.status_code == 200
    assert not shows_a_full_birth_date(page.text)


def test_the_household_page_of_the_admin_shows_its_members_birth_year_only(client, masked_reader, born):
    client.force_login(masked_reader)
    page = client.get(reverse("admin:households_household_change", args=[born["mine"]["household"].pk]))
    assert page.status_code == 200
    assert not shows_a_full_birth_date(page.text)


def test_a_reader_allowed_full_id_numbers_sees_the_birth_date(client, office_seeing_ids, born):
    client.force_login(office_seeing_ids)
    page = client.get(reverse("admin:households_member_changelist"))
    assert shows_a_full_birth_date(page.text)


def test_the_member_export_of_a_masked_reader_has_no_birth_date(client, born, office):
    client.force_login(office)
    response = client.post(reverse("admin:households_member_export"), {"format": "1", "resource": "0"})  # CSV
    assert response.status_code == 200
    assert not shows_a_full_birth_date(response.content.decode())


# --- 2. the admin list as an oracle ----------------------------------------------------------------

def personal_lookups(model) -> list[str]:
    """Every lookup path of a model that reaches a personal field, directly or through one foreign key."""
    paths = []
    for field in model._meta.get_fields():
        if getattr(field, "concrete", False) and field.name in scoping.PERSONAL_FIELDS:
            paths.append(field.name)
        elif field.is_relation and field.related_model is not None and (field.many_to_one or field.one_to_one
                                                                          or field.many_to_many):
            paths += [f"{field.name}__{f.name}" for f in field.related_model._meta.concrete_fields
                      if f.name in scoping.PERSONAL_FIELDS]
    return paths


def admin_lists_with_personal_lookups(user):
    request = type("Request", (), {"user": user})()
    for model, model_admin in registered_admins():
        if model_admin.has_module_permission(request):
            for path in personal_lookups(model):
                yield f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", path


def test_every_admin_list_with_personal_fields_is_checked(born, office):
    checked = {name for name, _ in admin_lists_with_personal_lookups(office)}
    assert {"admin:households_household_changelist", "admin:households_member_changelist",
            "admin:pairing_cadre_changelist", "admin:pairing_householdpairing_changelist",
            "admin:visits_visit_changelist"} <= checked


def test_no_admin_list_tells_a_masked_reader_whether_a_prefix_matches(client, masked_reader, born):
    household, cadre = born["mine"]["household"], born["mine"]["cadre"]
    client.force_login(masked_reader)
    answers = []
    for name, path in admin_lists_with_personal_lookups(masked_reader):
        url = reverse(name)
        # The region code matches every number of the county; a birth date no one has matches none.
        hit = client.get(url, {f"{path}__startswith": household.head_id_number[:10]})
        miss = client.get(url, {f"{path}__startswith": "9999"})
        if hit.status_code != miss.status_code or (hit.status_code == 200 and hit.text.count("<tr") != miss.text.count("<tr")):
            answers.append(f"{name} {path}: {hit.status_code}/{miss.status_code}")
        if hit.status_code == 200:
            answers.append(f"{name} {path}: answered")
    assert answers == [], cadre


@pytest.mark.parametrize("lookup", ["head_id_number__startswith", "head_id_number__contains", "head_id_number__gt",
                                    "head_id_number__regex", "members__birth_date__year", "members__id_number__startswith"])
def test_household_lookups_on_personal_fields_are_refused_to_a_masked_reader(client, office, born, lookup):
    client.force_login(office)
    response = client.get(reverse("admin:households_household_changelist"), {lookup: "6205021970"})
    assert response.status_code == 400


def test_the_member_list_refuses_a_birth_date_lookup_to_a_masked_reader(client, office, born):
    client.force_login(office)
    response = client.get(reverse("admin:households_member_changelist"), {"birth_date__year": "1970"})
    assert response.status_code == 400


def test_the_cadre_list_refuses_a_phone_lookup_to_a_masked_reader(client, office, born):
    client.force_login(office)
    response = client.get(reverse("admin:pairing_cadre_changelist"), {"phone__startswith": "138"})
    assert response.status_code == 400


def test_a_masked_reader_finds_nobody_by_id_number_in_the_search_box(client, masked_reader, born):
    household = born["mine"]["household"]
    client.force_login(masked_reader)
    page = client.get(reverse("admin:households_household_changelist"), {"q": household.head_id_number})
    assert page.status_code == 200
    assert household.number not in page.text


def test_a_masked_reader_finds_no_cadre_by_id_number_through_the_autocomplete(client, office, born):
    cadre = born["mine"]["cadre"]
    client.force_login(office)
    response = client.get(reverse("admin:autocomplete"), {"app_label": "visits", "model_name": "visit",
                                                          "field_name": "cadre", "term": cadre.id_number})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_reader_allowed_full_id_numbers_still_searches_and_filters_by_id_number(client, office_seeing_ids, born):
    household = born["mine"]["household"]
    client.force_login(office_seeing_ids)
    url = reverse("admin:households_household_changelist")
    assert household.number in client.get(url, {"q": household.head_id_number}).text
    assert household.number in client.get(url, {"head_id_number__startswith": household.head_id_number[:14]}).text


def test_masked_id_columns_do_not_sort_by_the_hidden_digits(client, office, born):
    client.force_login(office)
    page = client.get(reverse("admin:households_household_changelist"))
    assert "column-masked_head_id_number" in page.text
    assert "sortable column-masked_head_id_number" not in page.text


# --- 3. account names that are ID numbers ----------------------------------------------------------

def test_the_cadre_page_masks_the_account_name_for_a_masked_reader(client, masked_reader, born):
    cadre = born["mine"]["cadre"]
    client.force_login(masked_reader)
    page = client.get(reverse("admin:pairing_cadre_change", args=[cadre.pk]))
    assert page.status_code == 200
    assert cadre.user.username not in page.text
    assert masked(cadre.user.username) in page.text


def test_the_cadre_list_masks_mobile_numbers_for_a_masked_reader(client, masked_reader, born):
    client.force_login(masked_reader)
    page = client.get(reverse("admin:pairing_cadre_changelist"))
    assert "13893800001" not in page.text
    assert "138****0001" in page.text


def test_the_visit_page_masks_who_entered_the_trip(client, office, born):
    cadre = born["mine"]["cadre"]
    visit = Visit.objects.create(cadre=cadre, start=date(2025, 3, 3), end=date(2025, 3, 3), created_by=cadre.user)
    client.force_login(office)
    page = client.get(reverse("admin:visits_visit_change", args=[visit.pk]))
    assert page.status_code == 200
    assert cadre.user.username not in page.text
    assert masked(cadre.user.username) in page.text


def test_the_top_bar_masks_a_cadres_account_name(client, born):
    user = born["mine"]["cadre"].user
    client.force_login(user)
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert user.username not in page.text
    assert masked(user.username) in page.text


def test_the_top_bar_names_a_person_by_their_full_name(client, born):
    user = born["mine"]["cadre"].user
    user.first_name = "张三"
    user.save()
    client.force_login(user)
    assert "张三" in client.get(reverse("home"), follow=True).text


def test_an_account_named_by_an_id_number_is_masked_for_a_reader_without_the_right(born, office):
    user = born["mine"]["cadre"].user
    assert scoping.display_username(office, user) == masked(user.username)


def test_an_account_named_by_a_mobile_number_is_masked_like_one(born, office):
    user = get_user_model()(username="13893800001")
    assert scoping.display_username(office, user) == "138****0001"


def test_an_ordinary_account_name_shows_as_it_is(born, office, leader):
    assert scoping.display_username(office, leader) == "leader"


def test_a_reader_allowed_full_id_numbers_sees_account_names_in_full(born, office_seeing_ids):
    user = born["mine"]["cadre"].user
    assert scoping.display_username(office_seeing_ids, user) == user.username
