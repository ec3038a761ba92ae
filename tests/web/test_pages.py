"""The landing page, the household card and the coverage page follow the user's scope."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_cadre_sees_only_their_own_households(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    page = client.get(reverse("home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("visits-workspace")
    assert counties["mine"]["household"].number in page.text
    assert counties["next"]["household"].number not in page.text


def test_a_household_outside_the_scope_is_not_found(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    assert client.get(reverse("household-detail", args=[counties["next"]["household"].number])).status_code == 404


def test_the_household_card_masks_member_id_numbers(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    page = client.get(reverse("household-detail", args=[counties["mine"]["household"].number]))
    assert page.status_code == 200
    assert counties["mine"]["household"].head_id_number not in page.text


def test_anonymous_visitors_are_sent_to_sign_in(client, counties):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_coverage_page_lists_a_household_without_cadre(client, office, counties):
    mine = counties["mine"]
    mine["pairing"].delete()
    client.force_login(office)
    page = client.get(reverse("admin:pairing-coverage"))
    assert page.status_code == 200
    assert reverse("admin:pairing-assign", args=[mine["household"].number]) in page.text
    assert counties["next"]["household"].number not in page.text


def test_the_coverage_page_runs_a_fixed_number_of_queries(client, office, counties, django_assert_max_num_queries):
    client.force_login(office)
    with django_assert_max_num_queries(25):
        client.get(reverse("admin:pairing-coverage"))


def test_the_english_interface_is_available(client, office):
    client.force_login(office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert 'lang="en"' in page.text
